package reminders

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// faultyStore is a inner store with an outage switch, to show the
// scheduler rides out store failures. Only the reads the scheduler starts
// with are switched; every other call goes to the inner store.
type faultyStore struct {
	store.Store
	down    atomic.Bool
	targets atomic.Bool // fail Targets only
	reads   atomic.Int32
}

func (f *faultyStore) Workspaces(ctx context.Context) ([]framework.Workspace, error) {
	f.reads.Add(1)
	if f.down.Load() {
		return nil, framework.Unavailable("faulty: workspaces", context.DeadlineExceeded)
	}
	return f.Store.Workspaces(ctx)
}

// DueSchedules is the read a scheduler tick starts with.
func (f *faultyStore) DueSchedules(ctx context.Context, at time.Time, offset, limit int) ([]store.DueSchedule, error) {
	f.reads.Add(1)
	if f.down.Load() {
		return nil, framework.Unavailable("faulty: due schedules", context.DeadlineExceeded)
	}
	return f.Store.DueSchedules(ctx, at, offset, limit)
}

func (f *faultyStore) Targets(ctx context.Context, ws string) ([]framework.Target, error) {
	if f.down.Load() || f.targets.Load() {
		return nil, framework.Unavailable("faulty: targets", context.DeadlineExceeded)
	}
	return f.Store.Targets(ctx, ws)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStoreFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 0)
		c := newClock(mon)
		inner := open(t, c)
		st := &faultyStore{Store: inner}
		seedWorkspace(t, inner, ws, mon.AddDate(0, 0, -1))
		subscribe(t, inner, ws, "C1", "0 9 * * MON", mon.AddDate(0, 0, -1))
		rec := &recorder{}
		s := newScheduler(st, rec, c)

		st.down.Store(true)
		res, err := s.RunDue(background(), mon)
		if err == nil || framework.ErrorCode(err) != framework.EUNAVAILABLE || res.Errors != 1 || len(rec.all()) != 0 {
			t.Fatalf("RunDue with the store down = %+v, %v", res, err)
		}
		// Schedules read and the period claimed; then the digest's reads
		// fail: the period is left unfinished, and the next tick
		// completes it.
		st.down.Store(false)
		st.targets.Store(true)
		res, err = s.RunDue(background(), mon.Add(time.Minute))
		if err == nil || res.Claimed != 0 || len(rec.all()) != 0 {
			t.Fatalf("RunDue with Targets failing = %+v, %v", res, err)
		}
		st.targets.Store(false)
		// The schedule reads fail again: nothing is posted.
		st.down.Store(true)
		c.add(time.Minute)
		res, _ = s.RunDue(background(), mon.Add(2*time.Minute))
		if res.Digests != 0 {
			t.Fatalf("digest posted while its reads fail: %+v", res)
		}
		st.down.Store(false)
		res, err = s.RunDue(background(), mon.Add(3*time.Minute))
		if err != nil || res.Digests != 1 {
			t.Fatalf("RunDue after recovery = %+v, %v; want the digest", res, err)
		}
	})
}

// TestRunPollsAndSurvives drives Run on inner tickers with a fake clock:
// it keeps going through a store outage, posts once the store is back,
// and picks up a subscription made while it runs at its next tick: the
// subscription marks its workspace due in the next-fire index.
func TestRunPollsAndSurvives(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 0)
		c := newClock(mon.Add(30 * time.Second))
		inner := open(t, c)
		st := &faultyStore{Store: inner}
		seedWorkspace(t, inner, ws, mon.AddDate(0, 0, -1))
		subscribe(t, inner, ws, "C1", "0 9 * * MON", mon.AddDate(0, 0, -1))
		rec := &recorder{}
		s := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": rec}, Now: c.now, Logger: quietLogger(),
			Tick: 2 * time.Millisecond})

		st.down.Store(true)
		ctx, cancel := context.WithCancel(background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		waitFor(t, "Run to retry through the outage", func() bool { return st.reads.Load() >= 3 })
		st.down.Store(false)
		waitFor(t, "the digest after the outage", func() bool { return len(rec.digests()) == 1 })

		// A new subscription runs at the next tick, with no poll to wait for.
		subscribe(t, inner, ws, "C2", "0 9 * * MON", mon.Add(-time.Hour))
		waitFor(t, "the new subscription's digest", func() bool { return len(rec.digests()) == 2 })
		time.Sleep(20 * time.Millisecond)
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
		if d := rec.digests(); len(d) != 2 || d[1].Channel != "C2" {
			t.Errorf("digests = %+v", d)
		}
	})
}
