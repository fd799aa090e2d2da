package teams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// maxSkew is the clock skew allowed on a token's exp and nbf, as the Bot
// Framework's own SDKs allow.
const maxSkew = 5 * time.Minute

// metadataRetry is how soon a failed fetch of the OpenID metadata or the
// keys may be tried again: often enough to recover quickly, rarely enough
// that a stream of forged requests cannot make us hammer Microsoft.
const metadataRetry = 10 * time.Second

// Errors verify returns. They are for logs; the caller answers 401 to all.
var (
	errNoToken     = errors.New("teams: missing or malformed Authorization: Bearer header")
	errNoKeys      = errors.New("teams: signing keys unavailable")
	errServiceURL  = errors.New("teams: token has no serviceurl claim")
	errBadMetadata = errors.New("teams: OpenID metadata has no usable jwks_uri")
)

// claims are the Bot Framework token's claims that we check.
type claims struct {
	jwt.RegisteredClaims
	// ServiceURL is the Bot Connector URL the activity must name.
	ServiceURL string `json:"serviceurl"`
}

// verifier checks the bearer tokens on inbound activities. It fetches the
// OpenID metadata lazily, on the first activity, and hands its jwks_uri
// to keyfunc, which caches the keys, refreshes them hourly and fetches
// them again (rate-limited) when a token names an unknown key id.
type verifier struct {
	opts   Options
	log    *slog.Logger
	parser *jwt.Parser

	mu      sync.Mutex
	keys    keyfunc.Keyfunc // nil until the metadata and keys are fetched
	tried   time.Time       // the last failed attempt to fetch them
	lastErr error
	ctx     context.Context // ends keyfunc's refresh goroutine
	cancel  context.CancelFunc
}

func newVerifier(opts Options, log *slog.Logger) *verifier {
	ctx, cancel := context.WithCancel(context.Background())
	return &verifier{
		opts: opts,
		log:  log,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{"RS256"}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(opts.AppID),
			jwt.WithLeeway(maxSkew),
			jwt.WithTimeFunc(opts.Now),
			jwt.WithExpirationRequired(),
		),
		ctx:    ctx,
		cancel: cancel,
	}
}

func (v *verifier) close() { v.cancel() }

// verify checks the request's bearer token: RS256 by a published key, the
// Bot Framework's issuer, our app id as audience, exp and nbf within the
// skew, and a serviceurl claim. It returns the claims of a good token.
func (v *verifier) verify(ctx context.Context, h http.Header) (*claims, error) {
	raw, err := bearer(h)
	if err != nil {
		return nil, err
	}
	keys, err := v.keyfunc(ctx)
	if err != nil {
		return nil, err
	}
	var c claims
	if _, err := v.parser.ParseWithClaims(raw, &c, keys.KeyfuncCtx(ctx)); err != nil {
		return nil, fmt.Errorf("teams: bad token: %w", err)
	}
	if c.ServiceURL == "" {
		return nil, errServiceURL
	}
	return &c, nil
}

// bearer is the token of the one Authorization header, which must be
// "Bearer <token>".
func bearer(h http.Header) (string, error) {
	vals := h.Values("Authorization")
	if len(vals) != 1 {
		return "", errNoToken
	}
	scheme, tok, ok := strings.Cut(vals[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" || len(tok) > 16<<10 {
		return "", errNoToken
	}
	return strings.TrimSpace(tok), nil
}

// keyfunc returns the key source, fetching the metadata and keys first if
// no fetch has succeeded yet and none failed in the last metadataRetry.
func (v *verifier) keyfunc(ctx context.Context) (keyfunc.Keyfunc, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys != nil {
		return v.keys, nil
	}
	if now := v.opts.Now(); !v.tried.IsZero() && now.Sub(v.tried) < metadataRetry && now.Sub(v.tried) >= 0 {
		return nil, fmt.Errorf("%w: %v", errNoKeys, v.lastErr)
	}
	keys, err := v.load(ctx)
	if err != nil {
		v.tried, v.lastErr = v.opts.Now(), err
		v.log.Error("teams: cannot fetch the Bot Framework signing keys; activities are refused until they can be fetched", "openid_url", v.opts.OpenIDURL, "err", err)
		return nil, fmt.Errorf("%w: %v", errNoKeys, err)
	}
	v.keys = keys
	return keys, nil
}

// load fetches the OpenID metadata and starts keyfunc on its jwks_uri.
func (v *verifier) load(ctx context.Context) (keyfunc.Keyfunc, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	jwksURL, err := v.metadata(ctx)
	if err != nil {
		return nil, err
	}
	strict := false // fail now, and retry later, if the keys cannot be fetched
	keys, err := keyfunc.NewDefaultOverrideCtx(v.ctx, []string{jwksURL}, keyfunc.Override{
		Client:                    v.opts.HTTPClient,
		HTTPTimeout:               10 * time.Second,
		NoErrorReturnFirstHTTPReq: &strict,
		// A token with an unknown key id fetches the keys again, at most
		// once per keyRefreshEvery; a wait longer than RateLimitWaitMax
		// fails at once rather than holding the request.
		RefreshUnknownKID: rate.NewLimiter(rate.Every(v.opts.keyRefreshEvery), 1),
		RateLimitWaitMax:  10 * time.Second,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(_ context.Context, err error) {
				v.log.Warn("teams: refreshing the signing keys failed; the cached keys stay in use", "jwks_uri", u, "err", err)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("teams: fetch signing keys from %s: %w", jwksURL, err)
	}
	return keys, nil
}

// metadata fetches the OpenID metadata and returns its jwks_uri.
func (v *verifier) metadata(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.opts.OpenIDURL, nil)
	if err != nil {
		return "", fmt.Errorf("teams: OpenID metadata: %w", err)
	}
	resp, err := v.opts.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("teams: OpenID metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("teams: OpenID metadata %s: status %s", v.opts.OpenIDURL, resp.Status)
	}
	var md struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&md); err != nil {
		return "", fmt.Errorf("teams: OpenID metadata %s: %w", v.opts.OpenIDURL, err)
	}
	if !httpURL(md.JWKSURI) {
		return "", fmt.Errorf("%w: %q", errBadMetadata, md.JWKSURI)
	}
	return md.JWKSURI, nil
}
