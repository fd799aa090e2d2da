package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testNoChange pins that a change that changes nothing is refused with
// ErrNoChange about the current value, atomically in the write, and
// records nothing: no event, no update, no other effect.
func testNoChange(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.1"
	mustImport(t, s, ws, eqs(), base)
	mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(1), Progress: 40, Status: framework.OnTrack})
	setOwner(t, s, ws, ref, "U7")
	setDue(t, s, ws, ref, "2026-12-31")
	mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Developing})
	mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventSnooze, Until: "2026-04-01", Reason: "leave"})
	const other = "eqs/1.2" // unowned, undated, unrated, not snoozed, live

	before := mustTarget(t, s, ws, ref)
	events, err := s.Events(ctx, ws, ref, 0)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	for _, tt := range []struct {
		name    string
		ref     string
		ch      framework.Change
		subject string
	}{
		{"assigning the same owner", ref, framework.Change{Kind: framework.EventAssign, Owner: "U7"}, "U7"},
		{"unassigning an unassigned target", other, framework.Change{Kind: framework.EventAssign}, ""},
		{"the same due date", ref, framework.Change{Kind: framework.EventDue, Due: "2026-12-31"}, "2026-12-31"},
		{"clearing no due date", other, framework.Change{Kind: framework.EventDue}, ""},
		{"the same grade, with no reason", ref, framework.Change{Kind: framework.EventRate, Rating: framework.Developing}, "developing"},
		{"clearing no grade", other, framework.Change{Kind: framework.EventRate}, ""},
		{"the same snooze", ref, framework.Change{Kind: framework.EventSnooze, Until: "2026-04-01", Reason: "leave"}, "2026-04-01"},
		{"snooze off when not snoozed", other, framework.Change{Kind: framework.EventSnooze}, ""},
		{"the same title", ref, framework.Change{Kind: framework.EventEdit, Title: before.Title}, before.Title},
		{"restoring a live target", ref, framework.Change{Kind: framework.EventRestore}, ""},
	} {
		tt.ch.Author, tt.ch.Time = "U1", at(100)
		_, _, err := s.ChangeTarget(ctx, ws, tt.ref, tt.ch)
		wantKind(t, err, framework.ErrNoChange, tt.subject, tt.name)
	}
	t.Run("an update that changes nothing", func(t *testing.T) {
		for _, u := range []framework.Update{
			{Progress: 40, Status: framework.OnTrack},
			{Progress: 40},
			{Progress: framework.Unchanged, Status: framework.OnTrack},
			{Progress: framework.Unchanged},
		} {
			u.Target, u.Author, u.Time = ref, "Unoop", at(101)
			_, _, err := s.AppendUpdate(ctx, ws, u, store.Once{})
			wantKind(t, err, framework.ErrNoChange, "on-track", "AppendUpdate with nothing new")
		}
		_, err := s.LastUpdateBy(ctx, ws, "Unoop")
		wantKind(t, err, framework.ErrNoUpdate, "Unoop", "LastUpdateBy after refused updates")
		since, _, _ := s.UpdatesSince(ctx, ws, at(100), time.Time{}, 0)
		if len(since) != 0 {
			t.Fatalf("UpdatesSince after refused updates = %+v, want none", since)
		}
		// A note alone is news.
		if _, tg := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(102), Progress: 40, Status: framework.OnTrack, Note: "still on track"}); tg.Progress != 40 {
			t.Fatalf("note-only update = %+v", tg)
		}
	})
	t.Run("nothing was recorded", func(t *testing.T) {
		after := mustTarget(t, s, ws, ref)
		before.LastUpdate, before.UpdatedAt = after.LastUpdate, after.UpdatedAt // the note above
		if !sameTarget(after, before) {
			t.Fatalf("target after refused changes = %+v, want %+v", after, before)
		}
		got, err := s.Events(ctx, ws, ref, 0)
		if err != nil || !slices.Equal(eventIDs(got), eventIDs(events)) {
			t.Fatalf("Events after refused changes = %q, %v; want %q", eventIDs(got), err, eventIDs(events))
		}
		if es, err := s.Events(ctx, ws, other, 0); err != nil || len(es) != 0 {
			t.Fatalf("Events(%s) = %+v, %v; want none", other, es, err)
		}
	})
}

