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
	keys := []string{k.targets(), k.entryKinds(), k.wsEvents(), k.entries(w.Kind), k.entries(store.EntryAdmin)}
	admins := ""
	if w.Admins {
		admins = "1"
	}
	args := []any{w.Ref, w.Owner, string(w.Kind), admins, "", "", len(w.Put)}
	for _, e := range w.Put {
		args = append(args, e.Key, e.Value)
	}
	// Every case's events go with their ids; the script appends the
	// chosen case's only. A write without Choose is one case taken
	// whatever the entries say.
	cases := map[string][]framework.Event{"": w.Events}
	if w.Choose != nil {
		args[4], args[5], cases = w.Choose.Key, w.Choose.Field, w.Choose.Events
	}
	args = append(args, len(cases))
	for value, evs := range cases {
		args = append(args, value, len(evs))
		for i := range evs {
			e := evs[i]
			e.ID = s.ids.next(e.Time)
			f := eventFields(&e)
			keys = append(keys, k.event(e.ID))
			args = append(args, e.ID, len(f)/2)
			args = append(args, f...)
		}
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
	switch {
	case reply[0] == "declined" && len(reply) >= 3:
		r.Declined, r.Entries = true, pairs(reply[2])
		return r, nil
	case reply[0] != "ok" || len(reply) < 4:
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
// target, the requester and the chosen entry first, so a refused write
// changes nothing.
// KEYS: targets (tg), the kinds set, the workspace events list, the
// kind's entry hash, the admin entry hash, then one event key per event.
// ARGV: ref, owner ("" for any), kind name, "1" when an admin granted in
// chat may write too, the key and field of the entry that chooses the
// events ("" for none), the number of puts and each key and value (""
// deletes), the number of cases and, for each, the field's value it is
// for, its number of events and, for each, its id, its number of fields
// and the field/value pairs.
// Returns {"ok", target packed, {key, previous value…}, the kind's
// HGETALL}, {"notowner", target packed}, {"declined", target packed, the
// kind's HGETALL}, or the error TBNOTFOUND or TBARCHIVED.
var targetEntriesScript = redis.NewScript(luaReindex + luaRecords + luaTarget + `
local s0 = redis.call('HGET', KEYS[1], ARGV[1])
if not s0 then return redis.error_reply('TBNOTFOUND') end
local t = unpackT(s0)
if t[I_archived] == '1' then return redis.error_reply('TBARCHIVED') end
local who = string.lower(ARGV[2])
if who ~= '' and string.lower(t[I_owner] or '') ~= who then
  local admin = false
  if ARGV[4] == '1' then
    for _, id in ipairs(redis.call('HKEYS', KEYS[5])) do
      if string.lower(id) == who then admin = true; break end
    end
  end
  if not admin then return {'notowner', s0} end
end
local found = ''
if ARGV[5] ~= '' then
  local raw = redis.call('HGET', KEYS[4], ARGV[5])
  if raw then
    local ok, doc = pcall(cjson.decode, raw)
    if ok and type(doc) == 'table' and type(doc[ARGV[6]]) == 'string' then found = doc[ARGV[6]] end
  end
end
local i = 8
local puts = {}
for _ = 1, tonumber(ARGV[7]) do
  puts[#puts + 1] = {ARGV[i], ARGV[i + 1]}
  i = i + 2
end
local chosen
local k = 6
local ncases = tonumber(ARGV[i])
i = i + 1
for _ = 1, ncases do
  local value, ne = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  local evs = {}
  for _ = 1, ne do
    local nf = tonumber(ARGV[i + 1])
    evs[#evs + 1] = {KEYS[k], ARGV[i], i + 2, nf}
    k = k + 1
    i = i + 2 + 2 * nf
  end
  if not chosen and (ARGV[5] == '' or value == found) then chosen = evs end
end
if not chosen then return {'declined', s0, redis.call('HGETALL', KEYS[4])} end
local prev = {}
for _, p in ipairs(puts) do
  prev[#prev + 1] = p[1]
  prev[#prev + 1] = redis.call('HGET', KEYS[4], p[1]) or ''
  if p[2] == '' then
    redis.call('HDEL', KEYS[4], p[1])
  else
    redis.call('HSET', KEYS[4], p[1], p[2])
  end
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[3])
else
  redis.call('SREM', KEYS[2], ARGV[3])
end
for _, e in ipairs(chosen) do
  redis.call('DEL', e[1])
  redis.call('HSET', e[1], unpack(ARGV, e[3], e[3] + 2 * e[4] - 1))
  redis.call('LPUSH', KEYS[3], e[2])
end
return {'ok', s0, prev, redis.call('HGETALL', KEYS[4])}
`)
