package framework

import (
	"testing"
	"time"
)

func TestSplitActionRef(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ref  string
		n    int
		okay bool
	}{
		{"eds-2022/2B#3", "eds-2022/2B", 3, true},
		{"eds/1.1#12", "eds/1.1", 12, true},
		{"eds-2022/2B", "", 0, false},
		{"eds-2022/2B#", "", 0, false},
		{"eds-2022/2B#0", "", 0, false},
		{"eds-2022/2B#03", "", 0, false},
		{"eds-2022/2B#3/open", "", 0, false},
		{"#3", "", 0, false},
	} {
		ref, n, ok := SplitActionRef(tt.in)
		if ref != tt.ref || n != tt.n || ok != tt.okay {
			t.Errorf("SplitActionRef(%q) = %q %d %v", tt.in, ref, n, ok)
		}
	}
}

func TestActionsOf(t *testing.T) {
	a := Action{Target: "eds/1.1", N: 2, Title: "B", Owner: "amy", Due: "2026-12-01", Created: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	b := Action{Target: "eds/1.1", N: 1, Title: "A"}
	entries := map[string]string{"eds/1.1": "2", "junk#x": "{}", "eds/1.2#1": `{"target":"eds/1.1","n":1}`}
	for _, x := range []Action{a, b} {
		for k, v := range x.Added() {
			entries[k] = v
		}
	}
	entries["eds/1.1#2"+ActionProgress] = "40"
	entries["eds/1.1#2"+ActionStatus] = "at-risk"
	entries["eds/1.1#1"+ActionOpen] = ""
	delete(entries, "eds/1.1#1"+ActionOpen)
	entries["eds/1.1#1"+ActionStatus] = "done"
	entries["eds/1.1#1"+ActionClosed] = "2026-07-01"
	got := ActionsOf(entries)
	if len(got) != 2 || got[0].N != 1 || got[1].N != 2 {
		t.Fatalf("ActionsOf = %+v", got)
	}
	if g := got[1]; !g.Open || g.Progress != 40 || g.Status != AtRisk || g.Owner != "amy" || g.State() != AtRisk {
		t.Errorf("open action = %+v", g)
	}
	if g := got[0]; g.Open || g.Progress != Unchanged || g.State() != ActionDone || !g.ClosedWithin("2026-04-01", "2027-03-31") || g.ClosedWithin("2027-04-01", "2028-03-31") {
		t.Errorf("done action = %+v", g)
	}
	if n, err := NextActionNumber(entries["eds/1.1"]); n != 3 || err != nil {
		t.Errorf("next number = %d %v", n, err)
	}
	if _, err := NextActionNumber("x"); err == nil {
		t.Error("a counter that is not a number was taken")
	}
}

func TestActionDates(t *testing.T) {
	a := Action{Open: true, Due: "2026-12-10"}
	for _, tt := range []struct {
		today            Date
		overdue, dueSoon bool
	}{
		{"2026-12-01", false, false},
		{"2026-12-03", false, true},
		{"2026-12-10", false, true},
		{"2026-12-11", true, false},
	} {
		if got := a.Overdue(tt.today); got != tt.overdue {
			t.Errorf("Overdue(%s) = %v", tt.today, got)
		}
		if got := a.DueWithin(tt.today, 7); got != tt.dueSoon {
			t.Errorf("DueWithin(%s, 7) = %v", tt.today, got)
		}
	}
	closed := Action{Due: "2026-01-01"}
	if closed.Overdue("2026-12-01") {
		t.Error("a closed action is overdue")
	}
	if s := (Action{Snoozed: "2026-12-20"}); !s.Snoozing("2026-12-19") || s.Snoozing("2026-12-20") {
		t.Error("Snoozing is wrong at its edge")
	}
}
