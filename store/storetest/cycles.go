package storetest

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testCycles pins grading cycles: the first cycle is the financial year
// the workspace began in, a rate grades the current cycle, and starting
// a cycle moves every grade to the closed cycle in one write, refusing
// names that are malformed, used or earlier.
func testCycles(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	workspace := func(t *testing.T) framework.Workspace {
		t.Helper()
		w, err := s.Workspace(ctx, ws)
		if err != nil {
			t.Fatalf("Workspace: %v", err)
		}
		return w
	}
	mustImport(t, s, ws, eqs(), base) // 2 March 2026: financial year 2025/26

	t.Run("the first import records the first cycle", func(t *testing.T) {
		w := workspace(t)
		if w.Cycle != "2025/26" || len(w.PastCycles) != 0 {
			t.Fatalf("Workspace = %+v, want cycle 2025/26 and none closed", w)
		}
		wantTime(t, "CycleStarted", w.CycleStarted, base)
		mustImport(t, s, ws, sized("abc", 2), at(60*24*60)) // two months on, in 2026/27
		if w := workspace(t); w.Cycle != "2025/26" {
			t.Fatalf("a later import moved the cycle to %q", w.Cycle)
		}
	})

	mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Reason: "no policy yet"})
	mustChange(t, s, ws, "eqs/1.2", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})
	mustChange(t, s, ws, "eqs/1.2", framework.Change{Kind: framework.EventArchive})
	eventsBefore, _ := s.Events(ctx, ws, "eqs/1.1", 0)

	t.Run("bad, used and earlier names are refused and change nothing", func(t *testing.T) {
		for _, tt := range []struct {
			name, subject string
			kind          framework.Kind
		}{
			{"2026-27", "2026-27", framework.ErrBadCycle},
			{"2026/28", "2026/28", framework.ErrBadCycle},
			{"", "", framework.ErrBadCycle},
			{"2025/26", "2025/26", framework.ErrCycleUsed},
			{"2024/25", "2025/26", framework.ErrCycleOrder},
		} {
			_, _, err := s.StartCycle(ctx, ws, tt.name, at(100))
			wantKind(t, err, tt.kind, tt.subject, "StartCycle("+tt.name+")")
		}
		if w := workspace(t); w.Cycle != "2025/26" || len(w.PastCycles) != 0 {
			t.Fatalf("Workspace after refusals = %+v", w)
		}
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Rating != framework.Developing || len(tg.Grades) != 0 {
			t.Fatalf("eqs/1.1 after refusals = %+v", tg)
		}
	})

	t.Run("starting a cycle moves every grade to the closed one", func(t *testing.T) {
		w, moved, err := s.StartCycle(ctx, ws, "2026/27", at(200))
		if err != nil {
			t.Fatalf("StartCycle: %v", err)
		}
		if moved != 2 {
			t.Fatalf("StartCycle moved %d grades, want 2 (archived targets' too)", moved)
		}
		for _, w := range []framework.Workspace{w, workspace(t)} {
			p, ok := w.PreviousCycle()
			if w.Cycle != "2026/27" || len(w.PastCycles) != 1 || !ok || p.Name != "2025/26" {
				t.Fatalf("Workspace after StartCycle = %+v", w)
			}
			wantTime(t, "CycleStarted", w.CycleStarted, at(200))
			wantTime(t, "closed cycle's start", p.Started, base)
			wantTime(t, "closed cycle's close", p.Closed, at(200))
		}
		for ref, want := range map[string]framework.Rating{"eqs/1.1": framework.Developing, "eqs/1.2": framework.Achieving, "eqs/2.1": ""} {
			tg := mustTarget(t, s, ws, ref)
			if tg.Rating != framework.Unrated || tg.Grades["2025/26"] != want {
				t.Fatalf("%s after StartCycle = %+v, want unrated now and %q in 2025/26", ref, tg, want)
			}
			if want == "" && len(tg.Grades) != 0 {
				t.Fatalf("%s had no grade, yet Grades = %v", ref, tg.Grades)
			}
		}
		if es, _ := s.Events(ctx, ws, "eqs/1.1", 0); len(es) != len(eventsBefore) {
			t.Fatalf("StartCycle appended %d events to eqs/1.1, want none", len(es)-len(eventsBefore))
		}
	})

	t.Run("rate grades the new cycle; the previous grade stays readable", func(t *testing.T) {
		tg, e := mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving, Reason: "policy out"})
		if e.Cycle != "2026/27" || e.From != "" || e.To != "achieving" {
			t.Fatalf("rate event = %+v, want cycle 2026/27 from unrated", e)
		}
		if tg.Rating != framework.Achieving || tg.Grades["2025/26"] != framework.Developing {
			t.Fatalf("eqs/1.1 = %+v", tg)
		}
		es, _ := s.Events(ctx, ws, "eqs/1.1", 0)
		if len(es) < 2 || es[0].Cycle != "2026/27" || es[1].Cycle != "2025/26" || es[1].Reason != "no policy yet" {
			t.Fatalf("rate events = %+v, want both cycles with their reasons", es)
		}
		// The grade the target had last cycle is news in this one.
		mustChange(t, s, ws, "eqs/2.1", framework.Change{Kind: framework.EventRate, Rating: framework.Excelling})
	})

	t.Run("names used before are refused; a later one may skip years", func(t *testing.T) {
		for _, name := range []string{"2025/26", "2026/27"} {
			_, _, err := s.StartCycle(ctx, ws, name, at(300))
			wantKind(t, err, framework.ErrCycleUsed, name, "StartCycle("+name+") again")
		}
		w, moved, err := s.StartCycle(ctx, ws, "2028/29", at(400))
		if err != nil || moved != 2 {
			t.Fatalf("StartCycle(2028/29) = %d, %v; want 2 moved", moved, err)
		}
		if len(w.PastCycles) != 2 || w.PastCycles[0].Name != "2025/26" || w.PastCycles[1].Name != "2026/27" {
			t.Fatalf("PastCycles = %+v, want oldest first", w.PastCycles)
		}
		tg := mustTarget(t, s, ws, "eqs/1.1")
		if tg.Rating != "" || tg.Grades["2025/26"] != framework.Developing || tg.Grades["2026/27"] != framework.Achieving {
			t.Fatalf("eqs/1.1 = %+v, want both closed grades", tg)
		}
		all, err := s.Workspaces(ctx)
		if err != nil || len(all) != 1 || all[0].Cycle != "2028/29" || len(all[0].PastCycles) != 2 {
			t.Fatalf("Workspaces = %+v, %v; want the cycles", all, err)
		}
	})

	t.Run("a workspace with no cycle recorded closes the financial year of the start", func(t *testing.T) {
		const fresh = "slack:FRESH"
		if err := s.SetTimezone(ctx, fresh, "Europe/London"); err != nil {
			t.Fatalf("SetTimezone: %v", err)
		}
		w, moved, err := s.StartCycle(ctx, fresh, "2026/27", base)
		if err != nil || moved != 0 {
			t.Fatalf("StartCycle = %d, %v", moved, err)
		}
		if p, ok := w.PreviousCycle(); !ok || p.Name != "2025/26" || !p.Started.IsZero() || w.Cycle != "2026/27" || w.Timezone != "Europe/London" {
			t.Fatalf("Workspace = %+v", w)
		}
		if w := workspace(t); w.Cycle != "2028/29" {
			t.Fatalf("another workspace's start moved this one's cycle to %q", w.Cycle)
		}
	})
}
