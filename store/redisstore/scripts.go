package redisstore

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts that make each write one atomic round trip. Every key a
// script touches is in KEYS, except the target key in withdraw (see
// there). All keys of a call carry the same {ws} hash tag, so on Redis
// Cluster the whole script runs on one slot.

// reindex keeps a target's entries in the due and stale indexes in step
// with its status, due date, owner, latest activity and archiving: open,
// live targets are in due when they have a date, and in stale when they
// have an owner; done and archived targets are in neither.
//
// reindexWith does the same from the fields' values, for a script that
// has them already (a missing field is false, as HMGET gives it).
const luaReindex = `
local function reindexWith(duekey, stalekey, ref, status, due, activity, owner, archived)
  if status == 'done' or archived == '1' then
    redis.call('ZREM', duekey, ref)
    redis.call('ZREM', stalekey, ref)
    return
  end
  -- A due date that is not a number (never stored through this package,
  -- which checks it) leaves the index rather than failing the script
  -- half-way through a write.
  local score = due and (string.gsub(due, '-', ''))
  if score and score:match('^%d+$') then
    redis.call('ZADD', duekey, score, ref)
  else
    redis.call('ZREM', duekey, ref)
  end
  if owner and owner ~= '' then
    redis.call('ZADD', stalekey, activity or '0', ref)
  else
    redis.call('ZREM', stalekey, ref)
  end
end
local function reindex(tkey, duekey, stalekey, ref)
  local f = redis.call('HMGET', tkey, 'status', 'due', 'activity_ms', 'owner', 'archived')
  reindexWith(duekey, stalekey, ref, f[1], f[2], f[3], f[4], f[5])
end
`

// appendScript logs an update. An archived target takes none, and an
// update with no note that leaves progress and status as they are is
// refused (TBNOCHANGE, then the current status).
// KEYS: target, update, target log, ws log, last:<user>, due, stale,
// and a claim to take first (store.Once), if any.
// ARGV: id, ref, author, time, time ms, progress (-1 keeps it), status ("" keeps it), note,
// and the claim's TTL in ms.
// Returns {prev progress, prev status, then the target's HGETALL pairs}:
// one flat array of strings, which go-redis reads without boxing each.
//
// The id is made client-side, so a call that go-redis retries after a
// dropped connection finds its update already stored and returns it
// instead of applying it twice (or refusing it as a replay of itself).
// The claim comes before every other check, so a replayed request is
// refused whatever else has changed since it first ran.
//
// Every command's write runs it, so it reads the target once, whole: an
// empty HGETALL is a missing target (Redis has no empty hashes), its
// fields answer every check and the re-indexing, and the reply is those
// fields with the ones it set. That is nine calls into Redis where
// reading as needed took thirteen.
var appendScript = newHotScript(luaReindex + `
local h = redis.call('HGETALL', KEYS[1])
local t = {}
for i = 1, #h, 2 do t[h[i]] = h[i + 1] end
local function reply(pp, ps)
  local out = {pp, ps}
  for k, v in pairs(t) do
    out[#out + 1] = k
    out[#out + 1] = v
  end
  return out
end
if #h > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
  local prev = redis.call('HMGET', KEYS[2], 'prev_progress', 'prev_status')
  return reply(prev[1] or '', prev[2] or '')
end
if KEYS[8] and not redis.call('SET', KEYS[8], '1', 'PX', ARGV[9], 'NX') then
  return redis.error_reply('TBREPLAYED')
end
if #h == 0 then return redis.error_reply('TBNOTFOUND') end
if t['archived'] == '1' then return redis.error_reply('TBARCHIVED') end
local pp = t['progress'] or '0'
local ps = t['status'] or 'not-started'
local p = ARGV[6]
if p == '-1' then p = pp end
local s = ARGV[7]
-- framework.NextStatus: progress above 0 on a target not started puts it on track.
if s == '' then
  if ps == 'not-started' and tonumber(p) > 0 then s = 'on-track' else s = ps end
end
if s == 'done' and p ~= '100' then return redis.error_reply('TBDONEBELOW100') end
if ARGV[8] == '' and p == pp and s == ps then return redis.error_reply('TBNOCHANGE ' .. ps) end
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'target', ARGV[2], 'author', ARGV[3], 'time', ARGV[4],
  'progress', p, 'status', s, 'note', ARGV[8], 'prev_progress', pp, 'prev_status', ps)
redis.call('HSET', KEYS[1], 'progress', p, 'status', s, 'last_update', ARGV[1],
  'updated_at', ARGV[4], 'activity_ms', ARGV[5], 'reminders', '0')
t['progress'], t['status'], t['last_update'] = p, s, ARGV[1]
t['updated_at'], t['activity_ms'], t['reminders'] = ARGV[4], ARGV[5], '0'
reindexWith(KEYS[6], KEYS[7], ARGV[2], s, t['due'], ARGV[5], t['owner'], t['archived'])
redis.call('LPUSH', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('SET', KEYS[5], ARGV[1])
return reply(pp, ps)
`)

