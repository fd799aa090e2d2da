package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testBackfill pins the corrections of a workspace's cycles: a past
// cycle added before the first takes grades entered later, with their
// events; a cycle run here keeps its grades; and a cycle start is undone
// within a day while the new cycle holds no grade. Refusals change
// nothing.
func testBackfill(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base) // 2025/26
	workspace := func(t *testing.T) framework.Workspace {
		t.Helper()
		w, err := s.Workspace(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	t.Run("a past cycle before the first", func(t *testing.T) {
		for _, tt := range []struct {
			name, subject string
			kind          framework.Kind
		}{
			{"2025/26", "2025/26", framework.ErrCycleUsed},
			{"2026/27", "2025/26", framework.ErrCycleOrder},
			{"2024-25", "2024-25", framework.ErrBadCycle},
		} {
			_, err := s.AddPastCycle(ctx, ws, tt.name, at(10))
			wantKind(t, err, tt.kind, tt.subject, "AddPastCycle("+tt.name+")")
		}
		if w := workspace(t); len(w.PastCycles) != 0 {
			t.Fatalf("refusals added %+v", w.PastCycles)
		}
		w, err := s.AddPastCycle(ctx, ws, "2024/25", at(10))
		if err != nil {
			t.Fatal(err)
		}
		got := workspace(t)
		if w.Cycle != "2025/26" || len(got.PastCycles) != 1 || got.PastCycles[0].Name != "2024/25" || !got.PastCycles[0].Started.IsZero() {
			t.Fatalf("after AddPastCycle: %+v (returned %+v)", got, w)
		}
		wantTime(t, "the backfilled cycle's close", got.PastCycles[0].Closed, base)
	})
	t.Run("grades entered later", func(t *testing.T) {
		tg, e, err := s.GradePastCycle(ctx, ws, "eqs/1.1", "2024/25", framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Author: "U1", Time: at(20), Reason: "as published"})
		if err != nil {
			t.Fatal(err)
		}
		if tg.Grades["2024/25"] != framework.Developing || tg.Rating != framework.Unrated || e.ID == "" || e.Cycle != "2024/25" || e.Reason != "as published" || e.To != "developing" {
			t.Fatalf("GradePastCycle = %+v, %+v", tg, e)
		}
		stored, err := s.Target(ctx, ws, "eqs/1.1")
		if err != nil || stored.Grades["2024/25"] != framework.Developing {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		evs, err := s.Events(ctx, ws, "eqs/1.1", 1)
		if err != nil || len(evs) != 1 || evs[0].ID != e.ID || evs[0].Cycle != "2024/25" {
			t.Fatalf("Events = %+v, %v", evs, err)
		}
		_, _, err = s.GradePastCycle(ctx, ws, "eqs/1.1", "2024/25", framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Author: "U1", Time: at(21)})
		wantKind(t, err, framework.ErrNoChange, "developing", "GradePastCycle again")
		_, _, err = s.GradePastCycle(ctx, ws, "eqs/9.9", "2024/25", framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Author: "U1", Time: at(21)})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "GradePastCycle of no target")
	})
	t.Run("undo a cycle start within a day, before a grade", func(t *testing.T) {
		mustChange(t, s, ws, "eqs/1.2", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})
		start := at(100)
		if _, _, err := s.StartCycle(ctx, ws, "2098/99", start); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.GradePastCycle(ctx, ws, "eqs/1.1", "2025/26", framework.Change{Kind: framework.EventRate, Rating: framework.Excelling, Author: "U1", Time: at(101)})
		wantKind(t, err, framework.ErrCycleUsed, "2025/26", "GradePastCycle of a cycle run here")
		_, _, err = s.UndoCycle(ctx, ws, start.Add(25*time.Hour))
		wantKind(t, err, framework.ErrCycleUsed, "2098/99", "UndoCycle after a day")
		w, undone, err := s.UndoCycle(ctx, ws, start.Add(time.Hour))
		if err != nil || undone != "2098/99" || w.Cycle != "2025/26" {
			t.Fatalf("UndoCycle = %+v, %q, %v", w, undone, err)
		}
		got := workspace(t)
		if got.Cycle != "2025/26" || len(got.PastCycles) != 1 || got.PastCycles[0].Name != "2024/25" {
			t.Fatalf("after UndoCycle: %+v", got)
		}
		wantTime(t, "the reopened cycle's start", got.CycleStarted, base)
		tg, err := s.Target(ctx, ws, "eqs/1.2")
		if err != nil || tg.Rating != framework.Achieving || tg.Grades["2025/26"] != framework.Unrated {
			t.Fatalf("eqs/1.2 after UndoCycle: %+v, %v", tg, err)
		}
		if tg, _ := s.Target(ctx, ws, "eqs/1.1"); tg.Grades["2024/25"] != framework.Developing {
			t.Fatalf("UndoCycle lost a backfilled grade: %+v", tg)
		}
		_, _, err = s.UndoCycle(ctx, ws, start.Add(2*time.Hour))
		wantKind(t, err, framework.ErrCycleOrder, "2025/26", "UndoCycle into a backfilled cycle")
	})
	t.Run("a grade in the new cycle stops the undo", func(t *testing.T) {
		start := at(200)
		if _, _, err := s.StartCycle(ctx, ws, "2026/27", start); err != nil {
			t.Fatal(err)
		}
		mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: framework.Excelling})
		_, _, err := s.UndoCycle(ctx, ws, start.Add(time.Hour))
		wantKind(t, err, framework.ErrCycleUsed, "2026/27", "UndoCycle with a grade")
		if w := workspace(t); w.Cycle != "2026/27" || len(w.PastCycles) != 2 {
			t.Fatalf("a refused undo changed the cycles: %+v", w)
		}
	})
}
