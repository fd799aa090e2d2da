package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// The Lua scripts that make each write one atomic round trip. The keys a
// script touches are in KEYS, but for those withdraw, commit and drop
// build from a base that carries the same {ws} hash tag (see there). All
// keys of a call are in one workspace, so on Redis Cluster the whole
// script runs on one slot.

// reindex keeps a target's entries in the due and stale indexes in step
// with its status, due date, owner, latest activity and archiving: open,
// live targets are in due when they have a date, and in stale when they
// have an owner; done and archived targets are in neither.
//
// reindexWith takes the fields' values (a missing one is nil or ""); the
// scripts that unpack a target call reindexT (luaTarget).
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
`

// luaRecords reads and writes update records (see encodeUpdate): the
// separator, the status letters (made from statusCodes), splitting and
// joining, and a record's "latest" time. luaHistory finds and pushes
// them.
var luaRecords = func() string {
	var codes, words []string
	for _, st := range framework.Statuses {
		codes = append(codes, fmt.Sprintf("[%q] = %q", st, statusCodes[st]))
		words = append(words, fmt.Sprintf("[%q] = %q", statusCodes[st], st))
	}
	return "\nlocal statusCode = {" + strings.Join(codes, ", ") + "}\nlocal statusWord = {" + strings.Join(words, ", ") + "}" + luaRecordsBody
}()

const luaRecordsBody = `
local US = '\31'
local function code(s) return statusCode[s] or s end
local function word(c) return statusWord[c] or c end
local function split(rec)
  local f, start = {}, 1
  for i = 1, 11 do
    local j = string.find(rec, US, start, true)
    if not j then return nil end
    f[i] = string.sub(rec, start, j - 1)
    start = j + 1
  end
  f[12] = string.sub(rec, start)
  return f
end
local function join(f) return table.concat(f, US, 1, 12) end
-- latestOf is the latest time of a record and every one before it.
local function latestOf(rec)
  if string.byte(rec, 21) == 31 then return string.sub(rec, 1, 19) end
  return string.sub(rec, 21, 39)
end
`

// luaTarget unpacks and packs a target (encodeTarget): unpackT gives the
// array of its fields, in targetFields' order, which the scripts read and
// change by index (I_status, I_progress…: one local per field, generated
// here), and packT makes the string again; statuses stay letters in the
// array. reindexT keeps the due and stale indexes in step with a target.
// It needs luaRecords (the separator, the status letters). An array and
// one pattern cost about half of a table of named fields filled by a
// find and a sub per field (measured: a loop of each in one script).
var luaTarget = func() string {
	var names, index []string
	for i, f := range targetFields {
		names = append(names, "I_"+f)
		index = append(index, strconv.Itoa(i+1))
	}
	pattern := "^" + strings.Repeat(`([^\31]*)\31`, len(targetFields)-1) + "(.*)$"
	return "\nlocal " + strings.Join(names, ", ") + " = " + strings.Join(index, ", ") +
		"\nlocal NT, TP = " + strconv.Itoa(len(targetFields)) + ", '" + pattern + "'" + `
local function unpackT(s)
  local v = {string.match(s, TP)}
  if #v ~= NT then return nil end
  return v
end
local function packT(v) return table.concat(v, US, 1, NT) end
local function reindexT(duekey, stalekey, ref, v)
  reindexWith(duekey, stalekey, ref, word(v[I_status]), v[I_due], v[I_activity_ms], v[I_owner], v[I_archived])
end
`
}()

// appendScript logs an update. An archived target takes none, and an
// update with no note that leaves progress and status as they are is
// refused (TBNOCHANGE, then the current status).
// KEYS: targets (tg), the target's history list, last, due, stale, the
// inline histories (history.go), and a claim to take first (store.Once),
// if any.
// ARGV: id, ref, author, time (a stamp, fmtStamp), time ms, progress (-1 keeps it), status ("" keeps it), note,
// time in ns, time's offset, and the claim's TTL in ms.
// Returns {the target packed, prev progress, prev status}: strings,
// which go-redis reads without boxing each.
//
// The id is made client-side, so a call that go-redis retries after a
// dropped connection finds its update already stored (the target's last
// update) and returns it instead of applying it twice (or refusing it as
// a replay of itself). The claim comes before every other check, so a
// replayed request is refused whatever else has changed since.
//
// Every command's write runs it, so it reads the target once, as one
// string, whose fields answer every check and the re-indexing, writes it
// back as one string and returns it: a hash of the target's fields cost
// more to read into Lua and to send back than all the script's writes
// (docs/PERFORMANCE.md). The update itself is one record pushed onto the
// target's history, inline or on its list (push).
var appendScript = newHotScript("append", luaReindex+luaRecords+luaTarget+luaHistory, `
local s0 = redis.call('HGET', KEYS[1], ARGV[2])
local t = s0 and unpackT(s0)
if t and t[I_last_update] == ARGV[1] then
  local _, _, f = find(KEYS[1], KEYS[6], ARGV[2], KEYS[2], ARGV[1])
  if f then return {s0, f[10], word(f[11])} end
