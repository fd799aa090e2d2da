package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
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

// inlineHistory is records, newest first, framed as an inline history,
// and whether they fit in one (the update's script keeps the same bound).
func inlineHistory(recs []string) (string, bool) {
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

// historyRead is one target's history queued in a pipeline: its inline
// records and the head of its list, newest first.
type historyRead struct {
	inline *redis.SliceCmd
	list   *redis.StringSliceCmd
	n      int64
}

// queueHistory queues the reads of ref's newest n records, or of every
// record for n <= 0. In a MULTI, the two reads are of one moment.
func queueHistory(ctx context.Context, p redis.Pipeliner, k keys, ref string, n int64) historyRead {
	stop := n - 1
	if n <= 0 {
		stop = -1
	}
	// HMGET rather than HGET: a field that is not there is a nil, not
	// an error that would fail the whole pipeline.
	return historyRead{inline: p.HMGet(ctx, k.shortHistories(), ref), list: p.LRange(ctx, k.history(ref), 0, stop), n: n}
}

// records are the history's records read, newest first.
func (h historyRead) records() ([]string, error) {
	inline, err := inlineOf(h.inline)
	if err != nil {
		return nil, err
	}
	recs := append(inline, h.list.Val()...)
	if h.n > 0 && int64(len(recs)) > h.n {
		recs = recs[:h.n]
	}
	return recs, nil
}

// inlineOf reads the inline history an HMGET of one field answered.
func inlineOf(cmd *redis.SliceCmd) ([]string, error) {
	v := cmd.Val()
	if len(v) != 1 {
		return nil, nil
	}
	s, _ := v[0].(string)
	return unframeRecords(s)
}
