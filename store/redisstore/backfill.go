package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// Backfilling a past cycle, grading it, and undoing a cycle start are
// rare admin corrections whose rules are framework's. Each reads what it
// needs in one pipeline, applies the rule in Go, and writes with casScript:
// one atomic round trip that first checks every value the rule read is
// still as read, and changes nothing if not (the read and write then
// run again, a few times at most).

// casScript checks hash fields and, when every one holds, sets and
// deletes hash fields and pushes list heads.
// KEYS: the keys the ops index (1-based).
// ARGV[1]: JSON {"e": [[key, field, value, present]], "s": [[key, field,
// value]], "d": [[key, field]], "p": [[key, value]]}; present is 0 for a
// field that must be absent.
// Returns {"ok"} or {"changed"}.
var casScript = redis.NewScript(`
local ops = cjson.decode(ARGV[1])
for _, x in ipairs(ops.e) do
  local v = redis.call('HGET', KEYS[x[1]], x[2])
  if x[4] == 0 then
    if v then return {'changed'} end
  elseif v ~= x[3] then return {'changed'} end
end
for _, x in ipairs(ops.s) do redis.call('HSET', KEYS[x[1]], x[2], x[3]) end
for _, x in ipairs(ops.d) do redis.call('HDEL', KEYS[x[1]], x[2]) end
for _, x in ipairs(ops.p) do redis.call('LPUSH', KEYS[x[1]], x[2]) end
return {'ok'}
`)

// cas is one casScript call being put together.
type cas struct {
	keys []string
	E    [][]any `json:"e"`
	S    [][]any `json:"s"`
	D    [][]any `json:"d"`
	P    [][]any `json:"p"`
}

func newCAS() *cas { return &cas{E: [][]any{}, S: [][]any{}, D: [][]any{}, P: [][]any{}} }

// key is the 1-based index of k among the script's keys.
func (c *cas) key(k string) int {
	for i, x := range c.keys {
		if x == k {
			return i + 1
		}
	}
	c.keys = append(c.keys, k)
	return len(c.keys)
}

// expect requires field of hash k to be value (present) or absent.
func (c *cas) expect(k, field, value string, present bool) {
	p := 0
	if present {
		p = 1
	}
	c.E = append(c.E, []any{c.key(k), field, value, p})
}

// expectAs requires field of hash k to be as a read of the hash found it.
func (c *cas) expectAs(k, field string, read map[string]string) {
	v, ok := read[field]
	c.expect(k, field, v, ok)
}

func (c *cas) set(k, field, value string) { c.S = append(c.S, []any{c.key(k), field, value}) }
func (c *cas) del(k, field string)        { c.D = append(c.D, []any{c.key(k), field}) }
func (c *cas) push(k, value string)       { c.P = append(c.P, []any{c.key(k), value}) }

// errCASChanged is a casScript that found a value changed.
var errCASChanged = errors.New("changed meanwhile")

// run writes c; extra queues more in the same pipeline.
func (c *cas) run(ctx context.Context, s *Store, extra func(redis.Pipeliner)) error {
	ops, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if extra == nil {
		extra = func(redis.Pipeliner) {}
	}
	cmd, err := s.runWith(ctx, casScript, c.keys, []any{string(ops)}, extra)
	if err != nil {
		return err
	}
	reply, _ := cmd.Val().([]any)
	if len(reply) != 1 || reply[0] != "ok" {
		return errCASChanged
	}
	return nil
}

// casAttempts is how many times a correction reads and writes again when
// something changed in between.
const casAttempts = 5

// retryCAS runs attempt until it writes, fails otherwise, or has found a
// change casAttempts times (ErrEntryChanged about what).
func retryCAS(what string, attempt func() error) error {
	for range casAttempts {
		err := attempt()
		if !errors.Is(err, errCASChanged) {
			return err
		}
	}
	return framework.ErrEntryChanged.About(what)
}

// AddPastCycle adds a closed cycle before the first.
func (s *Store) AddPastCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, error) {
	k := s.keys(ws)
	op := "add past cycle " + name
	var out framework.Workspace
	err := retryCAS("cycles", func() error {
		var r wsRead
		if _, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			r = s.queueWorkspace(ctx, p, ws)
			return nil
		}); err != nil {
			return s.fail(op, err)
		}
		w, raw := r.result(), r.settings.Val()
		c := newCAS()
		c.expectAs(k.settings(), "cycle", raw)
		c.expectAs(k.settings(), "cycle_started", raw)
		c.expect(k.cyclesClosed(), name, "", false)
		if w.Cycle == "" {
			w.Cycle, w.CycleStarted = framework.FinancialYear(at), at
			c.set(k.settings(), "cycle", w.Cycle)
			c.set(k.settings(), "cycle_started", fmtTime(at))
		}
		if err := w.AddPastCycle(name, w.Cycle, at); err != nil {
			return err
		}
		c.set(k.cyclesStarted(), name, "")
		c.set(k.cyclesClosed(), name, fmtTime(w.PastCycles[0].Closed))
		if err := c.run(ctx, s, func(p redis.Pipeliner) { p.SAdd(ctx, s.workspaces(), ws) }); err != nil {
			if errors.Is(err, errCASChanged) {
				return err
			}
			return s.fail(op, err)
		}
		out = w
		return nil
	})
	return out, err
}