end
-- The claim holds the update's id, so that a resend of this very call
-- finds the claim its own.
if KEYS[7] and not redis.call('SET', KEYS[7], ARGV[1], 'PX', ARGV[11], 'NX')
    and redis.call('GET', KEYS[7]) ~= ARGV[1] then
  return redis.error_reply('TBREPLAYED')
end
if not t then return redis.error_reply('TBNOTFOUND') end
if t[I_archived] == '1' then return redis.error_reply('TBARCHIVED') end
local pp = t[I_progress]
if pp == '' then pp = '0' end
local ps = word(t[I_status])
if ps == '' then ps = 'not-started' end
local p = ARGV[6]
if p == '-1' then p = pp end
local s = ARGV[7]
-- framework.NextStatus: progress above 0 on a target not started puts it on track.
if s == '' then
  if ps == 'not-started' and tonumber(p) > 0 then s = 'on-track' else s = ps end
end
if s == 'done' and p ~= '100' then return redis.error_reply('TBDONEBELOW100') end
if ARGV[8] == '' and p == pp and s == ps then return redis.error_reply('TBNOCHANGE ' .. ps) end
push(t, KEYS[6], ARGV[2], KEYS[2], {ARGV[9], '', '', ARGV[10], '', ARGV[1], ARGV[3], p, code(s), pp, code(ps), ARGV[8]})
t[I_progress], t[I_status], t[I_last_update] = p, code(s), ARGV[1]
t[I_updated_at], t[I_activity_ms], t[I_reminders] = ARGV[4], ARGV[5], '0'
local packed = packT(t)
redis.call('HSET', KEYS[1], ARGV[2], packed)
reindexT(KEYS[4], KEYS[5], ARGV[2], t)
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2] .. US .. ARGV[1])
return {packed, pp, ps}
`)

// withdrawScript undoes an update: it marks the update's record
// withdrawn (digests then neither list nor count it) and puts the
// target back as the update found it.
// KEYS: targets (tg), due, stale, last. ARGV: the workspace's key base
// ("<prefix>:{ws}:"), withdrawn-at in ns, its offset, id.
// Returns {ref, the update's record, the target packed}.
//
// Only a target's newest update in force may be withdrawn (its last
// update, or one whose every later update was withdrawn), so the script
// looks for the update among the users' last updates (undo withdraws its user's);
// failing that it looks through every history, to find it or say why
// not (withdrawn already, not the latest, or no such update): that costs
// a scan of the record, and only an id no pointer names takes it. The keys it reaches are built from ARGV[1], which
// carries the same {ws} hash tag as KEYS, so they are in the slot the
// script runs on, which is all Redis Cluster requires of keys a script
// reaches; declaring them would cost a second round trip.
var withdrawScript = redis.NewScript(luaReindex + luaRecords + luaTarget + luaHistory + `
local base, id = ARGV[1], ARGV[4]
local ref, idx, rec, f
-- Undo withdraws its user's last update, which the last-update pointers
-- name with its target.
for _, ptr in ipairs(redis.call('HVALS', KEYS[4])) do
  local r, pid = string.match(ptr, '^(.*)' .. US .. '([^' .. US .. ']*)$')
  if pid == id then
    idx, rec, f = find(KEYS[1], base .. 'ups', r, base .. 't:' .. r .. ':ups', id)
    if rec then ref = r end
    break
  end
end
if not rec then
  for _, r in ipairs(redis.call('HKEYS', KEYS[1])) do
    idx, rec, f = find(KEYS[1], base .. 'ups', r, base .. 't:' .. r .. ':ups', id)
    if rec then ref = r break end
  end
end
if not rec then return redis.error_reply('TBNOTFOUND') end
local s0 = redis.call('HGET', KEYS[1], ref)
if f[3] ~= '' then
  -- A retry of this very call (same time) succeeded the first time.
  if s0 and f[3] == ARGV[2] and f[5] == ARGV[3] then return {ref, rec, s0} end
  return redis.error_reply('TBWITHDRAWN')
