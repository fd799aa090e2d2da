package reminders

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// addAction stores an action as `action add` records it.
func addAction(t testing.TB, st store.Store, a framework.Action, extra map[string]string) {
	t.Helper()
	var put []store.Entry
	kind := store.EntryKind(framework.ActionEntries)
	for k, v := range a.Added() {
		put = append(put, store.Entry{Kind: kind, Key: k, Value: v})
	}
	for k, v := range extra {
		put = append(put, store.Entry{Kind: kind, Key: a.Ref() + k, Value: v})
	}
	if _, err := st.WriteEntries(background(), ws, store.EntryWrite{Put: put}); err != nil {
		t.Fatal(err)
	}
}

func TestActionsInDigestsAndReminders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now.Add(30 * time.Second))
		st := open(t, c)
		seedDigestWorkspace(t, st, now)
		created := now.AddDate(0, -1, 0)
		addAction(t, st, framework.Action{Target: "eqs/1.3", N: 1, Title: "Run a listening event", Owner: "U4", Due: "2026-06-01", Created: created}, map[string]string{framework.ActionProgress: "40", framework.ActionStatus: "at-risk"})
		addAction(t, st, framework.Action{Target: "eqs/1.3", N: 2, Title: "Publish the minutes", Owner: "U4", Due: "2026-06-20", Created: created}, nil)
		addAction(t, st, framework.Action{Target: "eqs/1.3", N: 3, Title: "Snoozed one", Owner: "U4", Due: "2026-06-01", Created: created}, map[string]string{framework.ActionSnooze: "2026-06-30"})
		addAction(t, st, framework.Action{Target: "eqs/1.3", N: 4, Title: "Done one", Owner: "U4", Due: "2026-06-01", Created: created}, map[string]string{framework.ActionOpen: "", framework.ActionStatus: "done"})
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		if _, err := s.RunDue(background(), c.now()); err != nil {
			t.Fatal(err)
		}
		d := rec.digests()
		if len(d) != 1 {
			t.Fatalf("digests = %+v", d)
		}
		all := d[0].Reply.Text()
		for _, b := range d[0].Reply.Details {
			all += "\n" + b.Title + "\n" + b.Text
		}
		for _, want := range []string{"Actions overdue (2)", "eqs/1.3#1", "eqs/1.3#3", "Actions due in the next", "eqs/1.3#2", "2 actions overdue"} {
			if !strings.Contains(all, want) {
				t.Errorf("digest lacks %q:\n%s", want, all)
			}
		}
		if strings.Contains(all, "eqs/1.3#4") {
			t.Errorf("digest lists a done action:\n%s", all)
		}
		var u4 string
		for _, m := range rec.dms() {
			if m.User != "U4" {
				continue
			}
			u4 = m.Reply.Text()
			if len(m.Reply.Notify) != 1 || m.Reply.Notify[0] != "U4" {
				t.Errorf("U4's reminder notifies %v", m.Reply.Notify)
			}
			last := m.Reply.Blocks[len(m.Reply.Blocks)-1]
			if b := last.Buttons; len(b) != 3 || b[0].Command != "action update eqs/1.3#1" || !b[0].Form || b[1].Command != "action snooze eqs/1.3#1 7d" || b[2].Command != "action done eqs/1.3#1" {
				t.Errorf("U4's buttons = %+v", b)
			}
		}
		if !strings.Contains(u4, "1 action overdue") || !strings.Contains(u4, "eqs/1.3#1") || strings.Contains(u4, "#3") || strings.Contains(u4, "#2") {
			t.Errorf("U4's reminder:\n%s", u4)
		}
	})
}

// A digest of a workspace of 1,000 targets and 3,000 actions stays
// within 5 Redis round trips: the actions are one read, side by side with
// the targets', the updates' and the names'.
func TestDigestWithThousandsOfActionsRoundTrips(t *testing.T) {
	st := openRedisStore(t)
	ctx := background()
	since := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	fw := bigFramework(1000)
	if _, err := st.Import(ctx, ws, fw, since); err != nil {
		t.Fatal(err)
	}
	kind := store.EntryKind(framework.ActionEntries)
	var put []store.Entry
	for i, tg := range fw.Targets() {
		for n := 1; n <= 3; n++ {
			a := framework.Action{Target: tg.Ref(), N: n, Title: "Action", Owner: "U1", Due: framework.Date(fmt.Sprintf("2026-%02d-01", 5+(i+n)%3)), Created: since}
			for k, v := range a.Added() {
				put = append(put, store.Entry{Kind: kind, Key: k, Value: v})
			}
		}
		if len(put) >= 600 {
			if _, err := st.WriteEntries(ctx, ws, store.EntryWrite{Put: put}); err != nil {
				t.Fatal(err)
			}
			put = nil
		}
	}
	if len(put) > 0 {
		if _, err := st.WriteEntries(ctx, ws, store.EntryWrite{Put: put}); err != nil {
			t.Fatal(err)
		}
	}
	for i, tg := range fw.Targets()[:50] {
		update(t, st, ws, tg.Ref(), "U1", since.Add(time.Duration(i+1)*time.Hour), 10, framework.OnTrack, "note")
	}
	at := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	s := New(Options{Store: st, Now: func() time.Time { return at }, Logger: quietLogger()})
	// Warm the connections: the concurrent reads each want one.
	if _, err := s.buildDigest(ctx, framework.Workspace{ID: ws}, time.UTC, since, at, at); err != nil {
		t.Fatal(err)
	}
	rt := &roundTrips{}
	st.AddHook(rt)
	r, err := s.buildDigest(ctx, framework.Workspace{ID: ws}, time.UTC, since, at, at)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("digest of 1,000 targets and 3,000 actions: %d round trips", rt.n.Load())
	if n := rt.n.Load(); n > 5 {
		t.Errorf("the digest cost %d round trips, want at most 5", n)
	}
	var overdue string
	for _, b := range r.Details {
		if strings.HasPrefix(b.Title, "Actions overdue") {
			overdue = b.Title
		}
	}
	if overdue != "Actions overdue (2000)" {
		t.Errorf("overdue actions section %q, want 2000", overdue)
	}
}
