package redisstore

import "github.com/redis/go-redis/v9"

// The scripts behind Restore. Like withdrawScript, they reach keys they
// build from a base that carries the workspace's hash tag, so every key
// is in the slot the script runs on.

// luaKeysOf lists every key of a workspace laid out under base (the
// live "<prefix>:{ws}:" or a restore's staging prefix) as suffixes after
// base, by walking the layout from its sets and lists: the records that
// exist (sure), the lists and indexes that may be absent (maybe), and
// counts of targets, updates (the records in the targets' histories),
// events, subscriptions, workspace events and entries. It needs
// luaFrames, to count the inline histories' records. With legacy, the
// first layout's target and update keys are listed too (maybe), so that
// replacing a workspace removes them; a staging never has them, and its
// walk, in the commit that blocks Redis, skips them. Claims, the
// restores set and staged keys are not part of the layout.
const luaKeysOf = `
local function keysOf(base, legacy)
  local sure = {}
  local maybe = {'ws', 'fws', 'targets', 'subs', 'due', 'stale', 'last', 'log', 'evidence', 'cycles:started', 'cycles:closed', 'adapter', 'ens', 'wsev', 'ups'}
  local n = {0, 0, 0, 0, 0, 0}
  local users = {}
  if redis.call('EXISTS', base .. 'tg') == 1 then
    sure[#sure + 1] = 'tg'
    n[1] = redis.call('HLEN', base .. 'tg')
  end
  -- Every ref: the targets', and the first layout's (legacy.go), whose
  -- target hashes, update hashes and last-update pointers an upgrade's
  -- restore removes.
  local refs, seen = {}, {}
  local sets = {redis.call('HKEYS', base .. 'tg')}
  if legacy then sets[2] = redis.call('SMEMBERS', base .. 'targets') end
  for _, set in ipairs(sets) do
    for _, ref in ipairs(set) do
      if not seen[ref] then
        seen[ref] = true
        refs[#refs + 1] = ref
      end
    end
  end
  local lists = {':ups', ':events', ':evidence', ':urls'}
  if legacy then lists = {'', ':ups', ':log', ':events', ':evidence', ':urls'} end
  for _, ref in ipairs(refs) do
    local t = 't:' .. ref
    for _, list in ipairs(lists) do
      maybe[#maybe + 1] = t .. list
    end
    n[2] = n[2] + redis.call('LLEN', base .. t .. ':ups') + #unframe(redis.call('HGET', base .. 'ups', ref) or '')
    if legacy then
      for _, id in ipairs(redis.call('LRANGE', base .. t .. ':log', 0, -1)) do
        local author = redis.call('HGET', base .. 'u:' .. id, 'author')
        if author then
          maybe[#maybe + 1] = 'u:' .. id
          users[author] = true
        end
      end
    end
    for _, id in ipairs(redis.call('LRANGE', base .. t .. ':events', 0, -1)) do
      if redis.call('EXISTS', base .. 'e:' .. id) == 1 then
        sure[#sure + 1] = 'e:' .. id
        n[3] = n[3] + 1
      end
    end
  end
  for _, ch in ipairs(redis.call('SMEMBERS', base .. 'subs')) do
    if redis.call('EXISTS', base .. 'sub:' .. ch) == 1 then
      sure[#sure + 1] = 'sub:' .. ch
      n[4] = n[4] + 1
    end
  end
  for _, id in ipairs(redis.call('LRANGE', base .. 'wsev', 0, -1)) do
    if redis.call('EXISTS', base .. 'e:' .. id) == 1 then
      sure[#sure + 1] = 'e:' .. id
      n[5] = n[5] + 1
    end
  end
  for _, kind in ipairs(redis.call('SMEMBERS', base .. 'ens')) do
    if redis.call('EXISTS', base .. 'en:' .. kind) == 1 then
      sure[#sure + 1] = 'en:' .. kind
      n[6] = n[6] + redis.call('HLEN', base .. 'en:' .. kind)
    end
  end
  for user in pairs(users) do
    maybe[#maybe + 1] = 'last:' .. user
  end
  return sure, maybe, n
end
`

