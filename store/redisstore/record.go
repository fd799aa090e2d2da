package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// WorkspaceTarget reads the workspace's settings and one target in one
// pipeline.
func (s *Store) WorkspaceTarget(ctx context.Context, ws, ref string) (framework.Workspace, framework.Target, error) {
	var r wsRead
	var t *redis.StringCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		r = s.queueWorkspace(ctx, p, ws)
		if refKey(ref) {
			t = p.HGet(ctx, s.keys(ws).targets(), ref)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return framework.Workspace{ID: ws}, framework.Target{}, s.fail("workspace and target "+ref, err)
	}
	w := r.result()
	if t == nil || errors.Is(t.Err(), redis.Nil) {
		return w, framework.Target{}, notFoundTarget(ref)
	}
	tg, err := decodeTarget(ref, t.Val())
	if err != nil {
		return w, framework.Target{}, s.fail("workspace and target "+ref, err)
	}
	return w, tg, nil
}

// changeFields are the target fields a change sets, and whether its
// event records the first field's old and new values.
func changeFields(ch *framework.Change) (fields []any, fromTo bool) {
	switch ch.Kind {
	case framework.EventAssign:
		return []any{"owner", ch.Owner}, true
	case framework.EventDue:
		return []any{"due", string(ch.Due)}, true
	case framework.EventRate:
		return []any{"rating", string(ch.Rating)}, true
	case framework.EventSnooze:
		return []any{"snoozed_until", string(ch.Until), "snooze_reason", ch.Reason}, true
	case framework.EventEdit:
		return []any{"title", ch.Title}, true
	case framework.EventArchive:
		return []any{"archived", "1"}, false
	default: // framework.EventRestore; store.Checked refused the rest
		return []any{"archived", ""}, false
	}
}

// ChangeTarget applies ch and appends its event in one script.
func (s *Store) ChangeTarget(ctx context.Context, ws, ref string, ch framework.Change) (framework.Target, framework.Event, error) {
	if !refKey(ref) {
		return framework.Target{}, framework.Event{}, notFoundTarget(ref)
	}
	if ch.Time.IsZero() {
		ch.Time = time.Now()
	}
	reason := ""
	if ch.Kind == framework.EventRate || ch.Kind == framework.EventSnooze {
		reason = ch.Reason
	}
	fields, fromTo := changeFields(&ch)
	for i := 1; i < len(fields); i += 2 {
		if err := storeText(fields[i].(string)); err != nil {
			return framework.Target{}, framework.Event{}, err
		}
	}
	k := s.keys(ws)
	id := s.ids.next(ch.Time)
	args := append([]any{ref, id, string(ch.Kind), ch.Author, fmtTime(ch.Time), framework.FinancialYear(ch.Time), reason, fmtBool(fromTo)}, fields...)
	keys := []string{k.targets(), k.event(id), k.targetEvents(ref), k.due(), k.stale(), k.settings()}
	op := fmt.Sprintf("%s target %s", ch.Kind, ref)
	v, err := changeScript.Run(ctx, s.c, keys, args...).Result()
	switch scriptError(err) {
	case "":
	case errNotFound:
		return framework.Target{}, framework.Event{}, notFoundTarget(ref)
	case errArchived:
		return framework.Target{}, framework.Event{}, framework.ErrArchived.About(ref)
	}
	if err != nil {
		return framework.Target{}, framework.Event{}, s.fail(op, err)
	}
	reply, ok := v.([]any)
	if ok && len(reply) == 2 && reply[0] == "nochange" {
		cur, _ := reply[1].(string)
		return framework.Target{}, framework.Event{}, framework.ErrNoChange.About(cur)
	}
	if !ok || len(reply) != 3 {
		return framework.Target{}, framework.Event{}, s.fail(op, fmt.Errorf("unexpected script reply %v", v))
	}
	packed, _ := reply[1].(string)
	t, err := decodeTarget(ref, packed)
	if err != nil {
		return framework.Target{}, framework.Event{}, s.fail(op, err)
	}
	em, err := flatMap(reply[2])
	if err != nil {
		return framework.Target{}, framework.Event{}, s.fail(op, err)
	}
	return t, decodeEvent(em), nil
}