end
local t = s0 and unpackT(s0)
if not t then return redis.error_reply('TBNOTFOUND') end
if t[I_archived] == '1' then return redis.error_reply('TBARCHIVED ' .. ref) end
if t[I_last_update] ~= id then
  -- It is still the newest in force when every update pushed after it
  -- (those before it in the list) was withdrawn.
  if t[I_last_update] ~= '' then return redis.error_reply('TBNOTLAST') end
  -- Those are the inline records before it, or all of them and the
  -- listed ones before it (history.go).
  local inl = redis.call('HGET', base .. 'ups', ref)
  local newer = inl and unframe(inl) or {}
  local n = #newer
  if idx < 0 then n = -idx - 1 end
  for j = 1, n do
    local g = split(full(newer[j], t))
    if not g or g[3] == '' then return redis.error_reply('TBNOTLAST') end
  end
  if idx > 0 then
    for _, r in ipairs(redis.call('LRANGE', base .. 't:' .. ref .. ':ups', 0, idx - 1)) do
      local g = split(r)
      if not g or g[3] == '' then return redis.error_reply('TBNOTLAST') end
    end
  end
end
f[3], f[5] = ARGV[2], ARGV[3]
rec = join(f)
put(base .. 'ups', ref, base .. 't:' .. ref .. ':ups', idx, rec)
t[I_progress], t[I_status], t[I_last_update] = f[10], f[11], ''
local packed = packT(t)
redis.call('HSET', KEYS[1], ref, packed)
reindexT(KEYS[2], KEYS[3], ref, t)
return {ref, rec, packed}
`)

// importScript adds a framework's missing targets and records the import,
// and the workspace's first grading cycle if it has none.
// New targets have no owner, so they join no index yet; each is given
// its empty inline history (history.go).
// KEYS: fws, targets (tg), settings, inline histories.
// ARGV: framework id, created-at, created ms, first cycle name, then
// ref and packed target per target.
// Returns how many targets it added.
var importScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[3], 'cycle', ARGV[4]) == 1 then
  redis.call('HSET', KEYS[3], 'cycle_started', ARGV[2])
end
local n = 0
for i = 5, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    n = n + 1
    redis.call('HSETNX', KEYS[4], ARGV[i], '')
  end
end
redis.call('SADD', KEYS[1], ARGV[1])
return n
`)

// addScript adds one custom target, with its empty inline history.
// KEYS: fws, targets (tg), due, stale, inline histories. ARGV: framework id, ref, the target packed.
var addScript = redis.NewScript(luaReindex + luaRecords + luaTarget + `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return redis.error_reply('TBNOFRAMEWORK') end
if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3]) == 0 then return redis.error_reply('TBEXISTS') end
redis.call('HSETNX', KEYS[5], ARGV[2], '')
reindexT(KEYS[3], KEYS[4], ARGV[2], unpackT(ARGV[3]))
return 1
`)

// remindedScript counts a reminder against each target that exists.
// KEYS: targets (tg). ARGV: refs.
var remindedScript = redis.NewScript(luaRecords + luaTarget + `
for i = 1, #ARGV do
  local s0 = redis.call('HGET', KEYS[1], ARGV[i])
  local t = s0 and unpackT(s0)
  if t then
    t[I_reminders] = tostring((tonumber(t[I_reminders]) or 0) + 1)
    redis.call('HSET', KEYS[1], ARGV[i], packT(t))
  end
end
return #ARGV
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

// delSubScript removes a digest subscription, and returns 0 when there
// was none. KEYS: sub, subs. ARGV: channel.
var delSubScript = redis.NewScript(`
local n = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return n
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
	putSubScript, delSubScript, markDigestedScript, changeScript, evidenceScript, cycleScript, entriesScript}

// load loads the scripts, and the hot scripts' functions, into Redis.
// Neither is needed to serve: a script Redis has not cached is sent whole,
// and without functions the hot scripts run as scripts.
func (s *Store) load(ctx context.Context) {
	if err := s.loadScripts(ctx); err != nil {
		s.log.Warn("could not load the Lua scripts into Redis; each is loaded on first use", "err", err)
	}
	if err := s.loadFunctions(ctx); refused(err, "function", "function|load") {
		s.log.Info("Redis Functions are not available (Redis before 7.0, or a user not allowed FUNCTION LOAD); the update runs as a script, at some more Redis CPU", "err", err)
	} else if err != nil {
		s.log.Warn("could not load the update's Functions library into Redis; the update runs as a script", "err", err)
	}
}

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
	if err == nil {
		return ""
	}
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
