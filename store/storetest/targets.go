package storetest

import (
	"context"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testTargets(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"

	t.Run("an empty workspace has no targets", func(t *testing.T) {
		ts, err := s.Targets(ctx, ws)
		if err != nil {
			t.Fatalf("Targets: %v", err)
		}
		if len(ts) != 0 {
			t.Fatalf("Targets = %q, want none", targetRefs(ts))
		}
		_, err = s.Target(ctx, ws, "eqs/1.1")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/1.1", "Target before import")
	})

	t.Run("Target reads one target; a missing one is ENOTFOUND", func(t *testing.T) {
		mustImport(t, s, ws, eqs(), base)
		tg := mustTarget(t, s, ws, "eqs/1.10")
		if tg.Framework != "eqs" || tg.Code != "1.10" || tg.Objective != "1" || tg.Title != "Ten" {
			t.Fatalf("Target eqs/1.10 = %+v", tg)
		}
		for _, ref := range []string{"eqs/9.9", "nhs/1.1", "1.1", ""} {
			_, err := s.Target(ctx, ws, ref)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "Target "+ref)
		}
	})

	t.Run("Targets sorts naturally by framework then code", func(t *testing.T) {
		mustImport(t, s, ws, sized("aaa", 12), base)
		ts, err := s.Targets(ctx, ws)
		if err != nil {
			t.Fatalf("Targets: %v", err)
		}
		want := []string{"aaa/1.1", "aaa/1.2", "aaa/1.3", "aaa/1.4", "aaa/1.5", "aaa/1.6", "aaa/1.7", "aaa/1.8", "aaa/1.9", "aaa/1.10", "aaa/2.1", "aaa/2.2"}
		wantRefs(t, "Targets", ts, append(want, eqsRefs...)...)
	})

	t.Run("Targets returns current values", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U1", Time: at(5), Progress: 65, Status: framework.AtRisk})
		ts, _ := s.Targets(ctx, ws)
		for _, tg := range ts {
			if tg.Ref() == "eqs/1.2" && (tg.Progress != 65 || tg.Status != framework.AtRisk) {
				t.Fatalf("Targets has eqs/1.2 = %+v, want progress 65 at-risk", tg)
			}
		}
	})
}

func testAddTarget(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "discord:81234"
	mustImport(t, s, ws, eqs(), base)

	custom := framework.Target{
		Framework: "eqs", Objective: "1", Code: "1.11", Title: "Interpreters booked",
		Custom: true, Status: framework.NotStarted, Owner: "U7", Due: "2026-06-30", CreatedAt: at(30),
	}

	t.Run("adds a custom target", func(t *testing.T) {
		if err := s.AddTarget(ctx, ws, custom); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		tg := mustTarget(t, s, ws, "eqs/1.11")
		if tg.Title != custom.Title || !tg.Custom || tg.Owner != "U7" || tg.Due != "2026-06-30" || tg.Status != framework.NotStarted {
			t.Fatalf("Target after AddTarget = %+v, want %+v", tg, custom)
		}
		wantTime(t, "CreatedAt", tg.CreatedAt, at(30))
		ts, _ := s.Targets(ctx, ws)
		wantRefs(t, "Targets", ts, "eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/1.11", "eqs/2.1")
	})

	t.Run("its due date is indexed", func(t *testing.T) {
		due, err := s.Due(ctx, ws, "", "2026-12-31")
		if err != nil {
			t.Fatalf("Due: %v", err)
		}
		wantRefs(t, "Due", due, "eqs/1.11")
	})

	t.Run("a duplicate ref is ECONFLICT and changes nothing", func(t *testing.T) {
		dup := custom
		dup.Title = "Something else"
		wantKind(t, s.AddTarget(ctx, ws, dup), framework.ErrTargetExists, "eqs/1.11", "AddTarget duplicate custom")
		imported := framework.Target{Framework: "eqs", Objective: "1", Code: "1.1", Title: "Clobber", Status: framework.NotStarted, CreatedAt: at(40)}
		wantKind(t, s.AddTarget(ctx, ws, imported), framework.ErrTargetExists, "eqs/1.1", "AddTarget over an imported target")
		if tg := mustTarget(t, s, ws, "eqs/1.11"); tg.Title != custom.Title {
			t.Fatalf("title after a rejected duplicate = %q, want %q", tg.Title, custom.Title)
		}
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Title != "One" {
			t.Fatalf("eqs/1.1 title after a rejected add = %q, want One", tg.Title)
		}
	})

	t.Run("a framework not imported is ENOTFOUND", func(t *testing.T) {
		stray := framework.Target{Framework: "zzz", Objective: "1", Code: "1.1", Title: "Stray", Custom: true, Status: framework.NotStarted, CreatedAt: at(50)}
		wantKind(t, s.AddTarget(ctx, ws, stray), framework.ErrFrameworkNotImported, "zzz", "AddTarget to a framework not imported")
		_, err := s.Target(ctx, ws, "zzz/1.1")
		wantKind(t, err, framework.ErrTargetNotFound, "zzz/1.1", "Target after a rejected add")
		w, _ := s.Workspace(ctx, ws)
		if w.Imported("zzz") {
			t.Fatalf("Workspace.Frameworks = %q: a rejected add must not import", w.Frameworks)
		}
	})
}

