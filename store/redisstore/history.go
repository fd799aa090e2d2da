package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// A target's history has two shapes. While it is short, its records are
// inline: one value of the workspace's hash "<prefix>:{ws}:ups", under
// the target's ref, the records framed (frameRecords) and newest made
// first. Once its records would pass inlineMax bytes there, the update's
// script moves them all to the target's own list, "<prefix>:{ws}:t:<ref>:ups",
// takes the target's field out of the hash, and pushes every later
// record onto the list. Either way the history reads as the inline
// records followed by the list's: every reader here reads both
// (historyRead), so a target that has only a list, as every target an
// earlier release wrote does, reads and takes updates as it always did.
//
// The list's own key, object and node cost about 250 bytes, which is
// more than two records; a hash field costs about 56 bytes and its
// value. So a target is given its (empty) field when it is created, by
// Import, AddTarget and Restore: its first update then adds only the
// record and its frame, and a short history costs its bytes
// (docs/PERFORMANCE.md, "Redis memory").

// inlineMax bounds a target's inline history, in bytes: its value, with
// the string's header, stays within one 2 KB allocation, about 16
// records with a sentence of note each. The list a longer history moves
// to then spreads its own cost over as many records.
const inlineMax = 2000

// frameSep ends a record's length in an inline history. Records are
// framed by length, not split by a separator, because the note, last in
// a record, may hold any byte.
const frameSep = "\x1e"

// luaFrames reads and writes inline histories in the scripts, as
// frameRecords and unframeRecords do here: unframe gives the records,
// newest first; frame frames one, to be put in front of the others.
var luaFrames = "\nlocal INLINE_MAX = " + strconv.Itoa(inlineMax) + `
local RS = '\30'
local function frame(rec) return #rec .. RS .. rec end
local function unframe(s)
  local recs, i = {}, 1
  while i <= #s do
    local j = string.find(s, RS, i, true)
    local n = j and tonumber(string.sub(s, i, j - 1))
    if not n then break end
    recs[#recs + 1] = string.sub(s, j + 1, j + n)
    i = j + n + 1
  end
  return recs
end
`

// luaHistory finds, rewrites and pushes records in a target's history,
// of either shape. It needs luaRecords and luaTarget (the newest inline
// record's time and id are its target's: see elide). full gives a
// record whole; find returns the index, the record (whole) and the
// fields of update id in ref's history, its index negative when inline
// (-1 the newest), reading the target from tkey only for a record that
// needs it; put writes a record over the one find found; push puts
// the record of fields f (whose time is f[1]) at the head, with its
// latest, inline while the history fits in INLINE_MAX, otherwise on
// its list, and moves the inline records there the first time.
var luaHistory = luaFrames + `
local function full(rec, t)
  if string.byte(rec, 1) ~= 31 or not t then return rec end
  local f = split(rec)
  f[1], f[6] = string.sub(t[I_updated_at], 1, 19), t[I_last_update]
  return join(f)
end
local function find(tkey, hkey, ref, key, id)
  local inl = redis.call('HGET', hkey, ref)
  if inl then
    for j, rec in ipairs(unframe(inl)) do
      if j == 1 and string.byte(rec, 1) == 31 then
        local s0 = redis.call('HGET', tkey, ref)
        rec = full(rec, s0 and unpackT(s0))
      end
      if string.find(rec, US .. id .. US, 1, true) then
        local f = split(rec)
        if f and f[6] == id then return -j, rec, f end
      end
    end
  end
  local i = 0
  while true do
    local chunk = redis.call('LRANGE', key, i, i + 99)
    for j, rec in ipairs(chunk) do
      if string.find(rec, US .. id .. US, 1, true) then
        local f = split(rec)
        if f and f[6] == id then return i + j - 1, rec, f end
      end
    end
    if #chunk < 100 then return nil end
    i = i + 100
  end
end
local function put(hkey, ref, key, idx, rec)
  if idx >= 0 then return redis.call('LSET', key, idx, rec) end
  local recs = unframe(redis.call('HGET', hkey, ref))
  recs[-idx] = rec
  for i = 1, #recs do recs[i] = frame(recs[i]) end
  redis.call('HSET', hkey, ref, table.concat(recs))
end
local function push(t, hkey, ref, key, f)
  local inl = redis.call('HGET', hkey, ref)
  local head, rest
  if inl and inl ~= '' then
    local j = string.find(inl, RS, 1, true)
    local n = tonumber(string.sub(inl, 1, j - 1))
    head, rest = full(string.sub(inl, j + 1, j + n), t), string.sub(inl, j + n + 1)
  else
    head = redis.call('LINDEX', key, 0)
  end
  f[2] = ''
  if head then
    local l = latestOf(head)
    if l > f[1] then f[2] = l end
  end
  local rec = join(f)
  if not rest and head then return redis.call('LPUSH', key, rec) end
  local time, id = f[1], f[6]
  f[1], f[6] = '', ''
  local v = frame(join(f)) .. (head and frame(head) or '') .. (rest or '')
  if #v <= INLINE_MAX then return redis.call('HSET', hkey, ref, v) end
  local recs = unframe(rest or '')
  if head then table.insert(recs, 1, head) end
  table.insert(recs, 1, rec)
  for i = 1, #recs / 2 do recs[i], recs[#recs + 1 - i] = recs[#recs + 1 - i], recs[i] end
  redis.call('LPUSH', key, unpack(recs))
  redis.call('HDEL', hkey, ref)
  f[1], f[6] = time, id
end
`

