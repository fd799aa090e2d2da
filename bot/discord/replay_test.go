package discord

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// sharedClaims is a store's Claim, shared by the adapters given its
// claim function as replicas share Redis.
type sharedClaims struct {
	mu    sync.Mutex
	taken map[string]bool
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
		s.taken = map[string]bool{}
	}
	s.ttls = append(s.ttls, ttl)
	if s.taken[key] {
		return false, nil
	}
	s.taken[key] = true
	return true, nil
}

// dmButton is a button pressed in a reminder DM.
func dmButton(t testing.TB, id, customID string) []byte {
	t.Helper()
	return editFixture(t, "modal_submit.json", func(m map[string]any) {
		m["type"], m["id"] = 3, id
		m["data"] = map[string]any{"component_type": 2, "custom_id": customID}
	})
}

// isReplayed checks a response is the ephemeral "already handled".
func isReplayed(t testing.TB, what string, resp interactionResponse) {
	t.Helper()
	if resp.Type != 4 || resp.Data.Flags != 64 || resp.Data.Content != replayedText {
		t.Errorf("%s answered %+v, want an ephemeral %q", what, resp, replayedText)
	}
}

// The same interaction, delivered again with its own signature or signed
// afresh, is answered but not run: a command, a button in a server, a
// button in a DM, and a form.
func TestRepeatedInteractionRunsOnce(t *testing.T) {
	for name, body := range map[string][]byte{
		"command":        fixture(t, "command_update.json"),
		"button":         fixture(t, "component.json"),
		"button in DM":   dmButton(t, "1200000000000000007", "cmd@81234:snooze eds/1.1 7d"),
		"form (in a DM)": fixture(t, "modal_submit.json"),
	} {
		t.Run(name, func(t *testing.T) {
			fh := &fakeHandler{}
			a := newAdapter(t, fh, nil, nil)
			h := signed(t, testNow, body)
			if resp := decodeResponse(t, post(t, a, body, h)); resp.Data.Content == replayedText {
				t.Fatalf("first delivery answered %+v", resp)
			}
			isReplayed(t, "the same request again", decodeResponse(t, post(t, a, body, h)))
			isReplayed(t, "the same interaction signed afresh", decodeResponse(t, post(t, a, body, signed(t, testNow.Add(time.Minute), body))))
			if n := len(fh.requests()); n != 1 {
				t.Fatalf("handler ran %d times, want 1", n)
			}
		})
	}
}

// Two interactions with the same content are two commands: both run.
func TestSameCommandTwiceRunsTwice(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	for _, id := range []string{"1200000000000000002", "1200000000000000003"} {
		body := editFixture(t, "command_update.json", func(m map[string]any) { m["id"] = id })
		decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	}
	for _, id := range []string{"1200000000000000008", "1200000000000000009"} {
		body := dmButton(t, id, "cmd@81234:snooze eds/1.1 7d")
		decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	}
	if n := len(fh.requests()); n != 4 {
		t.Fatalf("handler ran %d times, want 4", n)
	}
}

// Replicas share the claims through Options.Claim: a repeat sent to
// another replica, or over the Gateway, is refused there too. An id is
// remembered for as long as a request carrying it verifies anywhere:
// twice the window, plus a margin.
func TestRepeatOnAnotherReplicaRunsOnce(t *testing.T) {
	store := &sharedClaims{}
	fh := &fakeHandler{}
	mod := func(o *Options) { o.Claim = store.claim }
	one := newAdapter(t, fh, nil, mod)
	two := newAdapter(t, fh, nil, mod)
	body := fixture(t, "command_update.json")
	decodeResponse(t, post(t, one, body, signed(t, testNow, body)))
	isReplayed(t, "the other replica", decodeResponse(t, post(t, two, body, signed(t, testNow, body))))

	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { w.WriteHeader(http.StatusNoContent) })
	gw := newAdapter(t, fh, api, func(o *Options) { o.PublicKey, o.Claim = "", store.claim })
	gw.onInteraction(t.Context(), gw.session, decodeInteraction(t, body))
	if m := api.next(t).json(t); m["data"].(map[string]any)["content"] != replayedText {
		t.Errorf("the Gateway answered %v", m)
	}
	if n := len(fh.requests()); n != 1 {
		t.Fatalf("handler ran %d times on three replicas, want 1", n)
	}
	if !store.taken["interaction:1200000000000000002"] || len(store.taken) != 1 {
		t.Errorf("claimed %v, want the interaction id", store.taken)
	}
	for _, ttl := range store.ttls {
		if ttl < 2*SignatureWindow {
			t.Errorf("claimed for %v: a repeat could still verify after that", ttl)
		}
	}
}

