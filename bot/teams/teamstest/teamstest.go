// Package teamstest is Microsoft's side of a Teams bot, offline, for
// tests: the Bot Framework's OpenID metadata and a JWKS whose test RSA
// key signs real RS256 tokens, the client-credentials token endpoint, and
// a Bot Connector that records what the bot sends. One httptest server
// serves them all, each under the path the real service uses.
package teamstest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Paths on the fake server.
const (
	openIDPath = "/v1/.well-known/openidconfiguration"
	keysPath   = "/v1/.well-known/keys"
	tokenPath  = "/botframework.com/oauth2/v2.0/token"
	// connectorPath is where the service URL points, with Teams' regional
	// path and trailing slash ("https://smba.trafficmanager.net/uk/").
	connectorPath = "/uk/"
)

// Key is a signing key the fake publishes.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
	cert    []byte // DER, self-signed: Microsoft publishes x5c too
}

// Call is one request the fake Bot Connector received.
type Call struct {
	Method string
	Path   string // below the service URL, e.g. "/v3/conversations/a:1/activities/99"
	Auth   string // the Authorization header
	Body   map[string]any
}

// Member is a user the fake Connector knows, for member look-ups.
type Member struct {
	TeamsID string // "29:…"
	AAD     string // the AAD object id
	Name    string
}

// Fake is an offline Bot Framework.
type Fake struct {
	AppID, Password string
	Server          *httptest.Server
	// Now is the clock tokens are issued by; default time.Now.
	Now func() time.Time
	// Respond, when set, may answer a Connector call itself: it returns
	// the status and body, and ok=true.
	Respond func(c Call, n int) (status int, body string, ok bool)

	mu       sync.Mutex
	keys     []*Key
	fetches  int
	tokens   int
	calls    []Call
	members  []Member
	activity int
}

var (
	keyOnce sync.Once
	key0    *Key
)

// New starts a fake for the app id and password and stops it when the
// test ends.
func New(t testing.TB, appID, password string) *Fake {
	t.Helper()
	keyOnce.Do(func() { key0 = newKey("test-key-1") })
	f := &Fake{AppID: appID, Password: password, Now: time.Now, keys: []*Key{key0}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Server.Close)
	return f
}

func newKey(kid string) *Key {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "login.botframework.com"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		panic(err)
	}
	return &Key{ID: kid, Private: priv, cert: cert}
}

// OpenIDURL is TEAMS_OPENID_URL for the fake.
func (f *Fake) OpenIDURL() string { return f.Server.URL + openIDPath }

// TokenURL is TEAMS_TOKEN_URL for the fake.
func (f *Fake) TokenURL() string { return f.Server.URL + tokenPath }

// ServiceURL is the service URL activities name, as Teams writes it.
func (f *Fake) ServiceURL() string { return f.Server.URL + connectorPath }

// AccessToken is the Connector token the token endpoint issues.
func (f *Fake) AccessToken() string { return "connector-token-for-" + f.AppID }

// Key is the key tokens are signed with by default.
func (f *Fake) Key() *Key {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.keys[len(f.keys)-1]
}

// Rotate publishes a new key beside the old ones and signs with it from
// now on, as Microsoft does when it rolls its keys.
func (f *Fake) Rotate(kid string) *Key {
	k := newKey(kid)
	f.mu.Lock()
	f.keys = append(f.keys, k)
	f.mu.Unlock()
	return k
}

// KeyFetches is how many times the JWKS was fetched.
func (f *Fake) KeyFetches() int { f.mu.Lock(); defer f.mu.Unlock(); return f.fetches }

// TokenRequests is how many Connector tokens were issued.
func (f *Fake) TokenRequests() int { f.mu.Lock(); defer f.mu.Unlock(); return f.tokens }

// AddMember makes a user known to member look-ups.
func (f *Fake) AddMember(m Member) { f.mu.Lock(); f.members = append(f.members, m); f.mu.Unlock() }

// Calls returns the Connector calls so far.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// WaitCalls waits until at least n Connector calls satisfy match, and
// returns them. Replies are sent after the activity is answered.
func (f *Fake) WaitCalls(t testing.TB, n int, match func(Call) bool) []Call {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []Call
		for _, c := range f.Calls() {
			if match == nil || match(c) {
				got = append(got, c)
			}
		}
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) < n {
				t.Fatalf("waited for %d Connector calls, got %d: %+v", n, len(got), f.Calls())
			}
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Claims are the claims of a valid token for an activity on the fake.
func (f *Fake) Claims() jwt.MapClaims {
	now := f.Now()
	return jwt.MapClaims{
		"iss": "https://api.botframework.com", "aud": f.AppID,
		"exp": now.Add(time.Hour).Unix(), "nbf": now.Add(-time.Minute).Unix(), "iat": now.Add(-time.Minute).Unix(),
		"serviceurl": f.ServiceURL(),
	}
}

