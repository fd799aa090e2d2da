package redisstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// abandonedAfter is how old a restore's staging must be before another
// restore of the workspace removes it as abandoned: far longer than any
// restore takes, so one under way is never removed beneath itself.
const abandonedAfter = time.Hour

// Restore stages the snapshot, then commits it in one script.
//
// The records are written, in pipelines of readBatch commands, to
// staging keys: the workspace's own layout under
// "<prefix>:{ws}:restore:<token>:", in the workspace's slot, which no
// reader looks at. Then commitScript, one atomic step, checks that the
// workspace is still empty (unless Replace) and that the staging holds
// every record written, removes the old records (Replace), renames the
// staged keys into place and rebuilds the due and stale indexes. Other
// clients see the workspace before or after, never between.
//
// If anything fails before the commit, the workspace is unchanged, and
// Restore removes the staging; a restore killed before its commit
// leaves its staging, listed in "<prefix>:{ws}:restores", for the next
// restore of the workspace to remove once it is an hour old. If the
// connection fails during the commit, the error is ErrOutcomeUnknown:
// the commit ran whole or not at all, and an export tells which. The
// script checks all it can before its first write; Redis does not roll
// a script back, so only a failure of Redis itself within it (running
// out of memory) could leave it half done. It blocks Redis while it
// runs: well under a second for 100,000 updates (docs/PERFORMANCE.md).
func (s *Store) Restore(ctx context.Context, snap *store.Snapshot, opts store.RestoreOptions) error {
	if err := checkRecords(snap); err != nil {
		return err
	}
	ws := snap.Workspace.ID
	k := s.keys(ws)
	op := "restore " + ws
	token, st, err := s.stage(ctx, k, ws, snap.Len(), opts)
	if err != nil {
		return err
	}
	if err := st.write(snap); err != nil {
		s.drop(ctx, k, token)
		return s.fail(op+": stage the records (the workspace is unchanged)", err)
	}
	counts := [6]int{len(snap.Targets), len(snap.Updates), len(snap.Events), len(snap.Subscriptions), len(snap.WorkspaceEvents), len(snap.Entries)}
	if err := s.commit(ctx, k, ws, token, opts.Replace, counts); err != nil {
		return err
	}
	if opts.Progress != nil {
		opts.Progress(st.total, st.total)
	}
	return nil
}

// stage begins a restore of total records into the workspace: it
// refuses one that holds records (unless opts.Replace; the commit
// checks again), removes abandoned restores, and returns the restore's
// token and a stager for its staging keys.
func (s *Store) stage(ctx context.Context, k keys, ws string, total int, opts store.RestoreOptions) (string, *stager, error) {
	op := "restore " + ws
	if !opts.Replace {
		n, err := s.c.Exists(ctx, k.holding()...).Result()
		if err != nil {
			return "", nil, s.fail(op, err)
		}
		if n > 0 {
			return "", nil, store.WorkspaceExists(ws)
		}
	}
	if err := s.dropAbandoned(ctx, k); err != nil {
		return "", nil, s.fail(op+": remove abandoned restores", err)
	}
	token := s.ids.next(time.Now())
	st := &stager{ctx: ctx, p: s.c.Pipeline(), k: k.stage(token), total: total, progress: opts.Progress}
	st.p.SAdd(ctx, k.restores(), token)
	return token, st, nil
}

// commit moves a restore's staging into place (commitScript), given
// the counts staged: targets, updates, events, subscriptions, workspace
// events and entries. It removes the staging when the commit fails.
func (s *Store) commit(ctx context.Context, k keys, ws, token string, replace bool, counts [6]int) error {
	op := "restore " + ws
	keys := []string{k.settings(), k.frameworks(), k.targets(), k.subs(), k.due(), k.stale(), k.restores()}
	args := []any{string(k), string(k.stage(token)), token, fmtBool(replace)}
	for _, n := range counts {
		args = append(args, n)
	}
	_, err := s.runWith(ctx, commitScript, keys, args, func(p redis.Pipeliner) {
		p.SAdd(ctx, s.workspaces(), ws)
		s.queueMark(ctx, p, ws)
	})
	if err == nil {
		s.remark(ctx, ws)
	}
	if err != nil {
		s.drop(ctx, k, token)
		switch {
		case redis.HasErrorPrefix(err, "TBEXISTS"):
			return store.WorkspaceExists(ws)
		case redis.HasErrorPrefix(err, "TBSTAGING"):
			// Another restore of the workspace removed this one's
			// staging as abandoned, or Redis evicted part of it.
			s.unlistEmpty(ctx, k, ws)
			return framework.Unavailable("redisstore: "+op+": the workspace is unchanged; try again", err)
		}
		return s.fail(op+": commit", err)
	}
	return nil
}