// AddEvidence attaches a link in one script.
func (s *Store) AddEvidence(ctx context.Context, ws, ref string, ev framework.Evidence) (framework.Event, error) {
	if !refKey(ref) {
		return framework.Event{}, notFoundTarget(ref)
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	k := s.keys(ws)
	id := s.ids.next(ev.Time)
	keys := []string{k.targets(), k.event(id), k.targetEvents(ref), k.targetEvidence(ref), k.targetURLs(ref), k.evidence()}
	v, err := evidenceScript.Run(ctx, s.c, keys, ref, id, ev.Author, fmtTime(ev.Time), strconv.FormatInt(ev.Time.UnixMilli(), 10), ev.URL, ev.Title).Result()
	switch scriptError(err) {
	case "":
	case errNotFound:
		return framework.Event{}, notFoundTarget(ref)
	case errArchived:
		return framework.Event{}, framework.ErrArchived.About(ref)
	}
	op := "add evidence to " + ref
	if err != nil {
		return framework.Event{}, s.fail(op, err)
	}
	reply, ok := v.([]any)
	if ok && len(reply) == 1 && reply[0] == "nochange" {
		return framework.Event{}, framework.ErrNoChange.About(ev.URL)
	}
	if !ok || len(reply) != 2 {
		return framework.Event{}, s.fail(op, fmt.Errorf("unexpected script reply %v", v))
	}
	m, err := flatMap(reply[1])
	if err != nil {
		return framework.Event{}, s.fail(op, err)
	}
	return decodeEvent(m), nil
}

// Events reads a target's newest event ids with its existence, then the
// events in one pipeline: two round trips.
func (s *Store) Events(ctx context.Context, ws, ref string, limit int) ([]framework.Event, error) {
	stop := int64(limit) - 1
	if limit <= 0 {
		stop = -1
	}
	k := s.keys(ws)
	return s.eventsOf(ctx, ws, ref, "events of "+ref, func(p redis.Pipeliner) *redis.StringSliceCmd {
		return p.LRange(ctx, k.targetEvents(ref), 0, stop)
	})
}

// RecentEvents reads every ref's newest event ids in one pipeline, then
// the events in another: two round trips however many refs.
func (s *Store) RecentEvents(ctx context.Context, ws string, refs []string, limit int) (map[string][]framework.Event, error) {
	out := map[string][]framework.Event{}
	if len(refs) == 0 {
		return out, nil
	}
	stop := int64(limit) - 1
	if limit <= 0 {
		stop = -1
	}
	k := s.keys(ws)
	lists := make([]*redis.StringSliceCmd, 0, len(refs))
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, ref := range refs {
			if refKey(ref) {
				lists = append(lists, p.LRange(ctx, k.targetEvents(ref), 0, stop))
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("recent events", err)
	}
	var ids []string
	for _, l := range lists {
		ids = append(ids, l.Val()...)
	}
	es, err := fetchAll(ctx, s.c, ids, k.event, decodeEvent)
	if err != nil {
		return nil, s.fail("recent events", err)
	}
	// Each list is newest first, and fetchAll keeps their order.
	for _, e := range es {
		out[e.Target] = append(out[e.Target], e)
	}
	return out, nil
}

// eventsOf reads the event ids list queues, checking in the same round
// trip that ref exists, then the events in a second.
func (s *Store) eventsOf(ctx context.Context, ws, ref, op string, list func(redis.Pipeliner) *redis.StringSliceCmd) ([]framework.Event, error) {
	if !refKey(ref) {
		return nil, notFoundTarget(ref)
	}
	k := s.keys(ws)
	var exists *redis.BoolCmd
	var ids *redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.HExists(ctx, k.targets(), ref)
		ids = list(p)
		return nil
	})
	if err != nil {
		return nil, s.fail(op, err)
	}
	if !exists.Val() {
		return nil, notFoundTarget(ref)
	}
	es, err := fetchAll(ctx, s.c, ids.Val(), k.event, decodeEvent)
	if err != nil {
		return nil, s.fail(op, err)
	}
	return es, nil
}