// Token is a valid bearer token for an activity, signed with Key.
func (f *Fake) Token() string { return f.Sign(f.Claims()) }

// Sign signs claims with RS256 and the current key.
func (f *Fake) Sign(claims jwt.MapClaims) string {
	k := f.Key()
	return SignWith(jwt.SigningMethodRS256, k.Private, k.ID, claims)
}

// SignWith signs claims with any method and key, naming kid ("" for
// none): the forgeries a test needs.
func SignWith(m jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		panic(fmt.Sprintf("teamstest: sign: %v", err))
	}
	return s
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == openIDPath:
		writeJSON(w, 200, map[string]any{
			"issuer":                                "https://api.botframework.com",
			"authorization_endpoint":                "https://invalid.botframework.com",
			"jwks_uri":                              f.Server.URL + keysPath,
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		})
	case r.URL.Path == keysPath:
		f.mu.Lock()
		f.fetches++
		var keys []any
		for _, k := range f.keys {
			keys = append(keys, jwk(k))
		}
		f.mu.Unlock()
		writeJSON(w, 200, map[string]any{"keys": keys})
	case r.URL.Path == tokenPath:
		f.token(w, r)
	case strings.HasPrefix(r.URL.Path, connectorPath):
		f.connector(w, r)
	default:
		http.NotFound(w, r)
	}
}

// jwk is a key as Microsoft publishes it: with its certificate, its
// thumbprint and the channels that endorse it.
func jwk(k *Key) map[string]any {
	b64 := base64.RawURLEncoding.EncodeToString
	thumb := sha1.Sum(k.cert)
	return map[string]any{
		"kty": "RSA", "use": "sig", "kid": k.ID, "x5t": b64(thumb[:]),
		"n": b64(k.Private.N.Bytes()), "e": b64(big.NewInt(int64(k.Private.E)).Bytes()),
		"x5c": []string{base64.StdEncoding.EncodeToString(k.cert)}, "endorsements": []string{"msteams", "webchat"},
	}
}

// token is the client-credentials endpoint: the right client id, secret
// and scope get the access token.
func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != f.AppID ||
		r.PostForm.Get("client_secret") != f.Password || r.PostForm.Get("scope") != "https://api.botframework.com/.default" {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	f.mu.Lock()
	f.tokens++
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": f.AccessToken()})
}

func (f *Fake) connector(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: r.Method, Path: "/" + strings.TrimPrefix(r.URL.Path, connectorPath), Auth: r.Header.Get("Authorization")}
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &c.Body)
	f.mu.Lock()
	f.calls = append(f.calls, c)
	n := len(f.calls)
	respond := f.Respond
	f.mu.Unlock()
	if respond != nil {
		if status, body, ok := respond(c, n); ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return
		}
	}
	if c.Auth != "Bearer "+f.AccessToken() {
		writeJSON(w, 401, map[string]string{"message": "Authorization has been denied for this request."})
		return
	}
	parts := strings.Split(strings.Trim(c.Path, "/"), "/")
	switch {
	case r.Method == "POST" && c.Path == "/v3/conversations":
		id := "a:dm-unknown"
		if ms, _ := c.Body["members"].([]any); len(ms) == 1 {
			if m, _ := ms[0].(map[string]any); m != nil {
				id = fmt.Sprintf("a:dm-%v", m["id"])
			}
		}
		writeJSON(w, 201, map[string]any{"id": id})
	case r.Method == "POST" && len(parts) >= 4 && parts[3] == "activities":
		f.mu.Lock()
		f.activity++
		id := fmt.Sprintf("1700000000%03d", f.activity)
		f.mu.Unlock()
		writeJSON(w, 201, map[string]any{"id": id})
	case r.Method == "GET" && len(parts) == 5 && parts[3] == "members":
		user, _ := url.PathUnescape(parts[4])
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, m := range f.members {
			if user == m.TeamsID || user == m.AAD {
				writeJSON(w, 200, map[string]any{"id": m.TeamsID, "name": m.Name, "aadObjectId": m.AAD, "userPrincipalName": strings.ToLower(strings.ReplaceAll(m.Name, " ", ".")) + "@nhs.net"})
				return
			}
		}
		writeJSON(w, 404, map[string]any{"error": map[string]string{"code": "MemberNotFoundInConversation"}})
	default:
		writeJSON(w, 404, map[string]string{"message": "no such route"})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
