package reminders

import (
	"context"
	"fmt"
	"time"
)

// Each schedule keeps the fire time of its last run in its workspace's
// state, written as soon as a run wins the period's claim. Claims keep
// a period to one run among the processes that share a store; the last
// run keeps it to one across stores, since it is part of the workspace
// and moves with it through dump, restore, migrate and workspace rename
// (Snapshot.AdapterState), where claims do not. A period whose fire
// time is at or before its schedule's last run has run. It is also
// what run-schedules --at checks reminder runs against (CheckPast).

// lastRunPrefix namespaces the last runs in the workspace's state.
const lastRunPrefix = "reminders:last:"

// lastRunKey is where sc's last run is kept: "reminders:last:remind",
// or "reminders:last:digest:<channel>".
func lastRunKey(sc *schedule) string {
	if sc.sub != nil {
		return lastRunPrefix + "digest:" + sc.sub.Channel
	}
	return lastRunPrefix + "remind"
}

// lastRun reads the fire time of j's schedule's last run; the zero time
// when it has none, or keeps one this release cannot read (a dump may
// be edited).
func (s *Scheduler) lastRun(ctx context.Context, j *job) (time.Time, error) {
	v, err := s.opts.Store.AdapterState(ctx, j.sc.ws.ID, lastRunKey(j.sc))
	if err != nil {
		return time.Time{}, fmt.Errorf("reminders: read the last run of %s %s: %w", j.sc.ws.ID, lastRunKey(j.sc), err)
	}
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		s.log.Warn("ignoring an unreadable last run", "workspace", j.sc.ws.ID, "key", lastRunKey(j.sc), "value", v)
		return time.Time{}, nil
	}
	return t, nil
}

// noteRun records j's fire time as its schedule's last run. The claim
// is won already, so a failure is logged and the run goes on: the
// period then runs once in this store, and could run again only if the
// workspace moved before the period ended.
func (s *Scheduler) noteRun(ctx context.Context, j *job) {
	err := s.opts.Store.PutAdapterState(ctx, j.sc.ws.ID, lastRunKey(j.sc), j.fire.UTC().Format(time.RFC3339Nano))
	if err != nil {
		s.log.Warn("recording a schedule's last run failed", "workspace", j.sc.ws.ID, "key", j.key, "err", err)
	}
}