// Evidence reads one target's evidence list, or the workspace's evidence
// index, then the events in one pipeline: two round trips.
func (s *Store) Evidence(ctx context.Context, ws, ref string) ([]framework.Evidence, error) {
	k := s.keys(ws)
	var es []framework.Event
	var err error
	if ref != "" {
		es, err = s.eventsOf(ctx, ws, ref, "evidence of "+ref, func(p redis.Pipeliner) *redis.StringSliceCmd {
			return p.LRange(ctx, k.targetEvidence(ref), 0, -1)
		})
		if err != nil {
			return nil, err
		}
	} else {
		ids, err := s.c.ZRange(ctx, k.evidence(), 0, -1).Result()
		if err != nil {
			return nil, s.fail("evidence", err)
		}
		if es, err = fetchAll(ctx, s.c, ids, k.event, decodeEvent); err != nil {
			return nil, s.fail("evidence", err)
		}
	}
	out := make([]framework.Evidence, len(es))
	for i := range es {
		out[i] = es[i].Evidence()
	}
	if ref == "" {
		// The index is in time order; group it by target, in
		// framework.SortTargets order.
		sort.SliceStable(out, func(i, j int) bool { return framework.LessRef(out[i].Target, out[j].Target) })
	}
	return out, nil
}

// StartCycle closes the current cycle and opens name in one script over
// every target of the workspace, pipelined with listing the workspace.
func (s *Store) StartCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, int, error) {
	k := s.keys(ws)
	op := "start cycle " + name
	keys := []string{k.settings(), k.targets(), k.cyclesStarted(), k.cyclesClosed(), k.frameworks(), k.entries(store.EntryAdmin)}
	cmd, err := s.runWith(ctx, cycleScript, keys, []any{name, fmtTime(at), framework.FinancialYear(at), s.ids.next(at)}, func(p redis.Pipeliner) {
		p.SAdd(ctx, s.workspaces(), ws)
	})
	if err != nil {
		return framework.Workspace{}, 0, s.fail(op, err)
	}
	reply, ok := cmd.Val().([]any)
	if !ok || len(reply) == 0 {
		return framework.Workspace{}, 0, s.fail(op, fmt.Errorf("unexpected script reply %v", cmd.Val()))
	}
	switch reply[0] {
	case "used":
		return framework.Workspace{}, 0, framework.ErrCycleUsed.About(name)
	case "order":
		cur, _ := reply[1].(string)
		return framework.Workspace{}, 0, framework.ErrCycleOrder.About(cur)
	}
	if len(reply) != 7 {
		return framework.Workspace{}, 0, s.fail(op, fmt.Errorf("unexpected script reply %v", reply))
	}
	moved, _ := reply[1].(int64)
	maps := make([]map[string]string, 3)
	for i := range maps {
		if maps[i], err = flatMap(reply[2+i]); err != nil {
			return framework.Workspace{}, 0, s.fail(op, err)
		}
	}
	var fws []string
	list, _ := reply[5].([]any)
	for _, f := range list {
		id, _ := f.(string)
		fws = append(fws, id)
	}
	admins, err := flatMap(reply[6])
	if err != nil {
		return framework.Workspace{}, 0, s.fail(op, err)
	}
	w := workspaceOf(ws, maps[0], fws, maps[1], maps[2])
	w.Admins = store.AdminsOf(admins)
	return w, int(moved), nil
}
