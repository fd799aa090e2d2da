package reminders

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// dueLimit is how many workspaces one read of the next-fire index
// returns. RunDue reads again while a read comes back full, so at
// 09:00 on a Monday every due workspace still runs in one tick.
const dueLimit = 256

// dueWorkspace is one workspace the next-fire index said is due, with
// its schedules as read for this tick.
type dueWorkspace struct {
	entry  store.DueSchedule
	scheds []schedule
	// held keeps the workspace's entry as it is, so the next tick looks
	// again: a read failed, a job failed before its post, or this
	// replica has no Poster for its platform.
	held bool
}

// dueBatch reads the next due workspaces (offset of them skipped, being
// still due after an earlier batch of this run) and their schedules,
// and says whether there may be more. A replay reads every workspace,
// in one batch.
func (s *Scheduler) dueBatch(ctx context.Context, at time.Time, offset int, replay bool) ([]*dueWorkspace, bool, error) {
	if replay {
		batch, err := s.everyWorkspace(ctx)
		return batch, false, err
	}
	entries, err := s.opts.Store.DueSchedules(ctx, at, offset, dueLimit)
	if err != nil {
		return nil, false, fmt.Errorf("reminders: read the due schedules: %w", err)
	}
	batch := make([]*dueWorkspace, len(entries))
	for i, e := range entries {
		batch[i] = &dueWorkspace{entry: e}
	}
	s.loadAll(ctx, batch)
	return batch, len(entries) == dueLimit, nil
}

// loadAll reads each due workspace's settings and subscriptions,
// prepareWorkers at a time. A workspace whose reads fail is held, and
// its failure logged: the next tick tries again.
func (s *Scheduler) loadAll(ctx context.Context, batch []*dueWorkspace) {
	next := make(chan *dueWorkspace)
	var wg sync.WaitGroup
	for range min(prepareWorkers, len(batch)) {
		wg.Go(func() {
			for w := range next {
				if err := s.load(ctx, w); err != nil {
					w.held = true
					s.log.Warn("reading a workspace's schedules failed, will retry", "workspace", w.entry.Workspace, "err", err)
				}
			}
		})
	}
	for _, w := range batch {
		next <- w
	}
	close(next)
	wg.Wait()
}

// load reads one workspace's schedules.
func (s *Scheduler) load(ctx context.Context, w *dueWorkspace) error {
	ws, err := s.opts.Store.Workspace(ctx, w.entry.Workspace)
	if err != nil {
		return fmt.Errorf("reminders: read workspace %s: %w", w.entry.Workspace, err)
	}
	subs, err := s.opts.Store.Subscriptions(ctx, ws.ID)
	if err != nil {
		return fmt.Errorf("reminders: read the subscriptions of %s: %w", ws.ID, err)
	}
	w.scheds = s.schedulesOf(ws, subs)
	return nil
}

// everyWorkspace reads every workspace and subscription, for a replay.
func (s *Scheduler) everyWorkspace(ctx context.Context) ([]*dueWorkspace, error) {
	wss, err := s.opts.Store.Workspaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminders: read workspaces: %w", err)
	}
	subs, err := s.opts.Store.AllSubscriptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminders: read subscriptions: %w", err)
	}
	bySub := map[string][]framework.Subscription{}
	for _, sub := range subs {
		bySub[sub.Workspace] = append(bySub[sub.Workspace], sub)
	}
	batch := make([]*dueWorkspace, 0, len(wss))
	for _, w := range wss {
		batch = append(batch, &dueWorkspace{entry: store.DueSchedule{Workspace: w.ID}, scheds: s.schedulesOf(w, bySub[w.ID])})
	}
	return batch, nil
}

// schedulesOf is a workspace's schedules: its digest subscriptions,
// then its reminders. A bad spec is logged and left out.
func (s *Scheduler) schedulesOf(w framework.Workspace, subs []framework.Subscription) []schedule {
	loc := w.Location(s.opts.Location)
	var scheds []schedule
	for i := range subs {
		sub := subs[i]
		spec := sub.Spec
		if spec == "" {
			spec = framework.DefaultDigestSpec
		}
		cs, err := parseSpec(spec, loc)
		if err != nil {
			s.log.Warn("skipping digest with a bad schedule", "workspace", w.ID, "channel", sub.Channel, "spec", spec, "err", err)
			continue
		}
		scheds = append(scheds, schedule{id: w.ID + "\x00digest\x00" + sub.Channel, ws: w, loc: loc, spec: cs, sub: &sub})
	}
	if len(w.Frameworks) == 0 {
		return scheds // nothing to be overdue
	}
	spec := w.ReminderSpec
	switch spec {
	case framework.RemindersOff:
		return scheds
	case "":
		spec = framework.DefaultReminderSpec
	}
	cs, err := parseSpec(spec, loc)
	if err != nil {
		s.log.Warn("skipping reminders with a bad schedule", "workspace", w.ID, "spec", spec, "err", err)
		return scheds
	}
	return append(scheds, schedule{id: w.ID + "\x00remind", ws: w, loc: loc, spec: cs})
}

// advance stores, for each workspace of batch not held, the earliest
// next fire time of its schedules after this run, or none when it has
// no schedule, and returns how many of batch are still due at at (held,
// changed since they were read, or next due at or before at), which the
// next read of this run skips. The fire times count from at, or from
// now when at is ahead of the clock (run-schedules --allow-future), so
// the periods between now and at are still looked at when they come.
func (s *Scheduler) advance(ctx context.Context, batch []*dueWorkspace, at time.Time, res *Result) int {
	from := at
	if now := s.opts.Now(); now.Before(at) {
		from = now
	}
	still := 0
	for _, w := range batch {
		if w.held {
			still++
			continue
		}
		var next time.Time
		for i := range w.scheds {
			n := w.scheds[i].spec.Next(from)
			if !n.IsZero() && (next.IsZero() || n.Before(next)) {
				next = n
			}
		}
		stored, err := s.opts.Store.SetNextFire(ctx, w.entry, next)
		if err != nil {
			// The workspace stays due, and is read again next tick.
			res.Errors++
			s.log.Warn("storing a workspace's next fire time failed", "workspace", w.entry.Workspace, "err", err)
		}
		if err != nil || !stored || (!next.IsZero() && !next.After(at)) {
			still++
		}
	}
	return still
}
