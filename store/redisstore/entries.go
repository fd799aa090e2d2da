package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Entries reads one kind's hash: one round trip.
func (s *Store) Entries(ctx context.Context, ws string, kind store.EntryKind) (map[string]string, error) {
	m, err := s.c.HGetAll(ctx, s.keys(ws).entries(kind)).Result()
	if err != nil {
		return nil, s.fail("read "+string(kind)+" entries of "+ws, err)
	}
	return m, nil
}

// WriteEntries checks the expectations, writes the puts and appends the
// events in one script (entriesScript), pipelined with listing the
// workspace: one round trip. A write refused by an expectation lists
// the workspace too, as the pipeline cannot wait for the script's
// answer; the workspace is taken off the list again when it holds
// nothing (unlistEmpty), which costs more round trips only then.
func (s *Store) WriteEntries(ctx context.Context, ws string, w store.EntryWrite) ([]framework.Event, error) {
	op := "write entries of " + ws
	k := s.keys(ws)
	keys := []string{k.entryKinds(), k.wsEvents()}
	kinds := map[store.EntryKind]int{}
	var names []any
	index := func(kind store.EntryKind) int {
		if i, ok := kinds[kind]; ok {
			return i
		}
		names = append(names, string(kind))
		keys = append(keys, k.entries(kind))
		kinds[kind] = len(names)
		return len(names)
	}
	var body []any
	for _, list := range [][]store.Entry{w.Expect, w.Put} {
		body = append(body, len(list))
		for _, e := range list {
			body = append(body, index(e.Kind), e.Key, e.Value)
		}
	}
	events := make([]framework.Event, len(w.Events))
	body = append(body, len(events))
	for i := range w.Events {
		e := w.Events[i]
		e.ID = s.ids.next(e.Time)
		events[i] = e
		f := eventFields(&e)
		keys = append(keys, k.event(e.ID))
		body = append(body, e.ID, len(f)/2)
		body = append(body, f...)
	}
	args := append(append([]any{len(names)}, names...), body...)
	cmd, err := s.runWith(ctx, entriesScript, keys, args, func(p redis.Pipeliner) {
		p.SAdd(ctx, s.workspaces(), ws)
	})
	if err != nil {
		return nil, s.fail(op, err)
	}
	reply, ok := cmd.Val().([]any)
	if !ok || len(reply) == 0 {
		return nil, s.fail(op, fmt.Errorf("unexpected script reply %v", cmd.Val()))
	}
	if reply[0] == "changed" && len(reply) == 2 {
		s.unlistEmpty(ctx, k, ws)
		which, _ := reply[1].(string)
		return nil, framework.ErrEntryChanged.About(which)
	}
	return events, nil
}

// WorkspaceEvents reads the newest limit ids of the workspace's event
// list, then their records in one pipeline: two round trips.
func (s *Store) WorkspaceEvents(ctx context.Context, ws string, limit int) ([]framework.Event, error) {
	op := "workspace events of " + ws
	k := s.keys(ws)
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	ids, err := s.c.LRange(ctx, k.wsEvents(), 0, stop).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail(op, err)
	}
	es, err := fetchAll(ctx, s.c, ids, k.event, decodeEvent)
	if err != nil {
		return nil, s.fail(op, err)
	}
	return es, nil
}

// entriesScript applies one store.EntryWrite: it checks every
// expectation before its first write, so a refused write changes
// nothing.
// KEYS: the kinds set, the workspace events list, one entry hash per
// kind named (in ARGV's order), then one event key per event.
// ARGV: the number of kinds and their names; the number of expectations
// and, for each, its kind's number, key and value ("" for none); the
// same for puts ("" deletes); the number of events and, for each, its
// id, its number of fields and the field/value pairs.
// Returns {"ok"} or {"changed", "kind/key"}.
var entriesScript = redis.NewScript(`
local nk = tonumber(ARGV[1])
local i = 2 + nk
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local kix, key, want = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  local cur = redis.call('HGET', KEYS[2 + kix], key) or ''
  if cur ~= want then return {'changed', ARGV[1 + kix] .. '/' .. key} end
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local kix, key, v = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  if v == '' then
    redis.call('HDEL', KEYS[2 + kix], key)
  else
    redis.call('HSET', KEYS[2 + kix], key, v)
  end
end
for kix = 1, nk do
  if redis.call('EXISTS', KEYS[2 + kix]) == 1 then
    redis.call('SADD', KEYS[1], ARGV[1 + kix])
  else
    redis.call('SREM', KEYS[1], ARGV[1 + kix])
  end
end
n = tonumber(ARGV[i]); i = i + 1
for e = 1, n do
  local key, id, nf = KEYS[2 + nk + e], ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(ARGV, i, i + 2 * nf - 1))
  i = i + 2 * nf
  redis.call('LPUSH', KEYS[2], id)
end
return {'ok'}
`)