func testChangeTarget(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/2.1"
	mustImport(t, s, ws, eqs(), base)
	mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(1), Progress: 20, Status: framework.OnTrack})

	t.Run("each kind sets its setting and returns its event", func(t *testing.T) {
		for _, tt := range []struct {
			ch       framework.Change
			from, to string
			check    func(framework.Target) bool
		}{
			{framework.Change{Kind: framework.EventAssign, Owner: "U42"}, "", "U42", func(tg framework.Target) bool { return tg.Owner == "U42" }},
			{framework.Change{Kind: framework.EventDue, Due: "2026-04-30"}, "", "2026-04-30", func(tg framework.Target) bool { return tg.Due == "2026-04-30" }},
			{framework.Change{Kind: framework.EventRate, Rating: framework.Achieving, Reason: "policy published"}, "", "achieving", func(tg framework.Target) bool { return tg.Rating == framework.Achieving }},
			{framework.Change{Kind: framework.EventSnooze, Until: "2026-03-16", Reason: "waiting on HR data"}, "", "2026-03-16", func(tg framework.Target) bool {
				return tg.SnoozedUntil == "2026-03-16" && tg.SnoozeReason == "waiting on HR data"
			}},
			{framework.Change{Kind: framework.EventEdit, Title: "Staff networks meet monthly"}, "Staff network", "Staff networks meet monthly", func(tg framework.Target) bool { return tg.Title == "Staff networks meet monthly" }},
		} {
			tt.ch.Author, tt.ch.Time = "Uadmin", at(10)
			got, e := mustChange(t, s, ws, ref, tt.ch)
			for _, tg := range []framework.Target{got, mustTarget(t, s, ws, ref)} {
				if !tt.check(tg) {
					t.Fatalf("%s: target = %+v", tt.ch.Kind, tg)
				}
				if tg.Progress != 20 || tg.Status != framework.OnTrack || tg.LastUpdate == "" {
					t.Fatalf("%s: target = %+v, want progress, status and last update untouched", tt.ch.Kind, tg)
				}
			}
			if e.ID == "" || e.Kind != tt.ch.Kind || e.Target != ref || e.Author != "Uadmin" || e.From != tt.from || e.To != tt.to || e.Reason != tt.ch.Reason {
				t.Fatalf("%s: event = %+v, want from %q to %q", tt.ch.Kind, e, tt.from, tt.to)
			}
			wantTime(t, string(tt.ch.Kind)+" event time", e.Time, at(10))
		}
	})

	t.Run("a rate names the current cycle, the financial year the workspace began in", func(t *testing.T) {
		_, e := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Excelling, Time: at(11)})
		if e.Cycle != "2025/26" || e.From != "achieving" || e.To != "excelling" {
			t.Fatalf("rate event = %+v, want cycle 2025/26 (the import was in March 2026)", e)
		}
		w, err := s.Workspace(ctx, ws)
		if err != nil || w.Cycle != "2025/26" {
			t.Fatalf("Workspace = %+v, %v; want cycle 2025/26", w, err)
		}
		wantTime(t, "CycleStarted", w.CycleStarted, base)
	})

	t.Run("empty values clear", func(t *testing.T) {
		for _, ch := range []framework.Change{
			{Kind: framework.EventAssign}, {Kind: framework.EventDue}, {Kind: framework.EventRate}, {Kind: framework.EventSnooze},
		} {
			_, e := mustChange(t, s, ws, ref, ch)
			if e.To != "" || e.From == "" {
				t.Fatalf("clearing %s: event %+v, want from the old value to none", ch.Kind, e)
			}
		}
		if tg := mustTarget(t, s, ws, ref); tg.Owner != "" || tg.Due != "" || tg.Rating != framework.Unrated || tg.SnoozedUntil != "" || tg.SnoozeReason != "" {
			t.Fatalf("stored after clearing: %+v", tg)
		}
	})

	t.Run("long texts keep every character", func(t *testing.T) {
		// Longer than a store may keep in one piece, in letters of one to
		// four bytes, so that pieces split inside a character.
		long := strings.Repeat("Staff networks é 東京 🙂 meet monthly; ", 8)
		reason := strings.Repeat("waiting on the survey 🙂 ", 9)
		for _, title := range []string{long, "Short again", long + "!", long} {
			want := title
			got, e := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventEdit, Title: title, Author: "Uadmin", Time: at(12)})
			if tg := mustTarget(t, s, ws, ref); got.Title != want || tg.Title != want || e.To != want {
				t.Fatalf("title %.20q…: returned %.20q…, stored %.20q…, event to %.20q…", want, got.Title, tg.Title, e.To)
			}
		}
		_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventEdit, Title: long, Author: "Uadmin", Time: at(13)})
		wantKind(t, err, framework.ErrNoChange, long, "editing a long title to itself")
		_, e := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventEdit, Title: "Staff network", Author: "Uadmin", Time: at(14)})
		if e.From != long {
			t.Fatalf("the edit's event from %.20q…, want the whole long title", e.From)
		}
		if tg, _ := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventSnooze, Until: "2026-03-20", Reason: reason, Author: "Uadmin", Time: at(15)}); tg.SnoozeReason != reason {
			t.Fatalf("snooze reason %.20q…, want %.20q…", tg.SnoozeReason, reason)
		}
		mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventSnooze, Author: "Uadmin", Time: at(16)})
		if tg := mustTarget(t, s, ws, ref); tg.SnoozeReason != "" || tg.Title != "Staff network" {
			t.Fatalf("after clearing the snooze: %+v", tg)
		}
	})

	t.Run("other targets are untouched", func(t *testing.T) {
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Owner != "" || tg.Rating != "" || tg.Progress != 0 || tg.Title != "One" {
			t.Fatalf("eqs/1.1 = %+v, want it untouched", tg)
		}
	})

	t.Run("a missing target is ENOTFOUND and creates nothing", func(t *testing.T) {
		_, _, err := s.ChangeTarget(ctx, ws, "eqs/7.7", framework.Change{Kind: framework.EventAssign, Owner: "U1", Author: "U1", Time: at(20)})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/7.7", "ChangeTarget missing")
		_, err = s.Target(ctx, ws, "eqs/7.7")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/7.7", "Target after ChangeTarget missing (must not create)")
	})

	t.Run("bad values are EINVALID and change nothing", func(t *testing.T) {
		before := mustTarget(t, s, ws, ref)
		_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventRate, Rating: "brilliant", Author: "U1", Time: at(21)})
		wantKind(t, err, framework.ErrBadRating, "brilliant", "ChangeTarget with a bad grade")
		_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventEdit, Title: " ", Author: "U1", Time: at(21)})
		wantKind(t, err, framework.ErrTooLong, "", "ChangeTarget with a blank title")
		_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventEvidence, Author: "U1", Time: at(21)})
		wantCode(t, err, framework.EINVALID, "ChangeTarget of kind evidence")
		_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: "paint", Author: "U1", Time: at(21)})
		wantCode(t, err, framework.EINVALID, "ChangeTarget of an unknown kind")
		if tg := mustTarget(t, s, ws, ref); !sameTarget(tg, before) {
			t.Fatalf("after refused changes %+v, want %+v", tg, before)
		}
	})
}

// sameTarget compares targets field by field, Grades included.
func sameTarget(a, b framework.Target) bool {
	if !maps.Equal(a.Grades, b.Grades) || !a.UpdatedAt.Equal(b.UpdatedAt) || !a.CreatedAt.Equal(b.CreatedAt) {
		return false
	}
	a.Grades, b.Grades = nil, nil
	a.UpdatedAt, b.UpdatedAt, a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}
