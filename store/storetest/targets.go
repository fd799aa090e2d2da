package storetest

import (
	"context"
	"testing"

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

func testPatchTarget(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	mustAppend(t, s, ws, framework.Update{Target: "eqs/2.1", Author: "U1", Time: at(1), Progress: 20, Status: framework.OnTrack})

	owner, due, rating := "U42", framework.Date("2026-04-30"), framework.Achieving
	snooze, reason := framework.Date("2026-03-16"), "waiting on HR data"

	t.Run("sets owner, due, rating and snooze", func(t *testing.T) {
		got := mustPatch(t, s, ws, "eqs/2.1", framework.TargetPatch{Owner: &owner, Due: &due, Rating: &rating, SnoozedUntil: &snooze, SnoozeReason: &reason})
		for _, tg := range []framework.Target{got, mustTarget(t, s, ws, "eqs/2.1")} {
			if tg.Owner != owner || tg.Due != due || tg.Rating != rating || tg.SnoozedUntil != snooze || tg.SnoozeReason != reason {
				t.Fatalf("patched target = %+v, want every patched field set", tg)
			}
			if tg.Progress != 20 || tg.Status != framework.OnTrack || tg.LastUpdate == "" {
				t.Fatalf("patched target = %+v, want progress, status and last update untouched", tg)
			}
		}
	})

	t.Run("nil fields stay as they are", func(t *testing.T) {
		r := framework.Excelling
		got := mustPatch(t, s, ws, "eqs/2.1", framework.TargetPatch{Rating: &r})
		if got.Rating != framework.Excelling || got.Owner != owner || got.Due != due || got.SnoozedUntil != snooze {
			t.Fatalf("after patching only the rating: %+v", got)
		}
	})

	t.Run("empty values clear", func(t *testing.T) {
		none, noDate, unrated := "", framework.Date(""), framework.Unrated
		got := mustPatch(t, s, ws, "eqs/2.1", framework.TargetPatch{Owner: &none, Due: &noDate, Rating: &unrated, SnoozedUntil: &noDate, SnoozeReason: &none})
		if got.Owner != "" || got.Due != "" || got.Rating != framework.Unrated || got.SnoozedUntil != "" || got.SnoozeReason != "" {
			t.Fatalf("after clearing: %+v", got)
		}
		if tg := mustTarget(t, s, ws, "eqs/2.1"); tg.Owner != "" || tg.Due != "" {
			t.Fatalf("stored after clearing: %+v", tg)
		}
	})

	t.Run("other targets are untouched", func(t *testing.T) {
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Owner != "" || tg.Rating != "" || tg.Progress != 0 {
			t.Fatalf("eqs/1.1 = %+v, want it untouched", tg)
		}
	})

	t.Run("a missing target is ENOTFOUND", func(t *testing.T) {
		_, err := s.PatchTarget(ctx, ws, "eqs/7.7", framework.TargetPatch{Owner: &owner})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/7.7", "PatchTarget missing")
		_, err = s.Target(ctx, ws, "eqs/7.7")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/7.7", "Target after PatchTarget missing (must not create)")
	})
}
