package framework

import (
	"errors"
	"testing"
	"time"
)

func TestFinancialYear(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 8, 0, 0, 0, london), "2026/27"}, // the design's example: began in November 2026
		{time.Date(2026, 4, 1, 0, 0, 0, 0, london), "2026/27"},
		{time.Date(2026, 3, 31, 23, 59, 0, 0, london), "2025/26"},
		{time.Date(2027, 1, 15, 12, 0, 0, 0, london), "2026/27"},
		{time.Date(2099, 12, 1, 0, 0, 0, 0, time.UTC), "2099/00"},
		// The year turns in the time's own location: 23:30 UTC on 31
		// March is already April in London (BST).
		{time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC).In(london), "2027/28"},
		{time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC), "2026/27"},
	} {
		if got := FinancialYear(tt.at); got != tt.want {
			t.Errorf("FinancialYear(%v) = %q, want %q", tt.at, got, tt.want)
		}
		if tt.at.Year() < 2099 && !ValidCycle(FinancialYear(tt.at)) {
			t.Errorf("FinancialYear(%v) = %q is not a valid cycle name", tt.at, FinancialYear(tt.at))
		}
	}
}

func TestValidCycle(t *testing.T) {
	for _, ok := range []string{"2026/27", "2027/28", "2000/01", "2098/99"} {
		if !ValidCycle(ok) {
			t.Errorf("ValidCycle(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "2026", "2026/28", "2026-27", "2026/2027", "26/27", "1999/00", "2099/00", "+026/27", "2026/+7", "2026/-7", "abcd/ef", " 2026/27", "2026/27 "} {
		if ValidCycle(bad) {
			t.Errorf("ValidCycle(%q) = true", bad)
		}
		if err := CheckCycle(bad); !errors.Is(err, ErrBadCycle) || ErrorSubject(err) != bad {
			t.Errorf("CheckCycle(%q) = %v, want ErrBadCycle about it", bad, err)
		}
	}
}

func TestStartCycle(t *testing.T) {
	at := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
	began := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	w := Workspace{ID: "local", Cycle: "2026/27", CycleStarted: began}
	ts := []Target{
		{Framework: "x", Code: "1", Rating: Developing},
		{Framework: "x", Code: "2"},
		{Framework: "x", Code: "3", Rating: Excelling, Archived: true},
	}
	for _, tt := range []struct {
		name string
		kind Kind
		subj string
	}{
		{"2026/27", ErrCycleUsed, "2026/27"},
		{"2025/26", ErrCycleOrder, "2026/27"},
		{"2027-28", ErrBadCycle, "2027-28"},
	} {
		w2, ts2 := w, append([]Target(nil), ts...)
		if _, err := w2.StartCycle(ts2, tt.name, "2030/31", at); !errors.Is(err, tt.kind) || ErrorSubject(err) != tt.subj {
			t.Errorf("StartCycle(%q) = %v, want %q about %q", tt.name, err, tt.kind, tt.subj)
		}
	}
	moved, err := w.StartCycle(ts, "2027/28", "2030/31", at)
	if err != nil || moved != 2 {
		t.Fatalf("StartCycle(2027/28) = %d, %v; want 2 grades moved (archived ones too)", moved, err)
	}
	if w.Cycle != "2027/28" || !w.CycleStarted.Equal(at) || w.CurrentCycle(at) != "2027/28" {
		t.Fatalf("workspace after = %+v", w)
	}
	if p, ok := w.PreviousCycle(); !ok || p.Name != "2026/27" || !p.Started.Equal(began) || !p.Closed.Equal(at) {
		t.Fatalf("PreviousCycle = %+v, %v", p, ok)
	}
	if ts[0].Rating != Unrated || ts[0].Grades["2026/27"] != Developing || ts[1].Grades != nil || ts[2].Grades["2026/27"] != Excelling {
		t.Fatalf("targets after = %+v", ts)
	}
	if _, err := w.StartCycle(ts, "2026/27", "", at); !errors.Is(err, ErrCycleUsed) {
		t.Fatalf("reusing a closed cycle's name = %v, want ErrCycleUsed", err)
	}
	legacy := Workspace{ID: "old"}
	if legacy.CurrentCycle(at) != "2027/28" {
		t.Fatalf("a workspace with no recorded cycle is in the financial year of now: %q", legacy.CurrentCycle(at))
	}
	if _, err := legacy.StartCycle(nil, "2027/28", "2026/27", at); err != nil || legacy.PastCycles[0].Name != "2026/27" || !legacy.PastCycles[0].Started.IsZero() {
		t.Fatalf("legacy StartCycle = %v, %+v", err, legacy)
	}
}

// A valid cycle name is exactly the financial year of its own April.
func FuzzValidCycle(f *testing.F) {
	for _, s := range []string{"2026/27", "2099/00", "1999/00", "2026/28", "+026/27"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidCycle(s) {
			return
		}
		y, _ := time.Parse("2006", s[:4])
		if got := FinancialYear(time.Date(y.Year(), time.April, 1, 0, 0, 0, 0, time.UTC)); got != s {
			t.Fatalf("ValidCycle(%q), but its April is in %q", s, got)
		}
	})
}
