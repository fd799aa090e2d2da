package reminders

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrReplay is CheckPast's refusal: at is before a schedule's last run.
var ErrReplay = errors.New("a time before a schedule's last run")

// CheckPast refuses, with an error wrapping ErrReplay that names the
// schedule, a run at an instant before a schedule's last run: before a
// channel's last digest, it would post an old period again once its
// claim has expired, or post periods out of order, and move the
// channel's last digest back; before a workspace's last reminder run,
// it would remind owners of an old period. RunDue itself posts no
// period at or before a schedule's last run, and Replay does not call
// it, since a replay may be meant (run-schedules --replay).
//
// It reads every subscription and every workspace's last reminder run:
// its cost grows with the workspaces, so run-schedules calls it only
// for an --at the operator gave.
func (s *Scheduler) CheckPast(ctx context.Context, at time.Time) error {
	subs, err := s.opts.Store.AllSubscriptions(ctx)
	if err != nil {
		return fmt.Errorf("reminders: read subscriptions: %w", err)
	}
	for _, sub := range subs {
		if sub.LastDigest.After(at) {
			return fmt.Errorf("%w: the digest of %s in %s last ran at %s", ErrReplay, sub.Channel, sub.Workspace, sub.LastDigest.UTC().Format(time.RFC3339))
		}
	}
	batch, err := s.everyWorkspace(ctx)
	if err != nil {
		return err
	}
	var jobs []*job
	for _, w := range batch {
		for i := range w.scheds {
			if w.scheds[i].sub == nil {
				jobs = append(jobs, &job{sc: &w.scheds[i]})
			}
		}
	}
	// One read per workspace, prepareWorkers at a time.
	next := make(chan *job)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(prepareWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				last, err := s.lastRun(ctx, j)
				if err == nil && last.After(at) {
					err = fmt.Errorf("%w: the reminders of %s last ran at %s", ErrReplay, j.sc.ws.ID, last.UTC().Format(time.RFC3339))
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if errors.Is(err, ErrReplay) {
			return err
		}
	}
	return errors.Join(errs...)
}

// Replay runs every schedule of every workspace as of at, as RunDue
// would with no schedule run yet: what run-schedules --replay asks. It
// reads every workspace, not the next-fire index, and ignores last
// runs, so it may post an old period again once that period's claim
// has expired; a last run it passes moves forward, never back. Claims
// still keep each period to one run among the processes that share the
// store.
func (s *Scheduler) Replay(ctx context.Context, at time.Time) (Result, error) {
	return s.runDue(ctx, ctx, at, true)
}
