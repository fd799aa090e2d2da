package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVerifySlackVector(t *testing.T) {
	body := readFile(t, "signing_example.form")
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", "1531420618")
	h.Set("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
	if err := Verify(h, []byte(body), testSecret, time.Unix(1531420618, 0)); err != nil {
		t.Fatalf("Slack's documented example did not verify: %v", err)
	}
	if got := Sign(testSecret, 1531420618, []byte(body)); got != h.Get("X-Slack-Signature") {
		t.Fatalf("Sign = %s", got)
	}
	// The same vector at today's clock is a replay.
	if err := Verify(h, []byte(body), testSecret, time.Unix(1531420618, 0).Add(6*time.Minute)); err == nil {
		t.Fatal("stale vector verified")
	}
}

func TestRejectedRequestsAre401AndNeverRun(t *testing.T) {
	body := readFile(t, "command_update.form")
	ts := testClock.Unix()
	good := Sign(testSecret, ts, []byte(body))
	cases := []struct {
		name    string
		body    string
		ts, sig string
	}{
		{"tampered body", strings.Replace(body, "40%25", "90%25", 1), strconv.FormatInt(ts, 10), good},
		{"wrong secret", body, strconv.FormatInt(ts, 10), Sign("not-the-secret", ts, []byte(body))},
		{"missing signature", body, strconv.FormatInt(ts, 10), ""},
		{"missing timestamp", body, "", good},
		{"stale timestamp", body, strconv.FormatInt(ts-360, 10), Sign(testSecret, ts-360, []byte(body))},
		{"future timestamp", body, strconv.FormatInt(ts+360, 10), Sign(testSecret, ts+360, []byte(body))},
		{"signed timestamp differs", body, strconv.FormatInt(ts+1, 10), good},
		{"no v0 prefix", body, strconv.FormatInt(ts, 10), strings.TrimPrefix(good, "v0=")},
		{"signed ts with plus", body, "+" + strconv.FormatInt(ts, 10), good},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				f := newFakeSlack(t)
				rec := &recorder{}
				a := newTestAdapter(t, f, rec, nil)
				r := signed(path, c.body)
				r.Header.Set("X-Slack-Request-Timestamp", c.ts)
				r.Header.Set("X-Slack-Signature", c.sig)
				w := serve(a, r)
				if w.Code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", w.Code)
				}
				if n := len(rec.requests()); n != 0 {
					t.Fatalf("handler ran %d times for a rejected request", n)
				}
				if n := len(f.calls("users.info")); n != 0 {
					t.Fatalf("Web API called for a rejected request")
				}
			})
		}
	}
}

func TestVerifyWindowEdges(t *testing.T) {
	body := []byte("x=1")
	for _, c := range []struct {
		skew time.Duration
		ok   bool
	}{{0, true}, {299 * time.Second, true}, {-299 * time.Second, true}, {301 * time.Second, false}, {-301 * time.Second, false}} {
		ts := testClock.Add(c.skew).Unix()
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		h.Set("X-Slack-Signature", Sign(testSecret, ts, body))
		if err := Verify(h, body, testSecret, testClock); (err == nil) != c.ok {
			t.Errorf("skew %v: err %v, want ok=%v", c.skew, err, c.ok)
		}
	}
	// An empty secret never verifies, even a matching signature.
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testClock.Unix(), 10))
	h.Set("X-Slack-Signature", Sign("", testClock.Unix(), body))
	if Verify(h, body, "", testClock) == nil {
		t.Error("empty secret verified")
	}
}

// Only one plain decimal timestamp and one signature are accepted: a
// second header, a leading zero, a sign or a space is not what Slack
// sends, and a proxy that doubles headers must not pick for us.
func TestVerifyRejectsOddHeaders(t *testing.T) {
	body := []byte("x=1")
	ts := testClock.Unix()
	good := Sign(testSecret, ts, body)
	signAt := func(s string) string {
		mac := hmac.New(sha256.New, []byte(testSecret))
		mac.Write([]byte("v0:" + s + ":"))
		mac.Write(body)
		return "v0=" + hex.EncodeToString(mac.Sum(nil))
	}
	tsStr := strconv.FormatInt(ts, 10)
	for _, c := range []struct {
		name string
		ts   []string
		sig  []string
	}{
		{"two signatures", []string{tsStr}, []string{good, "v0=00"}},
		{"two signatures, bad first", []string{tsStr}, []string{"v0=00", good}},
		{"two timestamps", []string{tsStr, tsStr}, []string{good}},
		{"leading zero", []string{"0" + tsStr}, []string{signAt("0" + tsStr)}},
		{"space", []string{" " + tsStr}, []string{signAt(" " + tsStr)}},
		{"minus", []string{"-" + tsStr}, []string{signAt("-" + tsStr)}},
	} {
		h := http.Header{"X-Slack-Request-Timestamp": c.ts, "X-Slack-Signature": c.sig}
		if err := Verify(h, body, testSecret, testClock); err == nil {
			t.Errorf("%s: verified", c.name)
		}
	}
}

// readCounter records whether anything read the body.
type readCounter struct{ n int }

func (r *readCounter) Read(p []byte) (int, error) { r.n++; return 0, io.EOF }

// A request without a plausible signature is refused on its headers: its
// body is never read.
func TestUnsignedBodyIsNeverRead(t *testing.T) {
	for name, set := range map[string]func(h http.Header){
		"no signature": func(h http.Header) { h.Del("X-Slack-Signature") },
		"stale":        func(h http.Header) { h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testClock.Unix()-3600, 10)) },
	} {
		a := newTestAdapter(t, newFakeSlack(t), &recorder{}, nil)
		r := signed("/slack/commands", "")
		body := &readCounter{}
		r.Body = io.NopCloser(body)
		set(r.Header)
		if w := serve(a, r); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d", name, w.Code)
		}
		if body.n != 0 {
			t.Errorf("%s: body read %d times before the headers were checked", name, body.n)
		}
	}
}
