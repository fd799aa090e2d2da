package reminders

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// countingStore counts the reads a digest is built from.
type countingStore struct {
	store.Store
	targets atomic.Int32
}

func (c *countingStore) Targets(ctx context.Context, ws string) ([]framework.Target, error) {
	c.targets.Add(1)
	return c.Store.Targets(ctx, ws)
}

// Issue 28: a digest is built only after its claim is won. A period
// another process has claimed costs this one no digest reads; a period
// whose last run moved with its workspace costs none either.
func TestDigestIsBuiltOnlyAfterItsClaimIsWon(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 0)
		c := newClock(mon)
		inner := open(t, c)
		st := &countingStore{Store: inner}
		seedWorkspace(t, inner, ws, mon.AddDate(0, 0, -1))
		subscribe(t, inner, ws, "C1", "0 9 * * MON", mon.AddDate(0, 0, -1))
		if won, err := inner.Claim(background(), ws, "digest:C1:2026-06-15T09:00", 25*time.Hour); err != nil || !won {
			t.Fatalf("another process's claim: %v, %v", won, err)
		}
		rec := &recorder{}
		res, err := newScheduler(st, rec, c).RunDue(background(), mon)
		if err != nil || res.Lost != 1 || res.Digests != 0 {
			t.Fatalf("RunDue with the period claimed = %+v, %v; want it lost", res, err)
		}
		if n := st.targets.Load(); n != 0 {
			t.Errorf("a digest whose claim was lost read the targets %d times, want 0", n)
		}
		// The next week's is built, once, by the run that claims it.
		res, err = newScheduler(st, rec, c).RunDue(background(), mon.AddDate(0, 0, 7))
		if err != nil || res.Digests != 1 || st.targets.Load() != 1 {
			t.Fatalf("next week's run = %+v, %v, %d reads of the targets; want 1 digest built once", res, err, st.targets.Load())
		}
	})
}