// GradePastCycle grades a target in a backfilled cycle and appends its
// event.
func (s *Store) GradePastCycle(ctx context.Context, ws, ref, cycle string, ch framework.Change) (framework.Target, framework.Event, error) {
	if !refKey(ref) {
		return framework.Target{}, framework.Event{}, notFoundTarget(ref)
	}
	if ch.Time.IsZero() {
		ch.Time = time.Now()
	}
	if err := storeText(ch.Reason); err != nil {
		return framework.Target{}, framework.Event{}, err
	}
	k := s.keys(ws)
	op := fmt.Sprintf("grade %s in %s", ref, cycle)
	var outT framework.Target
	var outE framework.Event
	err := retryCAS(ref, func() error {
		var r wsRead
		var packed *redis.StringCmd
		_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			r = s.queueWorkspace(ctx, p, ws)
			packed = p.HGet(ctx, k.targets(), ref)
			return nil
		})
		if errors.Is(packed.Err(), redis.Nil) {
			return notFoundTarget(ref)
		}
		if err != nil {
			return s.fail(op, err)
		}
		t, err := decodeTarget(ref, packed.Val())
		if err != nil {
			return s.fail(op, err)
		}
		w := r.result()
		e, err := w.GradePastCycle(&t, cycle, ch)
		if err != nil {
			return err
		}
		e.ID = s.ids.next(ch.Time)
		c := newCAS()
		c.expect(k.targets(), ref, packed.Val(), true)
		c.expectAs(k.cyclesClosed(), cycle, r.closed.Val())
		c.expectAs(k.cyclesStarted(), cycle, r.started.Val())
		c.set(k.targets(), ref, encodeTarget(&t))
		for _, f := range [][2]string{{"id", e.ID}, {"target", ref}, {"kind", string(e.Kind)}, {"author", e.Author}, {"time", fmtTime(e.Time)},
			{"from", e.From}, {"to", e.To}, {"reason", e.Reason}, {"cycle", e.Cycle}} {
			c.set(k.event(e.ID), f[0], f[1])
		}
		c.push(k.targetEvents(ref), e.ID)
		if err := c.run(ctx, s, nil); err != nil {
			if errors.Is(err, errCASChanged) {
				return err
			}
			return s.fail(op, err)
		}
		outT, outE = t, e
		return nil
	})
	return outT, outE, err
}

// UndoCycle reopens the previous cycle over every target.
func (s *Store) UndoCycle(ctx context.Context, ws string, at time.Time) (framework.Workspace, string, error) {
	k := s.keys(ws)
	op := "undo cycle"
	var out framework.Workspace
	var undone string
	err := retryCAS("cycles", func() error {
		var r wsRead
		var all *redis.MapStringStringCmd
		if _, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			r = s.queueWorkspace(ctx, p, ws)
			all = p.HGetAll(ctx, k.targets())
			return nil
		}); err != nil {
			return s.fail(op, err)
		}
		w, raw := r.result(), r.settings.Val()
		refs := make([]string, 0, len(all.Val()))
		ts := make([]framework.Target, 0, len(all.Val()))
		for ref, packed := range all.Val() {
			t, err := decodeTarget(ref, packed)
			if err != nil {
				return s.fail(op, err)
			}
			refs, ts = append(refs, ref), append(ts, t)
		}
		prev, _ := w.PreviousCycle()
		name, err := w.UndoCycle(ts, at)
		if err != nil {
			return err
		}
		c := newCAS()
		c.expectAs(k.settings(), "cycle", raw)
		c.expectAs(k.settings(), "cycle_started", raw)
		c.expectAs(k.cyclesClosed(), prev.Name, r.closed.Val())
		for i, ref := range refs {
			// Every target, changed or not: a grade given meanwhile in the
			// cycle being undone must stop the undo.
			c.expect(k.targets(), ref, all.Val()[ref], true)
			if next := encodeTarget(&ts[i]); next != all.Val()[ref] {
				c.set(k.targets(), ref, next)
			}
		}
		c.set(k.settings(), "cycle", w.Cycle)
		c.set(k.settings(), "cycle_started", fmtTime(w.CycleStarted))
		c.del(k.cyclesStarted(), prev.Name)
		c.del(k.cyclesClosed(), prev.Name)
		if err := c.run(ctx, s, nil); err != nil {
			if errors.Is(err, errCASChanged) {
				return err
			}
			return s.fail(op, err)
		}
		out, undone = w, name
		return nil
	})
	return out, undone, err
}
