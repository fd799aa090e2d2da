package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// claimFailing is a store whose Claim cannot be asked.
type claimFailing struct{ store.Store }

func (claimFailing) Claim(context.Context, string, string, time.Duration) (bool, error) {
	return false, framework.OutcomeUnknown("somestore: claim", errors.New("i/o timeout"))
}

// A request with a replay key (a signed Slack request) runs once: sent
// again, it is refused and changes nothing, whatever its verb and
// whether or not it succeeded the first time.
func TestReplayedRequestRunsOnce(t *testing.T) {
	e := imported(t, adminUser)
	send := func(text, key string) bot.Reply {
		t.Helper()
		return e.h.Handle(context.Background(), bot.Request{Workspace: testWS, Channel: "C1", User: adminUser, PlatformAdmin: true,
			Text: text, Once: key, OnceFor: time.Minute})
	}
	const refused = "this request was already received and handled, so it was not run again"
	for _, c := range []struct {
		text    string
		firstOK bool
	}{
		{"update eds/1.1 40% on-track", true},  // the claim rides in the write
		{"update 1.2 20%", true},               // a bare code: resolved, then the write claims
		{"update 9.9 20%", false},              // unresolvable: claimed all the same
		{"update eds/9.9 20%", false},          // the write finds no target, having claimed
		{"update eds/1.1 40% on-track", false}, // a no-op update, refused in the write
		{"due eds/1.1 2026-12-31", true},       // any other verb claims before it runs
		{"list", true},                         // queries too: a replay learns nothing
	} {
		key := "sig:" + c.text + ":" + time.Now().String()
		r := send(c.text, key)
		if (r.Code == "") != c.firstOK {
			t.Fatalf("%q first: %q %q", c.text, r.Code, r.Text())
		}
		before := e.target("eds/1.1")
		r = send(c.text, key)
		if r.Code != framework.ECONFLICT || !r.Ephemeral || !r.Replayed || r.Text() != refused {
			t.Errorf("%q replayed: %q %q, want an ephemeral %q", c.text, r.Code, r.Text(), refused)
		}
		if after := e.target("eds/1.1"); after.Progress != before.Progress || after.Due != before.Due || after.LastUpdate != before.LastUpdate {
			t.Errorf("%q replayed changed eds/1.1: %+v, was %+v", c.text, after, before)
		}
	}
	// A request refused before anything claimed it (an unknown verb, an
	// argument that does not parse) keeps its refusal the first time; a
	// redelivery is told it is one, so an adapter that stays silent on
	// replays (Teams) does not post the error twice.
	for _, text := range []string{"updte eds/1.1 40%", "update eds/1.1 400%", "update"} {
		key := "activity:" + text
		first := send(text, key)
		if first.Code != framework.EINVALID || first.Replayed {
			t.Errorf("%q first: %q %q, want its own refusal", text, first.Code, first.Text())
		}
		if again := send(text, key); !again.Replayed || again.Text() != refused {
			t.Errorf("%q redelivered: %q %q, want a replay", text, again.Code, again.Text())
		}
	}
	if r := send("update eds/1.1 45%", "activity:fresh"); r.Code != "" || r.Replayed {
		t.Errorf("a fresh request after them: %q %q", r.Code, r.Text())
	}

	// The same key in another workspace is another request.
	r := e.h.Handle(context.Background(), bot.Request{Workspace: "slack:T2", Channel: "C1", User: adminUser, PlatformAdmin: true,
		Text: "list", Once: "sig:list-elsewhere", OnceFor: time.Minute})
	r2 := e.h.Handle(context.Background(), bot.Request{Workspace: "slack:T3", Channel: "C1", User: adminUser, PlatformAdmin: true,
		Text: "list", Once: "sig:list-elsewhere", OnceFor: time.Minute})
	if r.Text() == refused || r2.Text() == refused {
		t.Errorf("one key in two workspaces: %q, %q", r.Text(), r2.Text())
	}

	// A request that cannot be checked is not run: storage is down, so
	// the user is told to try again (and nothing was done, whatever the
	// claim's outcome).
	e.h.store = claimFailing{e.st}
	before := e.target("eds/1.1")
	r = send("due eds/1.1 2027-03-31", "sig:unchecked")
	if r.Code != framework.EUNAVAILABLE || !strings.Contains(r.Text(), "storage is unavailable, try again shortly") {
		t.Errorf("unchecked request: %q %q", r.Code, r.Text())
	}
	if after := e.target("eds/1.1"); after.Due != before.Due {
		t.Errorf("an unchecked request ran: due %s", after.Due)
	}
}
