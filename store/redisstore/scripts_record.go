package redisstore

import (
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// luaTargetIndex is "at", each target field's index by its name, for a
// script told fields by name (the change script).
var luaTargetIndex = func() string {
	pairs := make([]string, len(targetFields))
	for i, f := range targetFields {
		pairs[i] = f + " = " + strconv.Itoa(i+1)
	}
	return "\nlocal at = {" + strings.Join(pairs, ", ") + "}\n"
}()

// The scripts that keep the record: a change with its event, evidence,
// and the start of a grading cycle. Like the others, each is one atomic
// round trip over keys that all carry the workspace's hash tag.

// changeScript applies a change to a target's settings and appends its
// event, as framework.Change.Apply does.
// KEYS: targets (tg), event, target events, due, stale, settings.
// ARGV: ref, event id, kind, author, time, first cycle name, reason,
// "1" if the event records from and to (the first field's old and new
// values), then field/value pairs to set (targetFields' names).
// Returns {"ok", the target packed, event HGETALL}, or {"nochange",
// current value} when every field already holds its value (and a rate's
// reason is empty or the grade's own): nothing is written then.
//
// The event id is made client-side, so a retried call finds its event
// stored and returns it rather than answering "no change".
var changeScript = redis.NewScript(luaReindex + luaRecords + luaTarget + luaTargetIndex + luaRateReason + `
local s0 = redis.call('HGET', KEYS[1], ARGV[1])
if not s0 then return redis.error_reply('TBNOTFOUND') end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'ok', s0, redis.call('HGETALL', KEYS[2])}
end
local t = unpackT(s0)
local kind = ARGV[3]
if kind ~= 'archive' and kind ~= 'restore' and t[I_archived] == '1' then
  return redis.error_reply('TBARCHIVED')
end
local from = ''
if ARGV[8] == '1' then from = t[at[ARGV[9]]] or '' end
local same = true
for i = 9, #ARGV, 2 do
  if (t[at[ARGV[i]]] or '') ~= ARGV[i+1] then same = false end
end
local cycle = ''
if kind == 'rate' then
  cycle = redis.call('HGET', KEYS[6], 'cycle') or ARGV[6]
  -- A new reason for the grade the target has is a change.
  if same and ARGV[7] ~= '' and ARGV[7] ~= rateReason(KEYS[3], string.sub(KEYS[2], 1, #KEYS[2] - #ARGV[2]), cycle) then
    same = false
  end
end
if same then return {'nochange', from} end
if kind == 'rate' and redis.call('HSETNX', KEYS[6], 'cycle', ARGV[6]) == 1 then
  redis.call('HSET', KEYS[6], 'cycle_started', ARGV[5])
end
for i = 9, #ARGV, 2 do
  t[at[ARGV[i]]] = ARGV[i+1]
end
local packed = packT(t)
redis.call('HSET', KEYS[1], ARGV[1], packed)
reindexT(KEYS[4], KEYS[5], ARGV[1], t)
local to = ''
if ARGV[8] == '1' then to = ARGV[10] end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'target', ARGV[1], 'kind', kind, 'author', ARGV[4],
  'time', ARGV[5], 'from', from, 'to', to, 'reason', ARGV[7], 'cycle', cycle)
redis.call('LPUSH', KEYS[3], ARGV[2])
return {'ok', packed, redis.call('HGETALL', KEYS[2])}
`)

// luaRateReason is framework.RateReason over a target's events: the
// reason of the newest rate event of cycle in list (the target's event
// ids, newest first), whose event keys are prefix followed by the id;
// "" when there is none. The event keys carry the list's hash tag.
const luaRateReason = `
local function rateReason(list, prefix, cycle)
  local i = 0
  while true do
    local ids = redis.call('LRANGE', list, i, i + 99)
    for _, id in ipairs(ids) do
      local e = redis.call('HMGET', prefix .. id, 'kind', 'cycle', 'reason')
      if e[1] == 'rate' and e[2] == cycle then return e[3] or '' end
    end
    if #ids < 100 then return '' end
    i = i + 100
  end
end
`

// evidenceScript attaches a link to a target as an evidence event.
// KEYS: targets (tg), event, target events, target evidence, target urls,
// workspace evidence.
// ARGV: ref, event id, author, time, time ms, url, title.
// Returns {"ok", event HGETALL}, or {"nochange"} when the target has
// the URL already.
var evidenceScript = redis.NewScript(luaRecords + luaTarget + `
local s0 = redis.call('HGET', KEYS[1], ARGV[1])
if not s0 then return redis.error_reply('TBNOTFOUND') end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'ok', redis.call('HGETALL', KEYS[2])} end
if unpackT(s0)[I_archived] == '1' then return redis.error_reply('TBARCHIVED') end
if redis.call('SISMEMBER', KEYS[5], ARGV[6]) == 1 then return {'nochange'} end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'target', ARGV[1], 'kind', 'evidence', 'author', ARGV[3],
  'time', ARGV[4], 'url', ARGV[6], 'title', ARGV[7])
redis.call('LPUSH', KEYS[3], ARGV[2])
redis.call('RPUSH', KEYS[4], ARGV[2])
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('ZADD', KEYS[6], ARGV[5], ARGV[2])
return {'ok', redis.call('HGETALL', KEYS[2])}
`)

// cycleScript closes the current grading cycle and opens a new one,
// moving every target's grade under the closing cycle's name.
// KEYS: settings, targets (tg), cycles started, cycles closed, frameworks,
// admin entries.
// ARGV: new name, time, the cycle to close if none is recorded, a token
// unique to the call (so that a retry after a lost reply finds its own
// start done, as Claim does).
// Returns {"ok", grades moved, settings HGETALL, cycles started HGETALL,
// cycles closed HGETALL, frameworks SMEMBERS, admin entries HGETALL}, {"used"} for a name
// already used, or {"order", current name} for a name before the current
// one.
var cycleScript = redis.NewScript(luaRecords + luaTarget + `
local cur = redis.call('HGET', KEYS[1], 'cycle')
if not cur or cur == '' then cur = ARGV[3] end
local function state(n)
  return {'ok', n, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[3]),
    redis.call('HGETALL', KEYS[4]), redis.call('SMEMBERS', KEYS[5]), redis.call('HGETALL', KEYS[6])}
end
-- A retry of this very call (its token) succeeded the first time; its
-- count of moved grades is not kept.
if ARGV[1] == cur and redis.call('HGET', KEYS[1], 'cycle_token') == ARGV[4] then return state(0) end
if ARGV[1] == cur or redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return {'used'} end
if ARGV[1] < cur then return {'order', cur} end
local started = redis.call('HGET', KEYS[1], 'cycle_started') or ''
local n = 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local t = unpackT(all[i + 1])
  if t and t[I_rating] ~= '' then
    local g = cur .. '=' .. t[I_rating]
    if t[I_grades] ~= '' then g = t[I_grades] .. ';' .. g end
    t[I_grades], t[I_rating] = g, ''
    redis.call('HSET', KEYS[2], all[i], packT(t))
    n = n + 1
  end
end
redis.call('HSET', KEYS[3], cur, started)
redis.call('HSET', KEYS[4], cur, ARGV[2])
redis.call('HSET', KEYS[1], 'cycle', ARGV[1], 'cycle_started', ARGV[2], 'cycle_token', ARGV[4])
return state(n)
`)
