package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testConcurrentWriters(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.1"
	const writers, each = 20, 10
	mustImport(t, s, ws, eqs(), base)

	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				n := w*each + i
				_, _, err := s.AppendUpdate(ctx, ws, framework.Update{
					// Progress repeats (n and n+101), so each carries a
					// note: an update that changes nothing is refused.
					Target: ref, Author: "U" + string(rune('A'+w)), Time: at(n), Progress: n % 101, Status: framework.OnTrack, Note: fmt.Sprint("writer ", w),
				}, store.Once{})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent AppendUpdate: %v", err)
	}

	us, err := s.Updates(ctx, ws, ref, 1000)
	if err != nil {
		t.Fatalf("Updates: %v", err)
	}
	if len(us) != writers*each {
		t.Fatalf("Updates has %d updates, want %d: some appends were lost", len(us), writers*each)
	}
	seen := map[string]bool{}
	for _, u := range us {
		if seen[u.ID] {
			t.Fatalf("update ID %s was assigned twice", u.ID)
		}
		seen[u.ID] = true
	}
	tg := mustTarget(t, s, ws, ref)
	if tg.Progress != us[0].Progress || tg.LastUpdate != us[0].ID {
		t.Fatalf("target = progress %d, LastUpdate %s; want the newest update's %d, %s", tg.Progress, tg.LastUpdate, us[0].Progress, us[0].ID)
	}
	// Each append must have seen the one before it: a lost race would
	// record a stale previous value.
	for i := 0; i+1 < len(us); i++ {
		if us[i].PrevProgress != us[i+1].Progress {
			t.Fatalf("update %s has PrevProgress %d, but the update before it (%s) set %d", us[i].ID, us[i].PrevProgress, us[i+1].ID, us[i+1].Progress)
		}
	}
	if last := us[len(us)-1]; last.PrevProgress != 0 || last.PrevStatus != framework.NotStarted {
		t.Fatalf("the oldest update has prev %d %q, want 0 not-started", last.PrevProgress, last.PrevStatus)
	}
	since, _, err := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0)
	if err != nil || len(since) != writers*each {
		t.Fatalf("UpdatesSince has %d updates (%v), want %d", len(since), err, writers*each)
	}
}

// testConcurrentMixed runs appends, withdraws, due-date patches and
// reminders against a few targets at once, then checks that the due and
// stale indexes agree exactly with the targets they index: a write that
// raced another would leave an index entry behind or lose one.
func testConcurrentMixed(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	dates := []framework.Date{"2026-03-10", "2026-04-01", "2026-05-20", ""}
	statuses := []framework.Status{framework.OnTrack, framework.Done, framework.AtRisk, framework.Done, ""}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 15 {
				ref := eqsRefs[(w+i)%len(eqsRefs)]
				var err error
				switch (w + i) % 3 {
				case 0:
					d := dates[(w*7+i)%len(dates)]
					owner := []string{"U1", "", "U2"}[(w+i)%3]
					// Setting what another writer just set is refused as no change.
					_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventDue, Due: d, Author: "U1", Time: at(w*100 + i)})
					if errors.Is(err, framework.ErrNoChange) {
						err = nil
					}
					if err == nil {
						_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventAssign, Owner: owner, Author: "U1", Time: at(w*100 + i)})
					}
					if errors.Is(err, framework.ErrNoChange) {
						err = nil
					}
				case 1:
					var u framework.Update
					st, p := statuses[(w+i)%len(statuses)], framework.Unchanged
					if st == framework.Done {
						p = 100 // a done target is at 100%
					}
					u, _, err = s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(w*100 + i), Progress: p, Status: st}, store.Once{})
					if errors.Is(err, framework.ErrNoChange) {
						continue // the target already had that status
					}
					if err == nil && i%2 == 0 {
						// Losing to another writer is ErrNotLatest, which is fine here.
						if _, _, werr := s.Withdraw(ctx, ws, u.ID, at(w*100+i)); !errors.Is(werr, framework.ErrNotLatest) {
							err = werr
						}
					}
				case 2:
					err = s.NoteReminded(ctx, ws, []string{ref})
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent write: %v", err)
	}
	checkIndexes(t, s, ws)
}

// checkIndexes compares Due and Stale with what the targets themselves say.
func checkIndexes(t *testing.T, s store.Store, ws string) {
	t.Helper()
	ctx := context.Background()
	ts, err := s.Targets(ctx, ws)
	if err != nil {
		t.Fatalf("Targets: %v", err)
	}
	var wantDue, wantStale []string
	for _, tg := range ts {
		if tg.Open() && tg.Live() && !tg.Due.IsZero() {
			wantDue = append(wantDue, tg.Ref())
		}
		if tg.Open() && tg.Live() && tg.Owner != "" {
			wantStale = append(wantStale, tg.Ref())
		}
	}
	due, err := s.Due(ctx, ws, "", "9999-12-31")
	if err != nil {
		t.Fatalf("Due: %v", err)
	}
	wantRefSet(t, "Due against the targets' own due dates and statuses", due, wantDue...)
	for i := 1; i < len(due); i++ {
		if due[i].Due < due[i-1].Due {
			t.Fatalf("Due out of order: %s (%s) after %s (%s)", due[i].Ref(), due[i].Due, due[i-1].Ref(), due[i-1].Due)
		}
	}
	stale, err := s.Stale(ctx, ws, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("Stale: %v", err)
	}
	wantRefSet(t, "Stale against the targets' own statuses", stale, wantStale...)
}
