package discord

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// replayedText is what the command layer answers a repeat with.
const replayedText = "this request was already received and handled, so it was not run again"

// refuser stands in for the command layer, shared by replicas as they
// share the store: it refuses a request whose replay key it has seen.
type refuser struct {
	fakeHandler
	mu   sync.Mutex
	seen map[string]bool
}

func newRefuser() *refuser {
	r := &refuser{seen: map[string]bool{}}
	r.reply = func(req bot.Request) bot.Reply {
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.Once != "" && r.seen[req.Once] {
			reply := bot.Say(replayedText, true)
			reply.Code, reply.Replayed = framework.ECONFLICT, true
			return reply
		}
		r.seen[req.Once] = true
		return bot.Say("ok", false)
	}
	return r
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
// afresh, carries its id as its replay key each time: the command layer
// refuses the repeats, and the adapter answers them ephemerally. A
// command, a button in a server, a button in a DM, and a form.
func TestRepeatedInteractionRunsOnce(t *testing.T) {
	for name, body := range map[string][]byte{
		"command":        fixture(t, "command_update.json"),
		"button":         fixture(t, "component.json"),
		"button in DM":   dmButton(t, "1200000000000000007", "cmd@81234:snooze eds/1.1 7d"),
		"form (in a DM)": fixture(t, "modal_submit.json"),
	} {
		t.Run(name, func(t *testing.T) {
			fh := newRefuser()
			a := newAdapter(t, fh, nil, nil)
			h := signed(t, testNow, body)
			if resp := decodeResponse(t, post(t, a, body, h)); resp.Data.Content == replayedText {
				t.Fatalf("first delivery answered %+v", resp)
			}
			isReplayed(t, "the same request again", decodeResponse(t, post(t, a, body, h)))
			isReplayed(t, "the same interaction signed afresh", decodeResponse(t, post(t, a, body, signed(t, testNow.Add(time.Minute), body))))
			reqs := fh.requests()
			if len(reqs) != 3 || reqs[0].Once == "" || reqs[0].Once != reqs[2].Once || reqs[0].OnceFor < 2*SignatureWindow {
				t.Fatalf("requests %+v: want three with one replay key, kept for at least %v", reqs, 2*SignatureWindow)
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

// A repeat sent to another replica, or over the Gateway, carries the
// same key, so the store's claim (here, a shared stand-in) refuses it
// there too.
func TestRepeatOnAnotherReplicaRunsOnce(t *testing.T) {
	fh := newRefuser()
	one := newAdapter(t, fh, nil, nil)
	two := newAdapter(t, fh, nil, nil)
	body := fixture(t, "command_update.json")
	decodeResponse(t, post(t, one, body, signed(t, testNow, body)))
	isReplayed(t, "the other replica", decodeResponse(t, post(t, two, body, signed(t, testNow, body))))

	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { w.WriteHeader(http.StatusNoContent) })
	gw := newAdapter(t, fh, api, func(o *Options) { o.PublicKey = "" })
	gw.onInteraction(t.Context(), gw.session, decodeInteraction(t, body))
	if m := api.next(t).json(t); m["data"].(map[string]any)["content"] != replayedText {
		t.Errorf("the Gateway answered %v", m)
	}
	for _, r := range fh.requests() {
		if r.Once != "interaction:1200000000000000002" {
			t.Errorf("replay key %q, want the interaction id", r.Once)
		}
	}
}

// A slow claim (a slow store) holds the command past DeferAfter: the
// interaction is deferred as any slow command is, and the repeat's
// refusal follows up, for the user alone.
func TestSlowRefusalDefers(t *testing.T) {
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { _, _ = w.Write([]byte(`{"id":"1"}`)) })
	release := make(chan struct{})
	fh := &fakeHandler{reply: func(bot.Request) bot.Reply {
		<-release
		reply := bot.Say(replayedText, true)
		reply.Code, reply.Replayed = framework.ECONFLICT, true
		return reply
	}}
	a := newAdapter(t, fh, api, func(o *Options) { o.DeferAfter = 20 * time.Millisecond })
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
}

// An interaction without an id could not be told from its repeats: it
// is refused before it runs, and one with an id carries it as its key.
func TestInteractionIDIsTheReplayKey(t *testing.T) {
	var req bot.Request
	if r, ok := withReplayKey(&req, ""); ok || r.Code != framework.EINVALID || req.Once != "" {
		t.Errorf("no id: %v %+v, Once %q; want refused", ok, r, req.Once)
	}
	if _, ok := withReplayKey(&req, "12"); !ok || req.Once != "interaction:12" || req.OnceFor != replayTTL {
		t.Errorf("id 12: %v, Once %q for %v", ok, req.Once, req.OnceFor)
	}
}
