package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.RecordRestorer = (*Store)(nil)

// RestoreRecords restores the workspace ws from a stream of records, as
// Restore does a snapshot, holding the targets and a pipeline's worth
// of records rather than the workspace. It reads recs twice: first to
// check every record (store.CheckRecords, with this store's own limits),
// writing nothing; then to stage each record as it comes. The staging is
// committed in one script, as Restore's is, only if the second read gave
// the same records as the first (their tallies agree).
func (s *Store) RestoreRecords(ctx context.Context, ws string, recs store.RecordStream, opts store.RestoreOptions) error {
	first, err := store.CheckRecords(ws, recs, checkRecord)
	if err != nil {
		return err
	}
	k := s.keys(ws)
	op := "restore " + ws
	token, st, err := s.stage(ctx, k, ws, first.Len(), opts)
	if err != nil {
		return err
	}
	rs := &recordStager{stager: st, latest: map[string]string{}, last: map[string]string{}, ups: map[string][]any{}}
	tally := store.NewTallier()
	err = recs(func(r store.Record) error {
		if err := tally.Add(&r); err != nil {
			return err
		}
		return rs.add(&r)
	})
	if err == nil {
		err = rs.finish()
	}
	if second := tally.Tally(); err == nil && !second.Same(&first) {
		err = errors.New("the records changed between their check and their write")
	}
	if err != nil {
		s.drop(ctx, k, token)
		return s.fail(op+": stage the records (the workspace is unchanged)", err)
	}
	c := first.Counts
	counts := [6]int{c[store.RecordTarget], c[store.RecordUpdate], c[store.RecordEvent], c[store.RecordSubscription], c[store.RecordWorkspaceEvent], c[store.RecordEntry]}
	if err := s.commit(ctx, k, ws, token, opts.Replace, counts); err != nil {
		return err
	}
	if opts.Progress != nil {
		opts.Progress(st.total, st.total)
	}
	return nil
}

// checkRecord refuses a record a packed string cannot hold, as
// checkRecords does a snapshot's.
func checkRecord(r *store.Record) error {
	switch r.Type {
	case store.RecordUpdate:
		u := &r.Update
		switch {
		case !recTimeOK(u.Time):
			return errRecTime(u.Time)
		case u.Withdrawn && !u.WithdrawnAt.IsZero() && !recTimeOK(u.WithdrawnAt):
			return errRecTime(u.WithdrawnAt)
		}
		return storeText(u.Author)
	case store.RecordTarget:
		t := &r.Target
		return storeText(t.Objective, t.Title, t.Owner, t.SnoozeReason)
	}
	return nil
}

// recordStager stages records one at a time, in the layout stager
// writes a snapshot in: each history is pushed onto its list at its
// head, oldest first, so it ends newest first, and each list or set
// that names records is written before them. The stream gives the
// updates of all targets in time order, not a target's at once, so a
// history cannot be split as it comes: repack gives the staged
// histories their inline parts at the end (finish), as a snapshot's
// restore writes them.
type recordStager struct {
	*stager
	latest map[string]string // each target's latest update time so far; its keys are the targets with a history (repack)
	last   map[string]string // each author's last update, as target and id
	// ups are updates not yet queued, by target, oldest first: pushed
	// many to a command, historyBatch at a time.
	ups  map[string][]any
	nups int
}

func (rs *recordStager) add(r *store.Record) error {
	ctx, p, k := rs.ctx, rs.p, rs.k
	if r.Type != store.RecordUpdate {
		if err := rs.pushUpdates(); err != nil {
			return err
		}
	}
	switch r.Type {
	case store.RecordWorkspace:
		return rs.settings(&r.Workspace)
	case store.RecordTarget:
		rs.target(&r.Target)
	case store.RecordUpdate:
		u := &r.Update
		rs.ups[u.Target] = append(rs.ups[u.Target], encodeUpdate(u, rs.latest[u.Target]))
		rs.latest[u.Target] = max(rs.latest[u.Target], fmtNanos(u.Time))
		rs.last[u.Author] = u.Target + recSep + u.ID
		if rs.nups++; rs.nups >= historyBatch {
			return rs.pushUpdates()
		}
		return nil
	case store.RecordEvent:
		e := &r.Event
		p.LPush(ctx, k.targetEvents(e.Target), e.ID)
		if e.Kind == framework.EventEvidence {
			// Evidence lists are oldest first, as evidenceScript keeps them.
			p.RPush(ctx, k.targetEvidence(e.Target), e.ID)
			p.SAdd(ctx, k.targetURLs(e.Target), e.URL)
			p.ZAdd(ctx, k.evidence(), redis.Z{Score: float64(e.Time.UnixMilli()), Member: e.ID})
		}
		p.HSet(ctx, k.event(e.ID), eventFields(e)...)
	case store.RecordSubscription:
		rs.subscription(r.Subscription)
	case store.RecordAdapterState:
		p.HSet(ctx, k.adapter(), r.State.Key, r.State.Value)
	case store.RecordEntry:
		rs.entry(r.Entry)
	case store.RecordWorkspaceEvent:
		p.LPush(ctx, k.wsEvents(), r.Event.ID)
		p.HSet(ctx, k.event(r.Event.ID), eventFields(&r.Event)...)
	default:
		// A record type added to store without a place here: refused,
		// not dropped.
		return fmt.Errorf("this store cannot restore a %s record", r.Type)
	}
	return rs.done(1)
}

// pushUpdates queues the updates held, one push per target: pushed at
// the head oldest first, each history ends newest first.
func (rs *recordStager) pushUpdates() error {
	if rs.nups == 0 {
		return nil
	}
	for ref, recs := range rs.ups {
		rs.p.LPush(rs.ctx, rs.k.history(ref), recs...)
	}
	clear(rs.ups)
	n := rs.nups
	rs.nups = 0
	return rs.done(n)
}

// finish writes the authors' last-update pointers, sends the rest, and
// repacks the histories.
func (rs *recordStager) finish() error {
	if err := rs.pushUpdates(); err != nil {
		return err
	}
	for user, ptr := range rs.last {
		rs.p.HSet(rs.ctx, rs.k.last(), user, ptr)
	}
	if err := rs.flush(); err != nil {
		return err
	}
	return rs.repack()
}
