package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/targetbot/targetbot/bot/internal/wait"
)

// Retry limits for Bot Connector calls.
const (
	maxAttempts = 4
	// maxRetryAfter caps one wait on a 429's Retry-After, so a huge value
	// cannot stall a scheduler run.
	maxRetryAfter = time.Minute
)

// errUntrusted is returned for a call to a service URL that no verified
// activity named: the bearer token is never sent there.
var errUntrusted = errors.New("teams: refusing to send the bot's token to a service URL no verified activity named")

// connector calls the Bot Connector REST API with the client-credentials
// token. The token is fetched once and reused until it expires (oauth2's
// ReuseTokenSource), and is attached only to requests for trusted
// service URLs.
type connector struct {
	client *http.Client
	tokens oauth2.TokenSource
	log    *slog.Logger

	mu      sync.RWMutex
	trusted map[string]bool // normalised service URLs from verified activities
}

func newConnector(opts Options, log *slog.Logger) *connector {
	cfg := &clientcredentials.Config{
		ClientID:     opts.AppID,
		ClientSecret: opts.AppPassword,
		TokenURL:     opts.TokenURL,
		Scopes:       []string{ConnectorScope},
		// Microsoft's v2 endpoint takes the secret in the form; naming the
		// style saves oauth2's probe of the other one.
		AuthStyle: oauth2.AuthStyleInParams,
	}
	// The token source keeps this context for every refresh: it carries
	// our HTTP client, and no deadline.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, opts.HTTPClient)
	return &connector{client: opts.HTTPClient, tokens: cfg.TokenSource(ctx), log: log, trusted: map[string]bool{}}
}

// trust records a service URL that arrived in a verified activity, or
// that Options.State kept on a trusted host (serviceHosts).
func (c *connector) trust(serviceURL string) {
	key := normalise(serviceURL)
	c.mu.RLock()
	ok := c.trusted[key]
	c.mu.RUnlock()
	if ok {
		return
	}
	c.mu.Lock()
	c.trusted[key] = true
	c.mu.Unlock()
}

func (c *connector) isTrusted(serviceURL string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.trusted[normalise(serviceURL)]
}

// normalise is the form service URLs are compared in: Teams writes them
// with a trailing slash, and the host is case-insensitive.
func normalise(serviceURL string) string {
	u, err := url.Parse(strings.TrimSpace(serviceURL))
	if err != nil || u.Host == "" {
		return strings.TrimRight(serviceURL, "/")
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// statusError is a non-2xx answer from the Bot Connector.
type statusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// do sends body as JSON to serviceURL + path and decodes the answer into
// out. A 429 waits its Retry-After and tries again; so does a connection
// that was refused. Other failures are retried only when repeatable says
// sending twice does no harm: a POST that may have posted is not.
func (c *connector) do(ctx context.Context, method, serviceURL, path string, body, out any, repeatable bool) error {
	if !c.isTrusted(serviceURL) {
		return fmt.Errorf("%w: %s", errUntrusted, serviceURL)
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = marshal(body); err != nil {
			return fmt.Errorf("teams: %s %s: encode: %w", method, path, err)
		}
	}
	target := strings.TrimRight(serviceURL, "/") + path
	var err error
	for attempt := 1; ; attempt++ {
		var pause time.Duration
		var unsent bool
		pause, unsent, err = c.attempt(ctx, method, target, payload, out)
		if err == nil || pause == 0 || attempt == maxAttempts || !repeatable && !unsent {
			break
		}
		c.log.Warn("teams: connector call will be retried", "method", method, "path", path, "attempt", attempt, "wait", pause, "err", err)
		if serr := wait.Sleep(ctx, pause); serr != nil {
			return fmt.Errorf("teams: %s %s: %w (last: %v)", method, path, serr, err)
		}
	}
	if err != nil {
		return fmt.Errorf("teams: %s %s: %w", method, path, err)
	}
	return nil
}

// attempt makes one call. A non-zero wait means it may be retried after
// that long; unsent means the Connector certainly did not act on it (a
// 429, or no connection), so even a POST may be.
func (c *connector) attempt(ctx context.Context, method, target string, payload []byte, out any) (wait time.Duration, unsent bool, err error) {
	tok, err := c.tokens.Token()
	if err != nil {
		return 0, false, fmt.Errorf("get a Bot Connector token (check TEAMS_APP_ID and TEAMS_APP_PASSWORD): %w", err)
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, false, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := c.client.Do(req)
	if err != nil {
		var oe *net.OpError
		if ctx.Err() == nil && errors.As(err, &oe) && oe.Op == "dial" {
			return 500 * time.Millisecond, true, err
		}
		return time.Second, false, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return time.Second, false, fmt.Errorf("read answer: %w", err)
	}
	se := &statusError{Method: method, Path: req.URL.Path, Status: resp.StatusCode, Body: snippet(data)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return retryAfter(resp.Header.Get("Retry-After"), time.Now()), true, se
	case resp.StatusCode >= 500:
		return time.Second, false, se
	case resp.StatusCode >= 300:
		return 0, false, se
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return 0, false, fmt.Errorf("decode answer: %w", err)
		}
	}
	return 0, false, nil
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date,
// as a wait of at least 100 ms and at most maxRetryAfter; one second when
// there is none.
func retryAfter(v string, now time.Time) time.Duration {
	d := time.Second
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		d = time.Duration(min(secs, maxRetryAfter.Seconds()) * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 100*time.Millisecond), maxRetryAfter)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// conversationPath is the Bot Connector path of a conversation's
// activities, or of a reply to one of them.
func conversationPath(conv, replyTo string) string {
	p := "/v3/conversations/" + url.PathEscape(conv) + "/activities"
	if replyTo != "" {
		p += "/" + url.PathEscape(replyTo)
	}
	return p
}