// testEvents pins the per-target event log: every change appends one
// event, newest first, with its author, time, values and ID, and reads
// are bounded by limit.
func testEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.2"
	mustImport(t, s, ws, eqs(), base)

	t.Run("a target with no changes has no events", func(t *testing.T) {
		es, err := s.Events(ctx, ws, ref, 0)
		if err != nil || len(es) != 0 {
			t.Fatalf("Events = %+v, %v; want none", es, err)
		}
	})

	var logged []framework.Event // oldest first
	changes := []framework.Change{
		{Kind: framework.EventAssign, Owner: "U1", Author: "Uadmin"},
		{Kind: framework.EventDue, Due: "2026-06-30", Author: "U1"},
		{Kind: framework.EventRate, Rating: framework.Developing, Reason: "no policy yet", Author: "U1"},
		{Kind: framework.EventSnooze, Until: "2026-03-20", Reason: "board in April", Author: "U1"},
		{Kind: framework.EventEdit, Title: "Two, retitled", Author: "Uadmin"},
		{Kind: framework.EventArchive, Author: "Uadmin"},
		{Kind: framework.EventRestore, Author: "Uadmin"},
	}
	for i, ch := range changes {
		ch.Time = at(10 + i)
		_, e := mustChange(t, s, ws, ref, ch)
		logged = append(logged, e)
		mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventDue, Due: framework.Date("2026-07-0" + string(rune('1'+i))), Time: at(10 + i)})
	}
	ev, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org/policy.pdf", Title: "Policy", Author: "U1", Time: at(30)})
	if err != nil {
		t.Fatalf("AddEvidence: %v", err)
	}
	logged = append(logged, ev)
	want := slices.Clone(logged)
	slices.Reverse(want)

	t.Run("newest first, every kind, only that target", func(t *testing.T) {
		es, err := s.Events(ctx, ws, ref, 0)
		if err != nil {
			t.Fatalf("Events: %v", err)
		}
		if !slices.Equal(eventIDs(es), eventIDs(want)) {
			t.Fatalf("Events = %q, want newest first %q", eventIDs(es), eventIDs(want))
		}
		for i := range es {
			sameEvent(t, "Events entry", es[i], want[i])
		}
		kinds := make([]framework.EventKind, len(es))
		for i := range es {
			kinds[i] = es[i].Kind
		}
		if !slices.Equal(kinds, []framework.EventKind{"evidence", "restore", "archive", "edit", "snooze", "rate", "due", "assign"}) {
			t.Fatalf("kinds = %q", kinds)
		}
		if r := es[5]; r.Cycle != "2025/26" || r.Reason != "no policy yet" || r.To != "developing" {
			t.Fatalf("rate event = %+v, want its cycle and reason kept", r)
		}
		if e := es[3]; e.From != "Two" || e.To != "Two, retitled" {
			t.Fatalf("edit event = %+v, want the old title kept", e)
		}
	})

	t.Run("limit keeps the newest", func(t *testing.T) {
		es, _ := s.Events(ctx, ws, ref, 3)
		if !slices.Equal(eventIDs(es), eventIDs(want[:3])) {
			t.Fatalf("Events(limit 3) = %q, want %q", eventIDs(es), eventIDs(want[:3]))
		}
		es, _ = s.Events(ctx, ws, "eqs/1.1", 1)
		if len(es) != 1 || es[0].To != "2026-07-07" {
			t.Fatalf("Events(eqs/1.1, 1) = %+v, want its newest due date", es)
		}
	})

	t.Run("ids are unique across targets", func(t *testing.T) {
		a, _ := s.Events(ctx, ws, ref, 0)
		b, _ := s.Events(ctx, ws, "eqs/1.1", 0)
		seen := map[string]bool{}
		for _, e := range append(a, b...) {
			if seen[e.ID] {
				t.Fatalf("event id %s used twice", e.ID)
			}
			seen[e.ID] = true
		}
	})

	t.Run("a missing target is ENOTFOUND", func(t *testing.T) {
		_, err := s.Events(ctx, ws, "eqs/9.9", 0)
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "Events of a missing target")
	})
}