// shortHistories is the hash of the inline histories: ref -> records.
func (k keys) shortHistories() string { return string(k) + "ups" }

// frameRecords packs records, newest first, as an inline history.
func frameRecords(recs []string) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(strconv.Itoa(len(r)))
		b.WriteString(frameSep)
		b.WriteString(r)
	}
	return b.String()
}

// inlineHistory is the records of target t, newest first, framed as an
// inline history, its newest elided, and whether they fit in one (the
// update's script keeps the same bound).
func inlineHistory(recs []string, t *framework.Target) (string, bool) {
	if len(recs) > 0 {
		recs = append([]string{elide(recs[0], t)}, recs[1:]...)
	}
	n := 0
	for _, r := range recs {
		n += len(strconv.Itoa(len(r))) + len(frameSep) + len(r)
	}
	if n > inlineMax {
		return "", false
	}
	return frameRecords(recs), true
}

// unframeRecords reads an inline history's records, newest first.
func unframeRecords(v string) ([]string, error) {
	var recs []string
	for v != "" {
		size, rest, ok := strings.Cut(v, frameSep)
		n, err := strconv.Atoi(size)
		if !ok || err != nil || n < 0 || n > len(rest) {
			return nil, fmt.Errorf("redisstore: malformed inline history at %.30q", v)
		}
		recs = append(recs, rest[:n])
		v = rest[n:]
	}
	return recs, nil
}

// The newest record of an inline history is kept without its time and
// id when they are its target's updated_at and last_update, as they are
// after every update: each is stored once, which is what keeps a
// target's first update within its budget (docs/PERFORMANCE.md). Its
// time field is then empty, which a whole record's never is, and every
// reader puts the two back from the target read with it (fullRecord;
// full in the scripts). An update moves them back into the record it
// pushes down, and an undo, which clears last_update, writes its
// record whole; a restore elides what it can (elide).

// elide is rec, the newest record of an inline history, as it is kept
// under target t.
func elide(rec string, t *framework.Target) string {
	f := strings.SplitN(rec, recSep, recFields)
	if t == nil || len(f) != recFields || t.LastUpdate == "" || f[recID] != t.LastUpdate || !recTimeOK(t.UpdatedAt) || f[recTime] != fmtNanos(t.UpdatedAt) {
		return rec
	}
	f[recTime], f[recID] = "", ""
	return strings.Join(f, recSep)
}

// fullRecord is rec, read from an inline history under target t, whole.
func fullRecord(rec string, t *framework.Target) string {
	if rec == "" || rec[0] != recSep[0] || t == nil || !recTimeOK(t.UpdatedAt) {
		return rec
	}
	f := strings.SplitN(rec, recSep, recFields)
	if len(f) != recFields {
		return rec
	}
	f[recTime], f[recID] = fmtNanos(t.UpdatedAt), t.LastUpdate
	return strings.Join(f, recSep)
}

// inlineRecords reads the inline history v of target ref, packed as
// the targets' hash holds it, whole and newest first.
func inlineRecords(ref, v, packed string) ([]string, error) {
	recs, err := unframeRecords(v)
	if err != nil || len(recs) == 0 || recs[0] == "" || recs[0][0] != recSep[0] {
		return recs, err
	}
	t, err := decodeTarget(ref, packed)
	if err != nil {
		return nil, err
	}
	recs[0] = fullRecord(recs[0], &t)
	return recs, nil
}

// historyRead is one target's history queued in a pipeline: the target,
// its inline records and the head of its list, newest first. Queue it
// in a MULTI (TxPipelined), so that the target is the one its newest
// inline record was kept under.
type historyRead struct {
	ref    string
	target *redis.SliceCmd
	inline *redis.SliceCmd
	list   *redis.StringSliceCmd
	n      int64
}

// queueHistory queues the reads of ref's newest n records, or of every
// record for n <= 0.
func queueHistory(ctx context.Context, p redis.Pipeliner, k keys, ref string, n int64) historyRead {
	stop := n - 1
	if n <= 0 {
		stop = -1
	}
	// HMGET rather than HGET: a field that is not there is a nil, not
	// an error that would fail the whole pipeline.
	return historyRead{ref: ref, target: p.HMGet(ctx, k.targets(), ref), inline: p.HMGet(ctx, k.shortHistories(), ref),
		list: p.LRange(ctx, k.history(ref), 0, stop), n: n}
}

// exists reports whether the target was there.
func (h historyRead) exists() bool {
	_, ok := field(h.target)
	return ok
}

// records are the history's records read, whole, newest first.
func (h historyRead) records() ([]string, error) {
	recs, err := h.inlineRecords()
	if err != nil {
		return nil, err
	}
	recs = append(recs, h.list.Val()...)
	if h.n > 0 && int64(len(recs)) > h.n {
		recs = recs[:h.n]
	}
	return recs, nil
}

// inlineRecords are the inline records read, whole, newest first.
func (h historyRead) inlineRecords() ([]string, error) {
	v, _ := field(h.inline)
	packed, _ := field(h.target)
	return inlineRecords(h.ref, v, packed)
}

// field is the value an HMGET of one field answered, and whether there
// was one.
func field(cmd *redis.SliceCmd) (string, bool) {
	v := cmd.Val()
	if len(v) != 1 {
		return "", false
	}
	s, ok := v[0].(string)
	return s, ok
}