// An interaction first seen with a timestamp a window ahead of our clock
// verifies for two windows: a repeat nine minutes later is still refused.
func TestRepeatLateInTheWindowRunsOnce(t *testing.T) {
	fh := &fakeHandler{}
	var mu sync.Mutex
	now := testNow
	a := newAdapter(t, fh, nil, func(o *Options) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	body := fixture(t, "command_update.json")
	h := signed(t, testNow.Add(SignatureWindow), body)
	decodeResponse(t, post(t, a, body, h))
	mu.Lock()
	now = now.Add(9 * time.Minute)
	mu.Unlock()
	isReplayed(t, "a repeat nine minutes on", decodeResponse(t, post(t, a, body, h)))
	if n := len(fh.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// When the store cannot take the claim, the interaction is refused
// rather than run unchecked: it might be a repeat. The user hears "try
// again", as they would from the command itself with the store down, and
// their retry is a new interaction.
func TestClaimFailureRefusesTheInteraction(t *testing.T) {
	store := &sharedClaims{err: errors.New("redis: connection refused")}
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, func(o *Options) { o.Claim = store.claim })
	body := fixture(t, "command_update.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Type != 4 || resp.Data.Flags != 64 || resp.Data.Content != bot.UncheckedText {
		t.Errorf("answered %+v, want an ephemeral %q", resp, bot.UncheckedText)
	}
	if n := len(fh.requests()); n != 0 {
		t.Fatalf("handler ran %d times without a claim", n)
	}
	store.mu.Lock()
	store.err = nil
	store.mu.Unlock()
	retry := editFixture(t, "command_update.json", func(m map[string]any) { m["id"] = "1200000000000000012" })
	decodeResponse(t, post(t, a, retry, signed(t, testNow, retry)))
	if n := len(fh.requests()); n != 1 {
		t.Fatalf("handler ran %d times after the store returned, want 1", n)
	}
}

// A slow store holds the claim past DeferAfter: the interaction is
// deferred as any slow command is, and the repeat's refusal follows up.
func TestSlowClaimDefers(t *testing.T) {
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { _, _ = w.Write([]byte(`{"id":"1"}`)) })
	release := make(chan struct{})
	slow := func(ctx context.Context, key string, ttl time.Duration) (bool, error) { <-release; return false, nil }
	fh := &fakeHandler{reply: func(bot.Request) bot.Reply { return bot.Say("done", false) }}
	a := newAdapter(t, fh, api, func(o *Options) { o.Claim, o.DeferAfter = slow, 20*time.Millisecond })
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock) // before the adapter's Wait, should the test stop early
	body := fixture(t, "command_update.json")
	if resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body))); resp.Type != 5 {
		t.Fatalf("answered %+v, want deferred", resp)
	}
	unblock()
	r := api.next(t)
	if r.Method != "POST" || r.json(t)["content"] != replayedText || r.json(t)["flags"] != float64(64) {
		t.Errorf("follow-up %s %s %s", r.Method, r.Path, r.Body)
	}
	if n := len(fh.requests()); n != 0 {
		t.Fatalf("handler ran %d times for a repeat", n)
	}
}
