package storetest

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testArchive pins archiving: an archived target stays readable, marked,
// with its history, leaves the due and stale indexes, takes no change
// but restore, and comes back whole when restored.
func testArchive(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.1"
	mustImport(t, s, ws, eqs(), base)
	for _, r := range eqsRefs {
		setOwner(t, s, ws, r, "U1")
		setDue(t, s, ws, r, "2026-03-10")
	}
	mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Developing})
	u, _ := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(5), Progress: 30, Status: framework.AtRisk})
	arch, e := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventArchive, Author: "Uadmin", Time: at(6)})

	t.Run("it stays readable, marked, with its values", func(t *testing.T) {
		for _, tg := range []framework.Target{arch, mustTarget(t, s, ws, ref)} {
			if !tg.Archived || tg.Live() || tg.Owner != "U1" || tg.Due != "2026-03-10" || tg.Rating != framework.Developing || tg.Progress != 30 || tg.LastUpdate != u.ID {
				t.Fatalf("archived target = %+v, want it marked and otherwise as it was", tg)
			}
		}
		if e.Kind != framework.EventArchive || e.Author != "Uadmin" {
			t.Fatalf("archive event = %+v", e)
		}
		ts, err := s.Targets(ctx, ws)
		if err != nil {
			t.Fatalf("Targets: %v", err)
		}
		wantRefs(t, "Targets keeps archived targets", ts, eqsRefs...)
		wantRefs(t, "framework.Live(Targets)", framework.Live(ts), "eqs/1.2", "eqs/1.10", "eqs/2.1")
		if us, err := s.Updates(ctx, ws, ref, 0); err != nil || len(us) != 1 {
			t.Fatalf("Updates of an archived target = %d, %v; want its one", len(us), err)
		}
	})

	t.Run("it leaves the due and stale indexes", func(t *testing.T) {
		due, err := s.Due(ctx, ws, "", "2099-12-31")
		if err != nil {
			t.Fatalf("Due: %v", err)
		}
		wantRefSet(t, "Due after archive", due, "eqs/1.2", "eqs/1.10", "eqs/2.1")
		stale, err := s.Stale(ctx, ws, at(10000))
		if err != nil {
			t.Fatalf("Stale: %v", err)
		}
		wantRefSet(t, "Stale after archive", stale, "eqs/1.2", "eqs/1.10", "eqs/2.1")
		checkIndexes(t, s, ws)
	})

	t.Run("it takes no change but restore, and nothing is recorded", func(t *testing.T) {
		events, _ := s.Events(ctx, ws, ref, 0)
		for _, ch := range []framework.Change{
			{Kind: framework.EventAssign, Owner: "U2"},
			{Kind: framework.EventDue, Due: "2026-09-01"},
			{Kind: framework.EventRate, Rating: framework.Achieving},
			{Kind: framework.EventSnooze, Until: "2026-04-01"},
			{Kind: framework.EventEdit, Title: "Renamed"},
		} {
			ch.Author, ch.Time = "Uadmin", at(7)
			_, _, err := s.ChangeTarget(ctx, ws, ref, ch)
			wantKind(t, err, framework.ErrArchived, ref, "ChangeTarget("+string(ch.Kind)+") of an archived target")
		}
		_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(7), Progress: 90}, store.Once{})
		wantKind(t, err, framework.ErrArchived, ref, "AppendUpdate to an archived target")
		_, err = s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org", Author: "U1", Time: at(7)})
		wantKind(t, err, framework.ErrArchived, ref, "AddEvidence to an archived target")
		_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventArchive, Author: "U1", Time: at(7)})
		wantKind(t, err, framework.ErrNoChange, "", "archiving an archived target")
		if after, _ := s.Events(ctx, ws, ref, 0); len(after) != len(events) {
			t.Fatalf("Events after refused changes: %d, want %d", len(after), len(events))
		}
		if tg := mustTarget(t, s, ws, ref); !sameTarget(tg, arch) {
			t.Fatalf("archived target after refused changes = %+v, want %+v", tg, arch)
		}
	})

	t.Run("a re-import leaves it archived", func(t *testing.T) {
		if n := mustImport(t, s, ws, eqs(), at(8)); n != 0 {
			t.Fatalf("re-import added %d", n)
		}
		if tg := mustTarget(t, s, ws, ref); !tg.Archived {
			t.Fatalf("after re-import %+v, want it still archived", tg)
		}
	})

	t.Run("restore brings it back to the indexes", func(t *testing.T) {
		tg, e := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventRestore, Author: "Uadmin", Time: at(9)})
		if tg.Archived || tg.Progress != 30 || tg.Rating != framework.Developing || e.Kind != framework.EventRestore {
			t.Fatalf("restored %+v, event %+v", tg, e)
		}
		due, _ := s.Due(ctx, ws, "", "2099-12-31")
		wantRefSet(t, "Due after restore", due, eqsRefs...)
		checkIndexes(t, s, ws)
		es, _ := s.Events(ctx, ws, ref, 2)
		if len(es) != 2 || es[0].Kind != framework.EventRestore || es[1].Kind != framework.EventArchive {
			t.Fatalf("Events = %+v, want restore then archive", es)
		}
	})

	t.Run("a done target archived and restored stays out of the due index", func(t *testing.T) {
		mustAppend(t, s, ws, framework.Update{Target: "eqs/2.1", Author: "U1", Time: at(11), Progress: 100, Status: framework.Done})
		mustChange(t, s, ws, "eqs/2.1", framework.Change{Kind: framework.EventArchive, Time: at(12)})
		mustChange(t, s, ws, "eqs/2.1", framework.Change{Kind: framework.EventRestore, Time: at(13)})
		due, _ := s.Due(ctx, ws, "", "2099-12-31")
		wantRefSet(t, "Due", due, "eqs/1.1", "eqs/1.2", "eqs/1.10")
		checkIndexes(t, s, ws)
	})
}
