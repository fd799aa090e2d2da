package slack

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// sharedClaims is a store's Claim, shared by the adapters given its
// claim function as replicas share Redis.
type sharedClaims struct {
	mu    sync.Mutex
	taken map[string]time.Time
	ttls  []time.Duration
	err   error
}

func (s *sharedClaims) claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, s.err
	}
	if s.taken == nil {
		s.taken = map[string]time.Time{}
	}
	s.ttls = append(s.ttls, ttl)
	if _, ok := s.taken[key]; ok {
		return false, nil
	}
	s.taken[key] = testClock.Add(ttl)
	return true, nil
}

func (s *sharedClaims) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.taken {
		out = append(out, k)
	}
	return out
}

// resend copies a signed request, headers and body, as a replay would.
func resend(r *http.Request, body string) *http.Request {
	c := signed(r.URL.Path, body)
	c.Header = r.Header.Clone()
	return c
}

// A signed slash command carries its replay key to the command layer,
// which claims it (in the command's own write when it has one): every
// delivery of one signed request carries the same key, for as long as a
// replay could still verify, so the repeats are refused there.
func TestCommandCarriesItsReplayKey(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	body := readFile(t, "command_update.form")
	first := signed("/slack/commands", body)
	for range 2 {
		if w := serve(a, resend(first, body)); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	// The signature spelt in capitals verifies too, and is the same
	// signature: the same key.
	upper := resend(first, body)
	upper.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(first.Header.Get("X-Slack-Signature"), "v0=")))
	serve(a, upper)
	reqs := rec.requests()
	if len(reqs) != 3 {
		t.Fatalf("handler ran %d times, want 3 (the command layer refuses repeats)", len(reqs))
	}
	want := "sig:" + strings.ToLower(first.Header.Get("X-Slack-Signature"))
	for i, r := range reqs {
		if r.Once != want {
			t.Errorf("delivery %d: Once = %q, want %q", i+1, r.Once, want)
		}
		if r.OnceFor < 2*maxSkew {
			t.Errorf("delivery %d: OnceFor = %v: a replay could still verify after that", i+1, r.OnceFor)
		}
	}
}

