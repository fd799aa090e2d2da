package slack

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

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

// refuser stands in for the command layer: it refuses a request whose
// replay key it has seen, as commands does with the store's claim.
func refuser() *recorder {
	seen := map[string]bool{}
	var mu sync.Mutex
	return &recorder{answer: func(r bot.Request) bot.Reply {
		mu.Lock()
		defer mu.Unlock()
		if r.Once != "" && seen[r.Once] {
			reply := say(replayed, true)
			reply.Code = framework.ECONFLICT
			return reply
		}
		seen[r.Once] = true
		return say("🟠 `eds/1.1`: 40%, at-risk", false)
	}}
}

// replayed is what the command layer answers a replay with.
const replayed = "this request was already received and handled, so it was not run again"

// The same button press (one signed block_actions payload) delivered
// twice carries one replay key both times; the command layer's refusal
// of the repeat reaches the presser alone, through the response_url.
func TestReplayedButtonCarriesItsKey(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	rec := refuser()
	a := newTestAdapter(t, f, rec, nil)
	body := payloadForm(t, "block_actions.json", h.srv.URL)
	first := signed("/slack/interactions", body)
	for i := range 2 {
		if w := serve(a, resend(first, body)); w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("delivery %d: %d %q", i+1, w.Code, w.Body)
		}
	}
	got := []map[string]any{h.next(t), h.next(t)}
	replays := 0
	for _, m := range got {
		if m["text"] == replayed {
			replays++
			if m["response_type"] != "ephemeral" {
				t.Errorf("the refusal of a replay is not ephemeral: %v", m)
			}
		}
	}
	if replays != 1 {
		t.Errorf("follow-ups %v: want one reply and one refusal", got)
	}
	reqs := rec.requests()
	want := "sig:" + strings.ToLower(first.Header.Get("X-Slack-Signature"))
	if len(reqs) != 2 || reqs[0].Once != want || reqs[1].Once != want || reqs[0].OnceFor < 2*maxSkew {
		t.Fatalf("requests %+v: want two carrying replay key %q for at least %v", reqs, want, 2*maxSkew)
	}
}

// The same update form submitted twice (one signed view_submission)
// carries one replay key; the repeat's refusal keeps the modal open and
// says why under the note.
func TestReplayedFormSubmissionCarriesItsKey(t *testing.T) {
	f := newFakeSlack(t)
	rec := refuser()
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
	if errs, _ := m["errors"].(map[string]any); m["response_action"] != "errors" || errs["note"] != replayed {
		t.Errorf("repeat answered %v, want %q under the note", m, replayed)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || reqs[0].Once == "" || reqs[0].Once != reqs[1].Once {
		t.Fatalf("requests %+v: want two carrying one replay key", reqs)
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
