package bottest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// HistoryEntries is how many updates LongHistory logs.
const HistoryEntries = 200

// LongHistory is the real command layer over a fresh bbolt store, with
// eds/1.1 of workspace ws updated HistoryEntries times by user, an
// admin, each note long and numbered ("entry-001 words words …"): what
// an adapter's test that `history eds/1.1 all` arrives in full reads.
func LongHistory(t *testing.T, ws, user string) *commands.Handler {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { now = now.Add(time.Minute); return now }})
	run := func(text string) {
		if r := h.Handle(t.Context(), bot.Request{Workspace: ws, User: user, PlatformAdmin: true, Text: text}); r.Code != "" {
			t.Fatalf("%s: %s", text, r.Text())
		}
	}
	run("import eds")
	for i := 1; i <= HistoryEntries; i++ {
		run(fmt.Sprintf("update eds/1.1 %d%% -- entry-%03d %s", i%100, i, strings.Repeat("words ", 80)))
	}
	return h
}
