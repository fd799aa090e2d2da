package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testDue(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	setDue := func(t *testing.T, ref string, d framework.Date) {
		t.Helper()
		setDue(t, s, ws, ref, d)
	}
	due := func(t *testing.T, from, to framework.Date) []framework.Target {
		t.Helper()
		ts, err := s.Due(ctx, ws, from, to)
		if err != nil {
			t.Fatalf("Due(%q, %q): %v", from, to, err)
		}
		return ts
	}

	t.Run("nothing is due before dates are set", func(t *testing.T) {
		wantRefs(t, "Due", due(t, "", "2099-12-31"))
	})

	setDue(t, "eqs/1.10", "2026-03-10")
	setDue(t, "eqs/1.1", "2026-03-20")
	setDue(t, "eqs/2.1", "2026-04-01")

	t.Run("earliest first, bounds inclusive", func(t *testing.T) {
		wantRefs(t, "Due(none, 03-20)", due(t, "", "2026-03-20"), "eqs/1.10", "eqs/1.1")
		wantRefs(t, "Due(03-10, 03-10)", due(t, "2026-03-10", "2026-03-10"), "eqs/1.10")
		wantRefs(t, "Due(03-11, 12-31)", due(t, "2026-03-11", "2026-12-31"), "eqs/1.1", "eqs/2.1")
		wantRefs(t, "Due(03-21, 03-31)", due(t, "2026-03-21", "2026-03-31"))
		wantRefs(t, "Due(none, 03-09)", due(t, "", "2026-03-09"))
		ts := due(t, "", "2026-12-31")
		wantRefs(t, "Due(all)", ts, "eqs/1.10", "eqs/1.1", "eqs/2.1")
		if ts[0].Due != "2026-03-10" || ts[0].Title != "Ten" {
			t.Fatalf("Due returned %+v, want the whole target", ts[0])
		}
	})

	t.Run("done targets leave the index", func(t *testing.T) {
		u, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.10", Author: "U1", Time: at(10), Progress: 100, Status: framework.Done})
		wantRefs(t, "Due after done", due(t, "", "2026-12-31"), "eqs/1.1", "eqs/2.1")

		t.Run("and a withdraw that reopens them brings them back", func(t *testing.T) {
			if _, _, err := s.Withdraw(ctx, ws, u.ID, at(11)); err != nil {
				t.Fatalf("Withdraw: %v", err)
			}
			wantRefs(t, "Due after withdraw", due(t, "", "2026-12-31"), "eqs/1.10", "eqs/1.1", "eqs/2.1")
		})
	})

	t.Run("a due date set while done applies when reopened", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U1", Time: at(20), Progress: 100, Status: framework.Done})
		setDue(t, "eqs/1.2", "2026-03-15")
		wantRefs(t, "Due with a done target dated", due(t, "", "2026-12-31"), "eqs/1.10", "eqs/1.1", "eqs/2.1")
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U1", Time: at(21), Progress: 90, Status: framework.AtRisk})
		wantRefs(t, "Due after reopening", due(t, "", "2026-12-31"), "eqs/1.10", "eqs/1.2", "eqs/1.1", "eqs/2.1")
	})

	t.Run("an update that keeps the target open keeps its place", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(30), Progress: 50, Status: framework.OffTrack})
		wantRefs(t, "Due after an open update", due(t, "2026-03-20", "2026-03-20"), "eqs/1.1")
	})

	t.Run("changing the due date moves it", func(t *testing.T) {
		setDue(t, "eqs/1.10", "2026-05-01")
		wantRefs(t, "Due(none, 03-31)", due(t, "", "2026-03-31"), "eqs/1.2", "eqs/1.1")
		wantRefs(t, "Due(all)", due(t, "", "2026-12-31"), "eqs/1.2", "eqs/1.1", "eqs/2.1", "eqs/1.10")
	})

	t.Run("clearing the due date removes it", func(t *testing.T) {
		setDue(t, "eqs/2.1", "")
		wantRefs(t, "Due(all)", due(t, "", "2099-12-31"), "eqs/1.2", "eqs/1.1", "eqs/1.10")
	})
}