// commitScript moves a restore's staged keys into the workspace, in one
// atomic step. Everything that can refuse is checked before the first
// write: without replace, that the workspace holds nothing; and that
// the staging holds exactly the records the restore wrote (a staging
// dropped or expired under it, in part or whole, is refused). Then it
// removes the workspace's old keys (replace), renames every staged key
// into place (the due and stale indexes among them, which the stager
// built by reindex's rule, so that this step does not walk the
// targets), and counts the restore in the
// settings' "restored" field, which an export that reads records
// across a restore sees change (see Export).
// KEYS: settings, frameworks, targets (tg), subs, due, stale, restores;
// the adapter state, entry kinds and workspace events are built from the
// live base.
// ARGV: live base, staging base, token, "1" to replace, then the counts
// staged: targets, updates, events, subscriptions, workspace events,
// entries.
// Returns the counts moved, or TBEXISTS or TBSTAGING.
var commitScript = redis.NewScript(luaReindex + luaRecords + luaTarget + luaFrames + luaKeysOf + `
if ARGV[4] ~= '1' and redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1] .. 'adapter', ARGV[1] .. 'ens', ARGV[1] .. 'wsev') > 0 then
  return redis.error_reply('TBEXISTS')
end
local sure, maybe, n = keysOf(ARGV[2], false)
for i = 1, 6 do
  if n[i] ~= tonumber(ARGV[4 + i]) then
    return redis.error_reply('TBSTAGING staged ' .. table.concat(n, ',') .. ', expected ' .. table.concat(ARGV, ',', 5, 10))
  end
end
local restored = tonumber(redis.call('HGET', KEYS[1], 'restored') or '0') + 1
if ARGV[4] == '1' then
  local oldSure, oldMaybe = keysOf(ARGV[1], true)
  for _, s in ipairs(oldSure) do redis.call('DEL', ARGV[1] .. s) end
  for _, s in ipairs(oldMaybe) do redis.call('DEL', ARGV[1] .. s) end
end
for _, s in ipairs(sure) do redis.call('RENAME', ARGV[2] .. s, ARGV[1] .. s) end
for _, s in ipairs(maybe) do
  if redis.call('EXISTS', ARGV[2] .. s) == 1 then redis.call('RENAME', ARGV[2] .. s, ARGV[1] .. s) end
end
redis.call('HSET', KEYS[1], 'restored', restored)
redis.call('SREM', KEYS[7], ARGV[3])
return n
`)

// dropScript removes the staged keys of the restores named, and their
// tokens from the restores set.
// KEYS: restores. ARGV: live base, then tokens.
// Returns how many restores it dropped.
var dropScript = redis.NewScript(luaFrames + luaKeysOf + `
for i = 2, #ARGV do
  local base = ARGV[1] .. 'restore:' .. ARGV[i] .. ':'
  local sure, maybe = keysOf(base, false)
  for _, s in ipairs(sure) do redis.call('DEL', base .. s) end
  for _, s in ipairs(maybe) do redis.call('DEL', base .. s) end
  redis.call('SREM', KEYS[1], ARGV[i])
end
return #ARGV - 1
`)

// dropWorkspaceScript removes every key of a workspace's layout.
// KEYS: settings (for the slot). ARGV: live base.
// Returns the counts removed, as keysOf gives them.
var dropWorkspaceScript = redis.NewScript(luaFrames + luaKeysOf + `
local sure, maybe, n = keysOf(ARGV[1], true)
for _, s in ipairs(sure) do redis.call('DEL', ARGV[1] .. s) end
for _, s in ipairs(maybe) do redis.call('DEL', ARGV[1] .. s) end
return n
`)