// drop removes a failed restore's staging, on a context of its own: the
// caller's may be what failed (its values are kept: the upgrade's marks
// its calls, see gate). A drop that fails leaves the staging for a later
// restore to remove.
func (s *Store) drop(ctx context.Context, k keys, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := dropScript.Run(ctx, s.c, []string{k.restores()}, string(k), token).Err(); err != nil {
		s.log.Warn("redisstore: could not remove a failed restore's staged keys; the next restore of the workspace will", "token", token, "err", err)
	}
}

// unlistEmpty takes ws off the list of workspaces if it holds nothing:
// the commit's pipeline listed it, beside a script that then refused.
// Best effort: the list is in another slot, so the check and the
// removal cannot be one atomic step, and a workspace first written in
// between is listed again by its next write.
func (s *Store) unlistEmpty(ctx context.Context, k keys, ws string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if n, err := s.c.Exists(ctx, k.holding()...).Result(); err != nil || n != 0 {
		return
	}
	if err := s.c.SRem(ctx, s.workspaces(), ws).Err(); err != nil {
		return
	}
	// A first write to the workspace may have landed between the check
	// and the removal (its SADD before our SREM): look again, and list
	// it back if so. A write after this look lists the workspace itself.
	if n, err := s.c.Exists(ctx, k.holding()...).Result(); err != nil || n != 0 {
		_ = s.c.SAdd(ctx, s.workspaces(), ws).Err()
	}
}

// dropAbandoned removes the stagings of restores of the workspace that
// began more than abandonedAfter ago and never committed.
func (s *Store) dropAbandoned(ctx context.Context, k keys) error {
	tokens, err := s.c.SMembers(ctx, k.restores()).Result()
	if err != nil {
		return err
	}
	args := []any{string(k)}
	for _, t := range tokens {
		ms, err := strconv.ParseUint(t[:min(12, len(t))], 16, 64)
		if err != nil || time.Since(time.UnixMilli(int64(ms))) > abandonedAfter {
			args = append(args, t)
		}
	}
	if len(args) == 1 {
		return nil
	}
	return dropScript.Run(ctx, s.c, []string{k.restores()}, args...).Err()
}

// stager queues a snapshot's writes to staging keys, sending them in
// pipelines of about readBatch commands.
type stager struct {
	ctx      context.Context
	p        redis.Pipeliner
	k        keys // the staging keys
	written  int
	pending  int // records queued since the last send
	total    int
	progress func(written, total int)
}

// done counts n records queued, and sends the pipeline once it holds
// readBatch commands or records (a history's records go many to a
// command).
func (st *stager) done(n int) error {
	st.written += n
	st.pending += n
	if st.p.Len() < readBatch && st.pending < readBatch {
		return nil
	}
	return st.flush()
}

func (st *stager) flush() error {
	if st.p.Len() == 0 {
		return nil
	}
	if _, err := st.p.Exec(st.ctx); err != nil {
		return err
	}
	st.pending = 0
	if st.progress != nil {
		st.progress(st.written, st.total)
	}
	return nil
}

func (st *stager) write(snap *store.Snapshot) error {
	ctx, p, k := st.ctx, st.p, st.k
	if err := st.settings(&snap.Workspace); err != nil {
		return err
	}
	// Each hash, set or list that names records is written before them,
	// so that a staging cut short anywhere can be found whole, and
	// dropped, by walking it from its sets (luaKeysOf).
	for i := range snap.Targets {
		t := &snap.Targets[i]
		st.target(t)
		if err := st.done(1); err != nil {
			return err
		}
	}
	if err := st.updates(snap.Updates, snap.Targets); err != nil {
		return err
	}
	if err := st.events(snap.Events); err != nil {
		return err
	}
	for _, sub := range snap.Subscriptions {
		st.subscription(sub)
		if err := st.done(1); err != nil {
			return err
		}
	}
	for _, e := range snap.AdapterState {
		p.HSet(ctx, k.adapter(), e.Key, e.Value)
		if err := st.done(1); err != nil {
			return err
		}
	}
	for _, e := range snap.Entries {
		st.entry(e)
		if err := st.done(1); err != nil {
			return err
		}
	}
	if err := st.workspaceEvents(snap.WorkspaceEvents); err != nil {
		return err
	}
	return st.flush()
}