// The same button press (one signed block_actions payload) delivered
// twice runs its command once; the repeat gets "already handled" through
// the response_url, for the presser alone.
func TestReplayedButtonRunsOnce(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	body := payloadForm(t, "block_actions.json", h.srv.URL)
	first := signed("/slack/interactions", body)
	for i := range 2 {
		if w := serve(a, resend(first, body)); w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("delivery %d: %d %q", i+1, w.Code, w.Body)
		}
	}
	got := []string{h.next(t)["text"].(string), h.next(t)["text"].(string)}
	if (got[0] == replayedText) == (got[1] == replayedText) {
		t.Errorf("follow-ups %q: want one reply and one %q", got, replayedText)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// The same update form submitted twice (one signed view_submission)
// runs once; the repeat keeps the modal open and says why.
func TestReplayedFormSubmissionRunsOnce(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{answer: func(bot.Request) bot.Reply { return say("🟠 `eds/1.1`: 40%, at-risk", false) }}
	a := newTestAdapter(t, f, rec, nil)
	body := payloadForm(t, "view_submission.json", "https://hooks.slack.com")
	first := signed("/slack/interactions", body)
	if w := serve(a, resend(first, body)); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("first submission: %d %q", w.Code, w.Body)
	}
	w := serve(a, resend(first, body))
	if w.Code != http.StatusOK {
		t.Fatalf("repeat: status %d", w.Code)
	}
	m := decode(t, w.Body.Bytes())
	if errs, _ := m["errors"].(map[string]any); m["response_action"] != "errors" || errs["note"] != replayedText {
		t.Errorf("repeat answered %v, want %q under the note", m, replayedText)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// Two requests with the same text are two commands: both run. A slash
// command typed twice has two trigger ids; a button pressed twice has
// two trigger ids and action times; and a request sent again a second
// later is signed at another timestamp.
func TestSameTextTwiceRunsTwice(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	body := readFile(t, "command_update.form")
	serve(a, signed("/slack/commands", invocation(body, 1)))
	serve(a, signed("/slack/commands", invocation(body, 2)))
	later := signed("/slack/commands", body)
	ts := testClock.Unix() + 1
	later.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	later.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
	serve(a, later)
	serve(a, signed("/slack/commands", body))

	press := payloadForm(t, "block_actions.json", h.srv.URL)
	serve(a, signed("/slack/interactions", press))
	serve(a, signed("/slack/interactions", strings.ReplaceAll(press, "12321423423.333649436676", "12321423424.333649436677")))
	h.next(t)
	h.next(t)
	reqs := rec.requests()
	if len(reqs) != 6 {
		t.Fatalf("handler ran %d times, want 6", len(reqs))
	}
	seen := map[string]bool{}
	for _, r := range reqs[:4] {
		if r.Once == "" || seen[r.Once] {
			t.Errorf("command %q has replay key %q, want a key of its own", r.Text, r.Once)
		}
		seen[r.Once] = true
	}
}

// Replicas share the claims through Options.Claim: a button press
// replayed to another replica is refused there too. Each signature is
// remembered for as long as it verifies anywhere: twice the window, plus
// a margin.
func TestReplayToAnotherReplicaRunsOnce(t *testing.T) {
	store := &sharedClaims{}
	rec := &recorder{}
	mod := func(o *Options) { o.Claim = store.claim }
	one := newTestAdapter(t, newFakeSlack(t), rec, mod)
	two := newTestAdapter(t, newFakeSlack(t), rec, mod)
	body := payloadForm(t, "view_submission.json", "https://hooks.slack.com")
	first := signed("/slack/interactions", body)
	serve(one, resend(first, body))
	m := decode(t, serve(two, resend(first, body)).Body.Bytes())
	if errs, _ := m["errors"].(map[string]any); errs["note"] != replayedText {
		t.Errorf("the other replica answered %v", m)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("handler ran %d times on two replicas, want 1", n)
	}
	if keys := store.keys(); len(keys) != 1 || keys[0] != "sig:"+first.Header.Get("X-Slack-Signature") {
		t.Errorf("claimed %q, want the signature", keys)
	}
	for _, ttl := range store.ttls {
		if ttl < 2*maxSkew {
			t.Errorf("claimed for %v: a replay could still verify after that", ttl)
		}
	}
}

// A request first seen with a timestamp five minutes ahead of our clock
// verifies for ten minutes: a replay nine minutes later is still refused.
func TestReplayLateInTheWindowRunsOnce(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	var mu sync.Mutex
	now := testClock
	a := newTestAdapter(t, f, rec, func(o *Options) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	body := payloadForm(t, "view_submission.json", "https://hooks.slack.com")
	ts := testClock.Add(maxSkew).Unix()
	req := signed("/slack/interactions", body)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
	serve(a, resend(req, body))
	mu.Lock()
	now = now.Add(9 * time.Minute)
	mu.Unlock()
	w := serve(a, resend(req, body))
	if errs, _ := decode(t, w.Body.Bytes())["errors"].(map[string]any); w.Code != http.StatusOK || errs["note"] != replayedText {
		t.Errorf("replay nine minutes on answered %d %s", w.Code, w.Body)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// When the store cannot take the claim, an interaction is refused rather
// than run unchecked (a slash command's claim is the command layer's): it might be a replay. The user hears "try again",
// as they would from the command itself with the store down, and their
// retry is a new request.
func TestClaimFailureRefusesTheRequest(t *testing.T) {
	store := &sharedClaims{err: errors.New("redis: connection refused")}
	f := newFakeSlack(t)
	h := newHooks(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, func(o *Options) { o.Claim = store.claim })

	serve(a, signed("/slack/interactions", payloadForm(t, "block_actions.json", h.srv.URL)))
	if got := h.next(t); got["text"] != bot.UncheckedText {
		t.Errorf("button answered %v", got)
	}
	w := serve(a, signed("/slack/interactions", payloadForm(t, "view_submission.json", "https://hooks.slack.com")))
	if errs, _ := decode(t, w.Body.Bytes())["errors"].(map[string]any); errs["note"] != bot.UncheckedText {
		t.Errorf("form answered %s", w.Body)
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("handler ran %d times without a claim", n)
	}

	// The store is back: the user's retry, a new request, runs.
	store.mu.Lock()
	store.err = nil
	store.mu.Unlock()
	serve(a, signed("/slack/interactions", payloadForm(t, "view_submission.json", "https://hooks.slack.com")))
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("handler ran %d times after the store returned, want 1", n)
	}
}
