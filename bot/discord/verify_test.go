package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadKeys(t *testing.T) {
	h := &fakeHandler{}
	for _, key := range []string{"zz" + testPublic[2:], testPublic[:62], testPublic + "00", "not hex"} {
		_, err := New(Options{PublicKey: key, Handler: h})
		if err == nil || !strings.Contains(err.Error(), "public key") {
			t.Errorf("New(key %q) = %v, want a public key error", key, err)
		}
	}
	if _, err := New(Options{PublicKey: testPublic}); err == nil {
		t.Error("New without a handler succeeded")
	}
	if _, err := New(Options{Handler: h}); err == nil {
		t.Error("New without key or token succeeded")
	}
	if _, err := New(Options{PublicKey: testPublic, Handler: h, APIURL: "discord.example"}); err == nil {
		t.Error("New with a relative API URL succeeded")
	}
	if _, err := New(Options{PublicKey: testPublic, Handler: h}); err != nil {
		t.Errorf("New with the RFC 8032 key: %v", err)
	}
}

func TestVerify(t *testing.T) {
	key, _ := hex.DecodeString(testPublic)
	body := []byte(`{"type":1}`)
	cases := []struct {
		name   string
		header http.Header
		body   []byte
		key    ed25519.PublicKey
		ok     bool
	}{
		{"good", signed(t, testNow, body), body, key, true},
		{"4 minutes old", signed(t, testNow.Add(-4*time.Minute), body), body, key, true},
		{"4 minutes ahead", signed(t, testNow.Add(4*time.Minute), body), body, key, true},
		{"6 minutes old", signed(t, testNow.Add(-6*time.Minute), body), body, key, false},
		{"6 minutes ahead", signed(t, testNow.Add(6*time.Minute), body), body, key, false},
		{"flipped bit", flip(signed(t, testNow, body)), body, key, false},
		{"other body", signed(t, testNow, body), []byte(`{"type":2}`), key, false},
		{"missing signature", func() http.Header { h := signed(t, testNow, body); h.Del("X-Signature-Ed25519"); return h }(), body, key, false},
		{"missing timestamp", func() http.Header { h := signed(t, testNow, body); h.Del("X-Signature-Timestamp"); return h }(), body, key, false},
		{"signature not hex", func() http.Header { h := signed(t, testNow, body); h.Set("X-Signature-Ed25519", "xyz"); return h }(), body, key, false},
		{"short signature", func() http.Header { h := signed(t, testNow, body); h.Set("X-Signature-Ed25519", "abcd"); return h }(), body, key, false},
		{"timestamp not a number", func() http.Header { h := signed(t, testNow, body); h.Set("X-Signature-Timestamp", "soon"); return h }(), body, key, false},
		{"huge negative timestamp", func() http.Header {
			h := signed(t, testNow, body)
			h.Set("X-Signature-Timestamp", "-9223372036854775808")
			return h
		}(), body, key, false},
		{"bad key length", signed(t, testNow, body), body, key[:31], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.header, c.body, c.key, testNow)
			if (err == nil) != c.ok {
				t.Fatalf("Verify = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestEndpointRejectsUnsigned(t *testing.T) {
	body := fixture(t, "command_update.json")
	cases := map[string]http.Header{
		"missing": {},
		"stale":   signed(t, testNow.Add(-6*time.Minute), body),
		"future":  signed(t, testNow.Add(6*time.Minute), body),
		"flipped": flip(signed(t, testNow, body)),
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			fh := &fakeHandler{}
			a := newAdapter(t, fh, nil, nil)
			rec := post(t, a, body, h)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			if n := len(fh.requests()); n != 0 {
				t.Fatalf("handler called %d times", n)
			}
		})
	}
}

func TestPing(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "ping.json")
	rec := post(t, a, body, signed(t, testNow, body))
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"type":1}` {
		t.Fatalf("PING answered %d %q, want {\"type\":1}", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestOversizedBody(t *testing.T) {
	a := newAdapter(t, &fakeHandler{}, nil, nil)
	body := make([]byte, maxBody+1)
	rec := post(t, a, body, signed(t, testNow, body))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
}

// Discord sends one signature and one plain decimal timestamp. Signed
// stamps in other spellings ("+…", "0…", " …") and doubled headers are
// refused rather than interpreted.
func TestVerifyRejectsOddHeaders(t *testing.T) {
	key, _ := hex.DecodeString(testPublic)
	body := []byte(`{"type":1}`)
	stamp := strconv.FormatInt(testNow.Unix(), 10)
	signAt := func(ts string) http.Header {
		sig := ed25519.Sign(testPrivateKey(t), append([]byte(ts), body...))
		return http.Header{"X-Signature-Ed25519": {hex.EncodeToString(sig)}, "X-Signature-Timestamp": {ts}}
	}
	cases := map[string]http.Header{
		"plus":           signAt("+" + stamp),
		"leading zero":   signAt("0" + stamp),
		"leading space":  signAt(" " + stamp),
		"two signatures": func() http.Header { h := signAt(stamp); h.Add("X-Signature-Ed25519", "00"); return h }(),
		"two timestamps": func() http.Header { h := signAt(stamp); h.Add("X-Signature-Timestamp", stamp); return h }(),
	}
	if err := Verify(signAt(stamp), body, key, testNow); err != nil {
		t.Fatalf("plain stamp: %v", err)
	}
	for name, h := range cases {
		if err := Verify(h, body, key, testNow); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// readCounter records whether anything read the body.
type readCounter struct{ n int }

func (r *readCounter) Read(p []byte) (int, error) { r.n++; return 0, io.EOF }

// An unsigned or stale request is refused on its headers, unread.
func TestUnsignedBodyIsNeverRead(t *testing.T) {
	for name, h := range map[string]http.Header{
		"missing": {},
		"stale":   signed(t, testNow.Add(-time.Hour), nil),
	} {
		a := newAdapter(t, &fakeHandler{}, nil, nil)
		mux := http.NewServeMux()
		a.Routes(mux)
		body := &readCounter{}
		req := httptest.NewRequest("POST", "/discord/interactions", io.NopCloser(body))
		for k, v := range h {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || body.n != 0 {
			t.Errorf("%s: status %d, body read %d times", name, rec.Code, body.n)
		}
	}
}