// target queues a target, and its entries in the staged due and stale
// indexes, by the rule reindexWith keeps them (luaReindex): so the
// commit renames the indexes into place rather than rebuilding them
// while it blocks Redis.
func (st *stager) target(t *framework.Target) {
	ctx, p, k := st.ctx, st.p, st.k
	ref := t.Ref()
	p.HSet(ctx, k.targets(), ref, encodeTarget(t))
	// Its empty inline history, as Import gives it (history.go): a
	// snapshot's restore fills it in (updates), a stream's once its
	// records are all staged (repack).
	p.HSet(ctx, k.shortHistories(), ref, "")
	if t.Status == framework.Done || t.Archived {
		return
	}
	if score := strings.ReplaceAll(string(t.Due), "-", ""); score != "" && strings.Trim(score, "0123456789") == "" {
		n, _ := strconv.ParseFloat(score, 64)
		p.ZAdd(ctx, k.due(), redis.Z{Score: n, Member: ref})
	}
	if t.Owner != "" {
		p.ZAdd(ctx, k.stale(), redis.Z{Score: float64(activity(t).UnixMilli()), Member: ref})
	}
}

func (st *stager) subscription(sub framework.Subscription) {
	st.p.SAdd(st.ctx, st.k.subs(), sub.Channel)
	st.p.HSet(st.ctx, st.k.sub(sub.Channel), subFields(sub)...)
}

func (st *stager) entry(e store.Entry) {
	st.p.SAdd(st.ctx, st.k.entryKinds(), string(e.Kind))
	st.p.HSet(st.ctx, st.k.entries(e.Kind), e.Key, e.Value)
}

// settings queues the workspace's settings.
func (st *stager) settings(set *framework.Workspace) error {
	ctx, p, k := st.ctx, st.p, st.k
	// The settings, even empty, so that the hash exists and the restored
	// workspace counts as one that has stored something; but no empty
	// cycle, which the scripts set with HSETNX at the first import or
	// grade, as they do for a workspace that never had one.
	p.HSet(ctx, k.settings(), "timezone", set.Timezone, "reminder_spec", set.ReminderSpec, "reminders_paused", string(set.RemindersPaused))
	if set.Cycle != "" {
		p.HSet(ctx, k.settings(), "cycle", set.Cycle, "cycle_started", fmtTime(set.CycleStarted))
	}
	for _, id := range set.Frameworks {
		p.SAdd(ctx, k.frameworks(), id)
	}
	for _, c := range set.PastCycles {
		p.HSet(ctx, k.cyclesStarted(), c.Name, fmtTime(c.Started))
		p.HSet(ctx, k.cyclesClosed(), c.Name, fmtTime(c.Closed))
	}
	return st.done(1)
}

// historyBatch is how many updates or events go in one pipeline with the
// list entries that name them: each batch's records are named before
// they are written, and each target's history grows in order.
const historyBatch = readBatch / 2

// updates writes each target's history, newest made first as the append
// script keeps it: its newest records inline (history.go), the rest on
// its list in pushes of at most historyBatch records. A snapshot lists each
// target's updates in the order they were made.
func (st *stager) updates(us []framework.Update, ts []framework.Target) error {
	ctx, p, k := st.ctx, st.p, st.k
	targets := make(map[string]*framework.Target, len(ts))
	for i := range ts {
		targets[ts[i].Ref()] = &ts[i]
	}
	// Each target's updates by index, so that a record is encoded only
	// as its history is sent: the snapshot is not held twice.
	last := map[string]string{}
	byRef, order := map[string][]int{}, []string{}
	for i := range us {
		u := &us[i]
		if byRef[u.Target] == nil {
			order = append(order, u.Target)
		}
		byRef[u.Target] = append(byRef[u.Target], i)
		last[u.Author] = u.Target + recSep + u.ID
	}
	for _, ref := range order {
		list := byRef[ref]
		delete(byRef, ref)
		// Each record carries the latest time of its target's history up
		// to it: a running maximum, oldest first.
		latest := ""
		recs := make([]string, len(list))
		for i, at := range list {
			recs[i] = encodeUpdate(&us[at], latest)
			latest = max(latest, fmtNanos(us[at].Time))
		}
		slices.Reverse(recs)
		inline, listed, deep := splitHistory(recs, targets[ref])
		if deep {
			p.HDel(ctx, k.shortHistories(), ref)
		} else {
			p.HSet(ctx, k.shortHistories(), ref, inline)
		}
		if err := st.done(len(recs) - len(listed)); err != nil {
			return err
		}
		recs = listed
		for len(recs) > 0 {
			batch := recs[:min(len(recs), historyBatch)]
			recs = recs[len(batch):]
			args := make([]any, len(batch))
			for i, r := range batch {
				args[i] = r
			}
			p.RPush(ctx, k.history(ref), args...)
			if err := st.done(len(batch)); err != nil {
				return err
			}
		}
	}
	for user, ptr := range last {
		p.HSet(ctx, k.last(), user, ptr)
	}
	return st.done(0)
}

