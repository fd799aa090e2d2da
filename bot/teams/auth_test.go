package teams

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/targetbot/targetbot/bot/teams/teamstest"
)

// Every forged, stale or misdirected token is refused with 401 before the
// activity is read, and nothing runs or is remembered.
func TestRejectedActivities(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.TenantID = testTenant })
	f := h.fake
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := f.Claims()
		edit(c)
		return c
	}
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&f.Key().Private.PublicKey))})
	good := h.personal("1", "update eds/1.1 40%")
	tests := []struct {
		name  string
		token string
		body  []byte
	}{
		{"no Authorization header", "", good},
		{"wrong issuer", f.Sign(claims(func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/evil/" })), good},
		{"no issuer", f.Sign(claims(func(c jwt.MapClaims) { delete(c, "iss") })), good},
		{"wrong audience", f.Sign(claims(func(c jwt.MapClaims) { c["aud"] = "00000000-0000-0000-0000-000000000000" })), good},
		{"expired beyond the skew", f.Sign(claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-6 * time.Minute).Unix() })), good},
		{"no expiry", f.Sign(claims(func(c jwt.MapClaims) { delete(c, "exp") })), good},
		{"not valid until beyond the skew", f.Sign(claims(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(6 * time.Minute).Unix() })), good},
		{"unknown kid", teamstest.SignWith(jwt.SigningMethodRS256, otherKey, "not-published", f.Claims()), good},
		{"right kid, wrong key", teamstest.SignWith(jwt.SigningMethodRS256, otherKey, f.Key().ID, f.Claims()), good},
		{"alg none", teamstest.SignWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, f.Key().ID, f.Claims()), good},
		{"HS256 keyed with the public key", teamstest.SignWith(jwt.SigningMethodHS256, pubPEM, f.Key().ID, f.Claims()), good},
		{"RS512", teamstest.SignWith(jwt.SigningMethodRS512, f.Key().Private, f.Key().ID, f.Claims()), good},
		{"no serviceurl claim", f.Sign(claims(func(c jwt.MapClaims) { delete(c, "serviceurl") })), good},
		{"serviceUrl differs from the claim", f.Token(), f.JSON(teamstest.Activity{ID: "2", Conversation: "a:1", Type: teamstest.Personal,
			Tenant: testTenant, From: priya, Text: "list", ServiceURL: "https://evil.example.org/uk/"})},
		{"another tenant", f.Token(), f.JSON(teamstest.Activity{ID: "3", Conversation: "a:1", Type: teamstest.Personal,
			Tenant: "11111111-2222-3333-4444-555555555555", From: priya, Text: "list"})},
		{"garbage token", "not.a.jwt", good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := h.post(t, tt.body, tt.token); code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", code)
			}
		})
	}
	t.Run("malformed Authorization headers", func(t *testing.T) {
		for _, hdr := range [][]string{{"Basic " + f.Token()}, {"Bearer"}, {"Bearer "}, {f.Token()}, {"Bearer " + f.Token(), "Bearer " + f.Token()}} {
			req, _ := http.NewRequest("POST", h.endpoint, strings.NewReader(string(good)))
			req.Header["Authorization"] = hdr
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("Authorization %q: status %d, want 401", hdr, res.StatusCode)
			}
		}
	})
	h.drain(t)
	if got := h.handler.requests(); len(got) != 0 {
		t.Errorf("rejected activities ran %d commands: %+v", len(got), got)
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("rejected activities reached the Connector: %+v", calls)
	}
	if _, err := h.adapter.serviceURL(t.Context(), "teams:"+testTenant); err == nil {
		t.Error("a rejected activity taught the adapter a service URL")
	}
	// The unknown kid made the adapter fetch the keys again, once per
	// unknown token, and still refuse it.
	if n := f.KeyFetches(); n < 2 {
		t.Errorf("keys fetched %d times, want a re-fetch for the unknown kid", n)
	}
}

// Tokens within the 5-minute skew are accepted, as the Bot Framework's
// SDKs accept them; the clock is the adapter's, not the machine's.
func TestSkewAndInjectedClock(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, func(o *Options) { o.Now = func() time.Time { return now } })
	h.fake.Now = func() time.Time { return now }
	c := h.fake.Claims()
	c["exp"] = now.Add(-4 * time.Minute).Unix()
	c["nbf"] = now.Add(4 * time.Minute).Unix()
	if code := h.post(t, h.personal("1", "list"), h.fake.Sign(c)); code != 200 {
		t.Fatalf("token 4 minutes either side of its window: status %d, want 200", code)
	}
	c["exp"] = now.Add(-6 * time.Minute).Unix()
	if code := h.post(t, h.personal("2", "list"), h.fake.Sign(c)); code != 401 {
		t.Fatalf("token expired 6 minutes ago by the injected clock: status %d, want 401", code)
	}
}

// When Microsoft rolls its keys, a token with the new kid makes the
// adapter fetch the keys again, and it is accepted.
func TestKeyRotation(t *testing.T) {
	h := newHarness(t, nil)
	if code := h.post(t, h.personal("1", "list"), h.fake.Token()); code != 200 {
		t.Fatalf("first activity: %d", code)
	}
	before := h.fake.KeyFetches()
	h.fake.Rotate("rolled-key-2")
	if code := h.post(t, h.personal("2", "list"), h.fake.Token()); code != 200 {
		t.Fatalf("activity signed with the rolled key: %d, want 200", code)
	}
	if h.fake.KeyFetches() != before+1 {
		t.Errorf("key fetches %d -> %d, want one re-fetch", before, h.fake.KeyFetches())
	}
}

// When the metadata cannot be fetched, activities are refused, and the
// adapter recovers once it can be.
func TestMetadataUnavailable(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.OpenIDURL = "http://127.0.0.1:1/openid" })
	if code := h.post(t, h.personal("1", "list"), h.fake.Token()); code != 401 {
		t.Fatalf("with no metadata: %d, want 401", code)
	}
	if got := h.handler.requests(); len(got) != 0 {
		t.Fatalf("ran %v without keys", got)
	}
}

// A body over the cap is refused with 413, after the token checks out.
func TestBodyCap(t *testing.T) {
	h := newHarness(t, nil)
	big := h.personal("1", strings.Repeat("x", maxBody))
	if code := h.post(t, big, h.fake.Token()); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized activity: %d, want 413", code)
	}
	if code := h.post(t, big, ""); code != http.StatusUnauthorized {
		t.Fatalf("oversized activity without a token: %d, want 401 (the token is checked first)", code)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