func testStale(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	stale := func(t *testing.T, before time.Time) []framework.Target {
		t.Helper()
		ts, err := s.Stale(ctx, ws, before)
		if err != nil {
			t.Fatalf("Stale(%v): %v", before, err)
		}
		return ts
	}

	t.Run("an empty workspace has nothing stale", func(t *testing.T) {
		wantRefs(t, "Stale", stale(t, at(1000)))
	})

	mustImport(t, s, ws, eqs(), base)
	custom := framework.Target{Framework: "eqs", Objective: "2", Code: "2.9", Title: "Custom", Custom: true, Status: framework.NotStarted, CreatedAt: at(120)}
	if err := s.AddTarget(ctx, ws, custom); err != nil {
		t.Fatalf("AddTarget: %v", err)
	}

	t.Run("unowned targets are never stale: only owners are nudged", func(t *testing.T) {
		wantRefs(t, "Stale with no owners", stale(t, at(1000)))
	})
	owner := "U1"
	for _, ref := range append(slices.Clone(eqsRefs), "eqs/2.9") {
		setOwner(t, s, ws, ref, owner)
	}

	t.Run("targets without updates are dated by creation", func(t *testing.T) {
		wantRefs(t, "Stale(base), strictly before", stale(t, base))
		wantRefSet(t, "Stale(+60m)", stale(t, at(60)), eqsRefs...)
		ts := stale(t, at(121))
		if len(ts) != 5 || ts[4].Ref() != "eqs/2.9" {
			t.Fatalf("Stale(+121m) = %q, want the imported four then eqs/2.9", targetRefs(ts))
		}
	})

	t.Run("an update moves a target to its time", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(180), Progress: 10, Status: framework.OnTrack})
		wantRefSet(t, "Stale(+60m)", stale(t, at(60)), "eqs/1.2", "eqs/1.10", "eqs/2.1")
		ts := stale(t, at(500))
		if len(ts) != 5 || ts[3].Ref() != "eqs/2.9" || ts[4].Ref() != "eqs/1.1" {
			t.Fatalf("Stale(+500m) = %q, want the untouched three, eqs/2.9, then eqs/1.1", targetRefs(ts))
		}
		if ts[4].Progress != 10 {
			t.Fatalf("Stale returned %+v, want the current target", ts[4])
		}
	})

	t.Run("done targets are not stale, and come back when reopened", func(t *testing.T) {
		u, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U1", Time: at(200), Progress: 100, Status: framework.Done})
		wantRefSet(t, "Stale after done", stale(t, at(1000)), "eqs/1.1", "eqs/1.10", "eqs/2.1", "eqs/2.9")
		if _, _, err := s.Withdraw(ctx, ws, u.ID, at(201)); err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		wantRefSet(t, "Stale after withdraw", stale(t, at(1000)), "eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/2.1", "eqs/2.9")
	})

	t.Run("a later update moves it again", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/2.1", Author: "U2", Time: at(300), Progress: 5})
		ts := stale(t, at(1000))
		if len(ts) != 5 || ts[4].Ref() != "eqs/2.1" {
			t.Fatalf("Stale(+1000m) = %q, want eqs/2.1 last", targetRefs(ts))
		}
		wantRefSet(t, "Stale(+250m)", stale(t, at(250)), "eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/2.9")
	})

	t.Run("unassigning leaves the index, assigning again returns", func(t *testing.T) {
		none := ""
		setOwner(t, s, ws, "eqs/1.10", none)
		wantRefSet(t, "Stale after unassign", stale(t, at(1000)), "eqs/1.1", "eqs/1.2", "eqs/2.1", "eqs/2.9")
		setOwner(t, s, ws, "eqs/1.10", owner)
		wantRefSet(t, "Stale after assign", stale(t, at(1000)), "eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/2.1", "eqs/2.9")
	})
}
