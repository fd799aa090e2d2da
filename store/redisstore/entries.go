package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

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
// workspace when it stores anything: one round trip. A write refused
// by an expectation lists the workspace too, as the pipeline cannot wait
// for the script's answer; when that listed it (it was not listed yet),
// it is taken off the list again if it holds nothing (unlistEmpty),
// which costs more round trips only then.
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
	body = append(body, len(w.Expect))
	for _, e := range w.Expect {
		body = append(body, index(e.Kind), e.Key, e.Value, string(e.Op))
	}
	body = append(body, len(w.Put))
	for _, e := range w.Put {
		body = append(body, index(e.Kind), e.Key, e.Value)
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
	var listed []*redis.IntCmd // one per run: runWith runs again for NOSCRIPT
	cmd, err := s.runWith(ctx, entriesScript, keys, args, func(p redis.Pipeliner) {
		if w.Stores() {
			listed = append(listed, p.SAdd(ctx, s.workspaces(), ws))
		}
	})
	if err != nil {
		return nil, s.fail(op, err)
	}
	reply, ok := cmd.Val().([]any)
	if !ok || len(reply) == 0 {
		return nil, s.fail(op, fmt.Errorf("unexpected script reply %v", cmd.Val()))
	}
	if reply[0] == "changed" && len(reply) == 3 {
		// Only a workspace this write listed may need taking off the
		// list: one already listed costs the refusal no more round trip.
		if slices.ContainsFunc(listed, func(c *redis.IntCmd) bool { return c.Err() != nil || c.Val() != 0 }) {
			s.unlistEmpty(ctx, k, ws)
		}
		i, _ := reply[1].(int64)
		found, _ := reply[2].(string) // nil for no entry
		if i < 1 || int(i) > len(w.Expect) {
			return nil, s.fail(op, fmt.Errorf("unexpected script reply %v", cmd.Val()))
		}
		return nil, store.EntryChanged(w.Expect[i-1], found)
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
// and, for each, its kind's number, key, value ("" for none) and
// store.ExpectOp (store.ExpectOp.Holds says what each means); the number
// of puts and, for each, its kind's number, key and value ("" deletes);
// the number of events and, for each, its id, its number of fields and
// the field/value pairs.
// Returns {"ok"} or {"changed", the failed expectation's number (from
// 1), the value found ("" for none)}.
var entriesScript = redis.NewScript(`
-- before compares bytes: Lua's < follows the server's locale.
local function before(a, b)
  for j = 1, math.min(#a, #b) do
    local x, y = string.byte(a, j), string.byte(b, j)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local nk = tonumber(ARGV[1])
local i = 2 + nk
local n = tonumber(ARGV[i]); i = i + 1
for x = 1, n do
  local kix, key, want, op = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  local cur = redis.call('HGET', KEYS[2 + kix], key) or ''
  local holds
  if op == 'not-before' then
    holds = cur == '' or not before(cur, want)
  else
    holds = cur == want
  end
  if not holds then return {'changed', x, cur} end
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