// checkRecords refuses a snapshot whose records a packed string cannot
// hold: an update time outside 1970 to 2262, or a text with the
// records' separator in it (storeText).
func checkRecords(snap *store.Snapshot) error {
	for i := range snap.Updates {
		u := &snap.Updates[i]
		switch {
		case !recTimeOK(u.Time):
			return errRecTime(u.Time)
		case u.Withdrawn && !u.WithdrawnAt.IsZero() && !recTimeOK(u.WithdrawnAt):
			return errRecTime(u.WithdrawnAt)
		}
		if err := storeText(u.Author); err != nil {
			return err
		}
	}
	for i := range snap.Targets {
		t := &snap.Targets[i]
		if err := storeText(t.Objective, t.Title, t.Owner, t.SnoozeReason); err != nil {
			return err
		}
	}
	return nil
}

func (st *stager) events(es []framework.Event) error {
	ctx, p, k := st.ctx, st.p, st.k
	for len(es) > 0 {
		batch := es[:min(len(es), historyBatch)]
		es = es[len(batch):]
		lists, evidence, order := map[string][]any{}, map[string][]any{}, []string{}
		var scored []redis.Z
		for i := range batch {
			e := &batch[i]
			if lists[e.Target] == nil {
				order = append(order, e.Target)
			}
			lists[e.Target] = append(lists[e.Target], e.ID)
			if e.Kind == framework.EventEvidence {
				evidence[e.Target] = append(evidence[e.Target], e.ID)
				p.SAdd(ctx, k.targetURLs(e.Target), e.URL)
				scored = append(scored, redis.Z{Score: float64(e.Time.UnixMilli()), Member: e.ID})
			}
		}
		for _, ref := range order {
			p.LPush(ctx, k.targetEvents(ref), lists[ref]...)
			// Evidence lists are oldest first, as evidenceScript keeps them.
			if len(evidence[ref]) > 0 {
				p.RPush(ctx, k.targetEvidence(ref), evidence[ref]...)
			}
		}
		if len(scored) > 0 {
			p.ZAdd(ctx, k.evidence(), scored...)
		}
		for i := range batch {
			p.HSet(ctx, k.event(batch[i].ID), eventFields(&batch[i])...)
		}
		if err := st.done(len(batch)); err != nil {
			return err
		}
	}
	return st.done(0)
}

// workspaceEvents writes the workspace's own events, their ids pushed
// so that the list is newest first, as entriesScript keeps it, each
// batch named before its records are written.
func (st *stager) workspaceEvents(es []framework.Event) error {
	ctx, p, k := st.ctx, st.p, st.k
	for len(es) > 0 {
		batch := es[:min(len(es), historyBatch)]
		es = es[len(batch):]
		ids := make([]any, len(batch))
		for i := range batch {
			ids[i] = batch[i].ID
		}
		p.LPush(ctx, k.wsEvents(), ids...)
		for i := range batch {
			p.HSet(ctx, k.event(batch[i].ID), eventFields(&batch[i])...)
		}
		if err := st.done(len(batch)); err != nil {
			return err
		}
	}
	return st.done(0)
}

// Drop removes every key of the workspace's layout in one script
// (dropWorkspaceScript, which walks it as a replacing restore does),
// pipelined with taking the workspace off the list of workspaces, which
// is in another slot. Claims, and restores under way, are not part of
// the layout, and stay.
func (s *Store) Drop(ctx context.Context, ws string) error {
	k := s.keys(ws)
	_, err := s.runWith(ctx, dropWorkspaceScript, []string{k.settings()}, []any{string(k)}, func(p redis.Pipeliner) {
		p.SRem(ctx, s.workspaces(), ws)
		p.ZRem(ctx, s.nextFires(), ws)
	})
	return s.fail("drop "+ws, err)
}
