package discord

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// commandEnv is the real command layer over a fresh store, with both
// built-in frameworks imported, an update to undo and a digest channel,
// recording the replies it gives after that.
type commandEnv struct {
	commands.Language
	h       *commands.Handler
	st      store.Store
	mu      sync.Mutex
	replies []bot.Reply
}

func newCommandEnv(t *testing.T) *commandEnv {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := &commandEnv{st: st, h: commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { return now }})}
	for _, text := range []string{"import eds", "import nhse-2024-26", "update eds/1.1 10% on-track", "digest here"} {
		r := e.h.Handle(t.Context(), bot.Request{Workspace: "discord:81234", Channel: "90001", User: "555000111", PlatformAdmin: true, Text: text})
		if r.Code != "" {
			t.Fatalf("%s: %s", text, r.Text())
		}
	}
	return e
}

func (e *commandEnv) Handle(ctx context.Context, r bot.Request) bot.Reply {
	reply := e.h.Handle(ctx, r)
	e.mu.Lock()
	e.replies = append(e.replies, reply)
	e.mu.Unlock()
	return reply
}

// state is the workspace's settings, subscriptions, targets and latest
// updates, as text to compare.
func (e *commandEnv) state(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	ws := "discord:81234"
	ts, err := e.st.Targets(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := e.st.Workspace(ctx, ws)
	subs, _ := e.st.Subscriptions(ctx, ws)
	out := fmt.Sprintf("%+v\n%+v", w, subs)
	for _, tg := range ts {
		title := ""
		if tg.Custom {
			title = tg.Title
		}
		out += fmt.Sprintf("\n%s %q owner=%s due=%s %s %d%% %s snoozed=%s %q", tg.Ref(), title, tg.Owner, tg.Due, tg.Status, tg.Progress, tg.Rating, tg.SnoozedUntil, tg.SnoozeReason)
		us, err := e.st.Updates(ctx, ws, tg.Ref(), 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			out += fmt.Sprintf("\n%s %d %s %q %v", u.Target, u.Progress, u.Status, u.Note, u.Withdrawn)
		}
	}
	return out
}

// Autocomplete over the real command layer names each target once: the
// label already holds the reference, and the menu shows it as it is.
func TestAutocompleteNamesTheReferenceOnce(t *testing.T) {
	a := newAdapter(t, newCommandEnv(t).h, nil, nil)
	body := fixture(t, "autocomplete.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if len(resp.Data.Choices) == 0 {
		t.Fatal("no choices")
	}
	for _, c := range resp.Data.Choices {
		if n := strings.Count(c.Name, c.Value); n != 1 || !strings.HasPrefix(c.Name, c.Value+" ") {
			t.Errorf("choice %q names %q %d times", c.Name, c.Value, n)
		}
	}
}
