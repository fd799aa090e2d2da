package framework

import (
	"errors"
	"testing"
	"time"
)

func TestAddPastCycle(t *testing.T) {
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		want error
	}{
		{"2025/26", nil},
		{"2024/25", nil},
		{"2026/27", ErrCycleUsed},
		{"2027/28", ErrCycleOrder},
		{"2025-26", ErrBadCycle},
	} {
		w := Workspace{Cycle: "2026/27", CycleStarted: start}
		err := w.AddPastCycle(tc.name, "2026/27", start)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err == nil && (len(w.PastCycles) != 1 || w.PastCycles[0].Name != tc.name || !w.PastCycles[0].Closed.Equal(start) || !w.PastCycles[0].Started.IsZero()) {
			t.Errorf("%s: past cycles %+v", tc.name, w.PastCycles)
		}
	}
}

func TestGradePastCycle(t *testing.T) {
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	w := Workspace{Cycle: "2027/28", CycleStarted: start.AddDate(1, 0, 0), PastCycles: []Cycle{{Name: "2026/27", Started: start, Closed: start.AddDate(1, 0, 0)}}}
	if err := w.AddPastCycle("2025/26", "", start); err != nil {
		t.Fatal(err)
	}
	tg := Target{Framework: "eds-2022", Code: "1A"}
	e, err := w.GradePastCycle(&tg, "2025/26", Change{Rating: Achieving, Author: "sam", Time: start.AddDate(1, 1, 0), Reason: "as published"})
	if err != nil || tg.Grades["2025/26"] != Achieving || e.Cycle != "2025/26" || e.To != "achieving" || e.Reason != "as published" {
		t.Fatalf("%v %+v %+v", err, tg, e)
	}
	for _, tc := range []struct {
		cycle string
		r     Rating
		want  error
	}{
		{"2026/27", Developing, ErrCycleUsed},
		{"2024/25", Developing, ErrBadCycle},
		{"2025/26", Achieving, ErrNoChange},
		{"2025/26", "great", ErrBadRating},
	} {
		if _, err := w.GradePastCycle(&tg, tc.cycle, Change{Rating: tc.r}); !errors.Is(err, tc.want) {
			t.Errorf("%s %s: %v, want %v", tc.cycle, tc.r, err, tc.want)
		}
	}
}

func TestUndoCycle(t *testing.T) {
	closed := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	fresh := func() (Workspace, []Target) {
		return Workspace{Cycle: "2098/99", CycleStarted: closed, PastCycles: []Cycle{{Name: "2026/27", Started: closed.AddDate(0, -6, 0), Closed: closed}}},
			[]Target{{Code: "1A", Grades: map[string]Rating{"2026/27": Achieving}}, {Code: "1B"}}
	}
	w, ts := fresh()
	undone, err := w.UndoCycle(ts, closed.Add(time.Hour))
	if err != nil || undone != "2098/99" || w.Cycle != "2026/27" || !w.CycleStarted.Equal(closed.AddDate(0, -6, 0)) || len(w.PastCycles) != 0 || ts[0].Rating != Achieving || len(ts[0].Grades) != 0 {
		t.Fatalf("%v %s %+v %+v", err, undone, w, ts)
	}
	w, ts = fresh()
	if _, err := w.UndoCycle(ts, closed.Add(25*time.Hour)); !errors.Is(err, ErrCycleUsed) {
		t.Errorf("after 25 hours: %v", err)
	}
	w, ts = fresh()
	ts[1].Rating = Developing
	if _, err := w.UndoCycle(ts, closed.Add(time.Hour)); !errors.Is(err, ErrCycleUsed) || w.Cycle != "2098/99" {
		t.Errorf("with a grade in the new cycle: %v", err)
	}
	w = Workspace{Cycle: "2026/27", CycleStarted: closed}
	if _, err := w.UndoCycle(nil, closed); !errors.Is(err, ErrCycleOrder) {
		t.Errorf("with no closed cycle: %v", err)
	}
}

// A backfilled cycle is never reopened as the current one.
func TestUndoCycleKeepsBackfill(t *testing.T) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	w := Workspace{Cycle: "2026/27", CycleStarted: start}
	if err := w.AddPastCycle("2025/26", "", start); err != nil {
		t.Fatal(err)
	}
	if _, err := w.UndoCycle(nil, start.Add(time.Hour)); !errors.Is(err, ErrCycleOrder) || w.Cycle != "2026/27" {
		t.Errorf("undo into a backfilled cycle: %v", err)
	}
}

// Two backfilled cycles sort in the order they ran.
func TestAddPastCycleTwice(t *testing.T) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	w := Workspace{Cycle: "2026/27", CycleStarted: start}
	for _, name := range []string{"2025/26", "2024/25"} {
		if err := w.AddPastCycle(name, "", start.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.PastCycles) != 2 || w.PastCycles[0].Name != "2024/25" || !w.PastCycles[0].Closed.Before(w.PastCycles[1].Closed) {
		t.Errorf("past cycles %+v", w.PastCycles)
	}
}
