package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.TargetEntries = (*Store)(nil)

// WriteTargetEntries makes a target entry write in one script
// (targetEntriesScript): one round trip. It does not list the workspace
// in <prefix>:workspaces, a key outside its hash tag that every such
// command would write (DESIGN section 21): the script writes only to a
// target that exists, and the writes that make targets (Import, AddTarget
// after an import, Restore) list their workspace.
func (s *Store) WriteTargetEntries(ctx context.Context, ws string, w store.TargetEntryWrite) (store.TargetEntryResult, error) {
	op := "write entries of " + ws + " about " + w.Ref
	k := s.keys(ws)
	keys := []string{k.targets(), k.entryKinds(), k.wsEvents(), k.entries(w.Kind)}
	args := []any{w.Ref, w.Owner, string(w.Kind), len(w.Put)}
	for _, e := range w.Put {
		args = append(args, e.Key, e.Value)
	}
	args = append(args, len(w.Events))
	for i := range w.Events {
		e := w.Events[i]
		e.ID = s.ids.next(e.Time)
		f := eventFields(&e)
		keys = append(keys, k.event(e.ID))
		args = append(args, e.ID, len(f)/2)
		args = append(args, f...)
	}
	cmd, err := s.runWith(ctx, targetEntriesScript, keys, args, func(redis.Pipeliner) {})
	switch scriptError(err) {
	case errNotFound:
		return store.TargetEntryResult{}, notFoundTarget(w.Ref)
	case errArchived:
		return store.TargetEntryResult{}, framework.ErrArchived.About(w.Ref)
	}
	if err != nil {
		return store.TargetEntryResult{}, s.fail(op, err)
	}
	reply, ok := cmd.Val().([]any)
	if !ok || len(reply) < 2 {
		return store.TargetEntryResult{}, s.fail(op, fmt.Errorf("unexpected script reply %v", cmd.Val()))
	}
	packed, _ := reply[1].(string)
	t, err := decodeTarget(w.Ref, packed)
	if err != nil {
		return store.TargetEntryResult{}, s.fail(op, err)
	}
	r := store.TargetEntryResult{Target: t}
	if reply[0] == "notowner" || len(reply) < 4 {
		return r, nil
	}
	r.Applied, r.Prev, r.Entries = true, pairs(reply[2]), pairs(reply[3])
	return r, nil
}

// pairs reads a script's flat list of keys and values into a map.
func pairs(v any) map[string]string {
	list, _ := v.([]any)
	m := make(map[string]string, len(list)/2)
	for i := 0; i+1 < len(list); i += 2 {
		k, _ := list[i].(string)
		v, _ := list[i+1].(string)
		m[k] = v
	}
	return m
}

// targetEntriesScript applies a store.TargetEntryWrite: it checks the
// target first, so a refused write changes nothing.
// KEYS: targets (tg), the kinds set, the workspace events list, the
// kind's entry hash, then one event key per event.
// ARGV: ref, owner ("" for any), kind name, the number of puts and each
// key and value ("" deletes), the number of events and, for each, its
// id, its number of fields and the field/value pairs.
// Returns {"ok", target packed, {key, previous value…}, the kind's
// HGETALL}, {"notowner", target packed}, or the error TBNOTFOUND or
// TBARCHIVED.
var targetEntriesScript = redis.NewScript(luaReindex + luaRecords + luaTarget + `
local s0 = redis.call('HGET', KEYS[1], ARGV[1])
if not s0 then return redis.error_reply('TBNOTFOUND') end
local t = unpackT(s0)
if t[I_archived] == '1' then return redis.error_reply('TBARCHIVED') end
if ARGV[2] ~= '' and string.lower(t[I_owner] or '') ~= string.lower(ARGV[2]) then
  return {'notowner', s0}
end
local i = 5
local n = tonumber(ARGV[4])
local prev = {}
for _ = 1, n do
  local key, v = ARGV[i], ARGV[i + 1]
  i = i + 2
  prev[#prev + 1] = key
  prev[#prev + 1] = redis.call('HGET', KEYS[4], key) or ''
  if v == '' then
    redis.call('HDEL', KEYS[4], key)
  else
    redis.call('HSET', KEYS[4], key, v)
  end
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[3])
else
  redis.call('SREM', KEYS[2], ARGV[3])
end
n = tonumber(ARGV[i]); i = i + 1
for e = 1, n do
  local key, id, nf = KEYS[4 + e], ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(ARGV, i, i + 2 * nf - 1))
  i = i + 2 * nf
  redis.call('LPUSH', KEYS[3], id)
end
return {'ok', s0, prev, redis.call('HGETALL', KEYS[4])}
`)