// testEvidence pins evidence: http and https links only, kept with their
// title, author and time, listed per target and per workspace.
func testEvidence(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	add := func(t *testing.T, ref, url, title string, n int) framework.Event {
		t.Helper()
		e, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: url, Title: title, Author: "U1", Time: at(n)})
		if err != nil {
			t.Fatalf("AddEvidence(%s, %s): %v", ref, url, err)
		}
		return e
	}

	t.Run("an empty workspace has none", func(t *testing.T) {
		for _, w := range []string{ws, "slack:NEVER"} {
			evs, err := s.Evidence(ctx, w, "")
			if err != nil || len(evs) != 0 {
				t.Fatalf("Evidence(%s) = %+v, %v; want none", w, evs, err)
			}
		}
	})

	e1 := add(t, "eqs/1.10", "https://example.org/minutes.pdf", "Board minutes", 1)
	e2 := add(t, "eqs/1.2", "http://intranet.example/policy", "", 2)
	e3 := add(t, "eqs/1.10", "https://example.org/survey", "Staff survey", 3)

	t.Run("the event records the link", func(t *testing.T) {
		if e1.ID == "" || e1.Kind != framework.EventEvidence || e1.Target != "eqs/1.10" || e1.URL != "https://example.org/minutes.pdf" || e1.Title != "Board minutes" || e1.Author != "U1" {
			t.Fatalf("evidence event = %+v", e1)
		}
		wantTime(t, "evidence time", e1.Time, at(1))
	})

	t.Run("per target, oldest first", func(t *testing.T) {
		evs, err := s.Evidence(ctx, ws, "eqs/1.10")
		if err != nil {
			t.Fatalf("Evidence: %v", err)
		}
		if len(evs) != 2 || !sameEvidence(evs[0], e1.Evidence()) || evs[1].ID != e3.ID || evs[1].Title != "Staff survey" || !evs[1].Time.Equal(at(3)) {
			t.Fatalf("Evidence(eqs/1.10) = %+v, want the minutes then the survey", evs)
		}
		if evs, _ := s.Evidence(ctx, ws, "eqs/1.1"); len(evs) != 0 {
			t.Fatalf("Evidence(eqs/1.1) = %+v, want none", evs)
		}
	})

	t.Run("the whole workspace, by target then oldest first", func(t *testing.T) {
		evs, err := s.Evidence(ctx, ws, "")
		if err != nil {
			t.Fatalf("Evidence(all): %v", err)
		}
		var ids []string
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
		if want := []string{e2.ID, e1.ID, e3.ID}; !slices.Equal(ids, want) {
			t.Fatalf("Evidence(all) = %q, want eqs/1.2's then eqs/1.10's %q", ids, want)
		}
	})

	t.Run("bad links are EINVALID and attach nothing", func(t *testing.T) {
		for _, url := range []string{"ftp://example.org/x", "javascript:alert(1)", "example.org", "https://", "https://a b"} {
			_, err := s.AddEvidence(ctx, ws, "eqs/1.1", framework.Evidence{URL: url, Author: "U1", Time: at(5)})
			wantKind(t, err, framework.ErrBadURL, url, "AddEvidence("+url+")")
		}
		if evs, _ := s.Evidence(ctx, ws, "eqs/1.1"); len(evs) != 0 {
			t.Fatalf("Evidence after refused links = %+v", evs)
		}
	})

	t.Run("the same link twice is no change", func(t *testing.T) {
		_, err := s.AddEvidence(ctx, ws, "eqs/1.10", framework.Evidence{URL: "https://example.org/survey", Title: "Again", Author: "U2", Time: at(6)})
		wantKind(t, err, framework.ErrNoChange, "https://example.org/survey", "AddEvidence of a link already attached")
		if evs, _ := s.Evidence(ctx, ws, "eqs/1.10"); len(evs) != 2 {
			t.Fatalf("Evidence after a repeated link = %+v, want 2", evs)
		}
		add(t, "eqs/2.1", "https://example.org/survey", "", 7) // another target may cite it
	})

	t.Run("a missing target is ENOTFOUND", func(t *testing.T) {
		_, err := s.AddEvidence(ctx, ws, "eqs/9.9", framework.Evidence{URL: "https://example.org", Author: "U1", Time: at(8)})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "AddEvidence to a missing target")
		_, err = s.Evidence(ctx, ws, "eqs/9.9")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "Evidence of a missing target")
	})
}

func eventIDs(es []framework.Event) []string {
	ids := make([]string, len(es))
	for i := range es {
		ids[i] = es[i].ID
	}
	return ids
}

// sameEvent checks every field of a read-back event.
func sameEvent(t testing.TB, what string, got, want framework.Event) {
	t.Helper()
	if !got.Time.Equal(want.Time) {
		t.Fatalf("%s: time %v, want %v", what, got.Time, want.Time)
	}
	got.Time = want.Time
	if got != want {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func sameEvidence(a, b framework.Evidence) bool {
	if !a.Time.Equal(b.Time) {
		return false
	}
	a.Time = b.Time
	return a == b
}
