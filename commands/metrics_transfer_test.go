package commands

import (
	"bytes"
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/dump"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// Metric definitions and values (inputs, authors, notes, the flags a
// small group or a zero denominator raise, a narrative answer, a
// workspace's band and a custom target's unit) move from Redis to bbolt
// by dump and restore, and back by migrate, unchanged: the same entries,
// the same history events, and, read by a Handler on each store, the
// same trend of every metric target.
func TestMetricsSurviveDumpRestoreMigrate(t *testing.T) {
	ctx := context.Background()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	const ws = "slack:T1"
	h, s := onRedisWith(t, fws)
	run := func(h *Handler, user, text string) bot.Reply {
		t.Helper()
		r := h.Handle(ctx, bot.Request{Workspace: ws, Channel: "C1", User: user, PlatformAdmin: user == "U1", Text: text})
		if r.Code != "" {
			t.Fatalf("%q: %s", text, r.Text())
		}
		return r
	}
	for _, text := range []string{
		"import wres", "import wdes", "import eds",
		"assign wres/2 @bob",
		"record wres/2 2024 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120 first year",
		"record wres/2 2025 white_shortlisted=1000 white_appointed=250 bme_shortlisted=8 bme_appointed=2",
		"measure wres/2 band 0.8 1.15",
		"record wdes/9b 2026 yes Network chair sits on the board",
		"add eds/2 2.8 Staff reporting harassment",
		"measure eds/2.8 percent lower-better baseline 30 2025 goal 20 2028",
		"record eds/2.8 2026 25 staff survey",
		"record eds/2.8 2026 24 corrected",
	} {
		run(h, "U1", text)
	}
	run(h, "bob", "record wres/2 2026 white_shortlisted=1000 white_appointed=200 bme_shortlisted=1000 bme_appointed=0 none appointed")
	refs := []string{"wres/2", "wdes/9b", "eds/2.8"}
	trends := func(h *Handler) []string {
		out := make([]string, len(refs))
		for i, ref := range refs {
			out[i] = run(h, "U1", "trend "+ref).Text()
		}
		return out
	}
	want := trends(h)
	for _, frag := range []string{"bme_shortlisted=8", "not meaningful", "first year", "@bob", "outside parity 0.80–1.15"} {
		if !strings.Contains(want[0], frag) {
			t.Fatalf("trend wres/2 = %q, want %q in it", want[0], frag)
		}
	}
	redis := store.Checked(s)
	wantEntries, wantEvents := metricRecord(t, redis, ws)

	// same checks a store against the Redis original.
	same := func(what string, st store.Store) {
		t.Helper()
		entries, events := metricRecord(t, st, ws)
		if !maps.Equal(entries, wantEntries) {
			t.Errorf("%s: metric entries = %v, want %v", what, entries, wantEntries)
		}
		if !slices.Equal(events, wantEvents) {
			t.Errorf("%s: metric events = %q, want %q", what, events, wantEvents)
		}
		if got := trends(New(Options{Store: st, Frameworks: fws})); !slices.Equal(got, want) {
			t.Errorf("%s: trends = %q, want %q", what, got, want)
		}
	}

	var buf bytes.Buffer
	if _, err := dump.Dump(ctx, redis, &buf, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := dump.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	bolt := openBoltAt(t)
	if _, err := dump.Restore(ctx, bolt, f, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	same("restored into bbolt", bolt)

	back, err := redisstore.Open(ctx, redistest.Start(t), &redisstore.Options{Prefix: redistest.Prefix(t) + "back:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = back.Close() })
	if _, err := dump.Migrate(ctx, bolt, store.Checked(back), dump.Options{}); err != nil {
		t.Fatal(err)
	}
	same("migrated back to Redis", store.Checked(back))
}

// openBoltAt is a checked bbolt store in a test folder.
func openBoltAt(t *testing.T) store.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return store.Checked(st)
}

// metricRecord is a workspace's metric entries, and its measure and
// record events as "kind title cycle author from → to: reason", oldest
// first.
func metricRecord(t *testing.T, st store.Store, ws string) (map[string]string, []string) {
	t.Helper()
	entries, err := st.Entries(context.Background(), ws, store.EntryMetric)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := st.WorkspaceEvents(context.Background(), ws, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(evs) {
		if e.Kind == framework.EventRecord || e.Kind == framework.EventMeasure {
			out = append(out, string(e.Kind)+" "+e.Title+" "+e.Cycle+" "+e.Author+" "+e.From+" → "+e.To+": "+e.Reason+" "+e.ID+" "+e.Time.String())
		}
	}
	if len(entries) == 0 || len(out) == 0 {
		t.Fatalf("no metrics in %s: %v, %v", ws, entries, out)
	}
	return entries, out
}
