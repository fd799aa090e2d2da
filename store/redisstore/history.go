package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// A target's history is in two parts. Its newest records are inline: one
// value of the workspace's hash "<prefix>:{ws}:ups", under the target's
// ref, the records framed (frameRecords), newest made first. When an
// update would take them past inlineMax bytes, the update's script moves
// them, in one push, to the head of the target's own list,
// "<prefix>:{ws}:t:<ref>:ups", which holds the older records, newest
// first too; the new record then starts the inline part again, until
// the list is long (deepHistory). So the history reads as the inline
// records followed by the list's, and every reader here reads both
// (historyRead). A target an earlier release wrote has no field in the
// hash: one with a list keeps taking its updates there, and reads as it
// always did; one without starts its inline part.
//
// The list's own key, object and node cost about 160 bytes, more than a
// record; a hash field costs about 56 bytes and its value. So a short
// history has no list at all, and a target is given its (empty) field
// when it is created, by Import, AddTarget and Restore: its first update
// then adds only the record and its frame. The list grows by whole
// batches of just under 1 KB, so each of its nodes stays just within an
// allocation size instead of crossing one by a record and wasting up to
// a quarter of it (docs/PERFORMANCE.md, "Redis memory").

// inlineMax bounds a target's inline history, in bytes: about 8
// records with a sentence of note each. Its value stays within one 1 KB
// allocation, and so does the batch it moves to the list, whose newest
// record gets back its time and id (43 bytes) on the way; a list node
// of whole batches then stays within a multiple of 1 KB, which is an
// allocation size up to 8 KB. Every update of a history that is not deep
// rewrites its inline value, which is why it is no longer.
const inlineMax = 960

// deepHistory is the length of list past which a history is deep: its
// records then all go to its list, one push each, as before there were
// inline records, and its field in the inline hash is removed. Its
// list's first node is then full (about 8 KB), and the rounding of a
// growing node's allocation weighs little over so many records; while
// the list is shorter, moving records there in whole batches keeps its
// node's size just within an allocation. A deep history's update then
// does what it did before there were inline records, and rewrites none.
const deepHistory = 64

// frameSep ends a record's length in an inline history. Records are
// framed by length, not split by a separator, because the note, last in
// a record, may hold any byte.
const frameSep = "\x1e"

// luaFrames reads and writes inline histories in the scripts, as
// frameRecords and unframeRecords do here: unframe gives the records,
// newest first; frame frames one, to be put in front of the others.
var luaFrames = "\nlocal INLINE_MAX, DEEP = " + strconv.Itoa(inlineMax) + ", " + strconv.Itoa(deepHistory) +
	"\nlocal RS = '\\" + strconv.Itoa(int(frameSep[0])) + "'" + `
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
// inline and listed. It needs luaRecords and luaTarget (the newest inline
// record's time and id are its target's: see elide). full gives a
// record whole; find returns the index, the record (whole) and the
// fields of update id in ref's history, its index negative when inline
// (-1 the newest), reading the target from tkey only for a record that
// needs it; put writes a record over the one find found; push puts
// the record of fields f (whose time is f[1]) at the head of the inline
// part, with its latest, elided, first moving the inline records to the
// list if they would not fit with it, or onto the list of a deep
// history (deepHistory).
var luaHistory = luaFrames + `
local function full(rec, t)
  if string.byte(rec, 1) ~= 31 or not t then return rec end
  local p = 1
  for _ = 1, 4 do p = string.find(rec, US, p + 1, true) end
  return string.sub(t[I_updated_at], 1, 19) .. string.sub(rec, 1, p) .. t[I_last_update] .. string.sub(rec, p + 1)
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
    head, rest = full(string.sub(inl, j + 1, j + n), t), j + n + 1
  else
    head = redis.call('LINDEX', key, 0)
  end
  f[2] = ''
  if head then
    local l = latestOf(head)
    if l > f[1] then f[2] = l end
  end
  if not inl and head then return redis.call('LPUSH', key, join(f)) end
  local time, id = f[1], f[6]
  f[1], f[6] = '', ''
  local new = frame(join(f))
  if not rest then return redis.call('HSET', hkey, ref, new) end
  local old = frame(head)
  if #new + #old + #inl - rest + 1 <= INLINE_MAX then
    return redis.call('HSET', hkey, ref, new .. old .. string.sub(inl, rest))
  end
  local recs = unframe(string.sub(inl, rest))
  table.insert(recs, 1, head)
  for i = 1, #recs / 2 do recs[i], recs[#recs + 1 - i] = recs[#recs + 1 - i], recs[i] end
  if redis.call('LPUSH', key, unpack(recs)) < DEEP then return redis.call('HSET', hkey, ref, new) end
  f[1], f[6] = time, id
  redis.call('LPUSH', key, join(f))
  redis.call('HDEL', hkey, ref)
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

// splitHistory parts the records of target t, newest first, much as
// the update's script would have: the newest that fit in inlineMax
// bytes framed as its inline history, its newest elided, and the rest
// for its list; or, for a deep history, every record for the list.
func splitHistory(recs []string, t *framework.Target) (inline string, listed []string, deep bool) {
	inline, n, deep := inlinePart(recs, len(recs), t)
	if deep {
		return "", recs, true
	}
	return inline, recs[n:], false
}

// maxInline is the most records an inline history can hold: its newest,
// elided, and whole records, each at least a 19-digit time and its
// fields' separators, framed by a length of at least two digits. So
// the newest maxInline records of a history are all its inline part
// can be made of, which is what a reader of a long list needs (repack).
const maxInline = 1 + inlineMax/(2+len(frameSep)+19+(recFields-1)*len(recSep))

// inlinePart is splitHistory's rule for a history of total records,
// given only its newest, recs, newest first (at least maxInline of
// them, or all): the inline history, made of the first n of recs, or
// deep when the records left for the list would be deepHistory or more.
func inlinePart(recs []string, total int, t *framework.Target) (inline string, n int, deep bool) {
	if len(recs) == 0 {
		return "", 0, false
	}
	head := elide(recs[0], t)
	framed := func(r string) int { return len(strconv.Itoa(len(r))) + len(frameSep) + len(r) }
	size, i := framed(head), 1
	for ; i < len(recs) && size+framed(recs[i]) <= inlineMax; i++ {
		size += framed(recs[i])
	}
	if total-i >= deepHistory {
		return "", 0, true
	}
	return frameRecords(append([]string{head}, recs[1:i]...)), i, false
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