// withdrawScript undoes an update, and takes it out of the workspace's
// time log so digests neither list nor count it.
// KEYS: update, due, stale, ws log. ARGV: target key prefix ("<prefix>:{ws}:t:"), withdrawn-at, id.
// Returns {update HGETALL, target HGETALL}.
//
// The target's key is only known once the update is read, so the script
// builds it from ARGV[1] and the update's ref rather than declaring it.
// ARGV[1] carries the same {ws} hash tag as KEYS, so the key is in the
// slot the script runs on, which is all Redis Cluster requires of keys
// a script reaches; declaring it would cost a second round trip.
var withdrawScript = redis.NewScript(luaReindex + `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('TBNOTFOUND') end
local u = redis.call('HMGET', KEYS[1], 'target', 'withdrawn', 'prev_progress', 'prev_status')
local ref = u[1]
local tkey = ARGV[1] .. ref
if u[2] == '1' then
  -- A retry of this very call (same time) succeeded the first time.
  if redis.call('HGET', KEYS[1], 'withdrawn_at') == ARGV[2] then
    return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', tkey)}
  end
  return redis.error_reply('TBWITHDRAWN')
end
if redis.call('EXISTS', tkey) == 0 then return redis.error_reply('TBNOTFOUND') end
if redis.call('HGET', tkey, 'archived') == '1' then return redis.error_reply('TBARCHIVED ' .. ref) end
if redis.call('HGET', tkey, 'last_update') ~= ARGV[3] then return redis.error_reply('TBNOTLAST') end
redis.call('HSET', KEYS[1], 'withdrawn', '1', 'withdrawn_at', ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[3])
redis.call('HSET', tkey, 'progress', u[3], 'status', u[4], 'last_update', '')
reindex(tkey, KEYS[2], KEYS[3], ref)
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', tkey)}
`)

// importScript adds a framework's missing targets and records the import,
// and the workspace's first grading cycle if it has none.
// New targets have no owner, so they join no index yet.
// KEYS: fws, targets, settings, then one target key per target.
// ARGV: framework id, created-at, created ms, first cycle name, then
// objective, code, title per target.
// Returns how many targets it added.
var importScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[3], 'cycle', ARGV[4]) == 1 then
  redis.call('HSET', KEYS[3], 'cycle_started', ARGV[2])
end
local n = 0
for i = 4, #KEYS do
  local j = 5 + (i - 4) * 3
  if redis.call('EXISTS', KEYS[i]) == 0 then
    local ref = ARGV[1] .. '/' .. ARGV[j+1]
    redis.call('HSET', KEYS[i], 'framework', ARGV[1], 'objective', ARGV[j], 'code', ARGV[j+1],
      'title', ARGV[j+2], 'status', 'not-started', 'progress', '0', 'created_at', ARGV[2], 'activity_ms', ARGV[3])
    redis.call('SADD', KEYS[2], ref)
    n = n + 1
  end
end
redis.call('SADD', KEYS[1], ARGV[1])
return n
`)

// addScript adds one custom target.
// KEYS: fws, targets, target, due, stale. ARGV: framework id, ref, then field/value pairs.
var addScript = redis.NewScript(luaReindex + `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return redis.error_reply('TBNOFRAMEWORK') end
if redis.call('EXISTS', KEYS[3]) == 1 then return redis.error_reply('TBEXISTS') end
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i+1])
end
redis.call('SADD', KEYS[2], ARGV[2])
reindex(KEYS[3], KEYS[4], KEYS[5], ARGV[2])
return 1
`)

// remindedScript counts a reminder against each target that exists;
// HINCRBY alone would create hashes for missing refs.
// KEYS: target keys.
var remindedScript = redis.NewScript(`
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('HINCRBY', KEYS[i], 'reminders', 1) end
end
return #KEYS
`)

// putSubScript creates or replaces a digest subscription.
// KEYS: sub, subs. ARGV: channel, then field/value pairs.
var putSubScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i+1])
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`)

// markDigestedScript sets a subscription's last digest time.
// KEYS: sub. ARGV: time.
var markDigestedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('TBNOTFOUND') end
redis.call('HSET', KEYS[1], 'last_digest', ARGV[1])
return 1
`)

// scripts are every script, loaded into Redis when the store opens, so
// the first call of each is EVALSHA like the rest. Redis forgets them
// when it restarts; every call then falls back to EVAL once.
var scripts = []*redis.Script{appendScript.Script, withdrawScript, importScript, addScript, remindedScript,
	putSubScript, markDigestedScript, changeScript, evidenceScript, cycleScript}

// loadScripts loads every script, once, when the store opens. (Not in a
// pipeline: Script.Load keeps the hash SCRIPT LOAD answers, which a
// queued command does not have yet.) On Redis Cluster, SCRIPT LOAD goes
// to every master.
func (s *Store) loadScripts(ctx context.Context) error {
	for _, sc := range scripts {
		if err := sc.Load(ctx, s.c).Err(); err != nil {
			return err
		}
	}
	return nil
}

// runWith runs script in one pipeline together with the commands extra
// queues (writes to keys outside the workspace's slot, such as the global
// workspace list). It sends EVALSHA; if the server has not cached the
// script yet, it sends the pipeline again with EVAL, which caches it.
// The extra commands must be idempotent, since they may run twice.
func (s *Store) runWith(ctx context.Context, script *redis.Script, keys []string, args []any, extra func(redis.Pipeliner)) (*redis.Cmd, error) {
	run := func(sha bool) (*redis.Cmd, error) {
		var cmd *redis.Cmd
		_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			if sha {
				cmd = script.EvalSha(ctx, p, keys, args...)
			} else {
				cmd = script.Eval(ctx, p, keys, args...)
			}
			extra(p)
			return nil
		})
		return cmd, err
	}
	cmd, err := run(true)
	if cmd != nil && redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd, err = run(false)
	}
	if cmd != nil && cmd.Err() != nil {
		return cmd, cmd.Err()
	}
	return cmd, err
}

// scriptError returns the marker a script raised ("TBNOTFOUND" and the
// like), or "" for any other error.
func scriptError(err error) string {
	var re redis.Error
	if !errors.As(err, &re) {
		return ""
	}
	for _, m := range []string{errNotFound, errNoFramework, errExists, errWithdrawn, errNotLast, errDoneBelow100, errArchived, errNoChange, errReplayed} {
		if redis.HasErrorPrefix(err, m) {
			return m
		}
	}
	return ""
}
