package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// AppendUpdate logs u in one script: it reads the target, records the
// previous progress and status, applies the update, re-indexes the
// target, puts the update's record in the target's history and points
// the author's last-update pointer at it, all atomically.
//
// With once set, the script takes its claim first, in the workspace's
// slot beside the update's keys: the replay check and the write are one
// round trip.
func (s *Store) AppendUpdate(ctx context.Context, ws string, u framework.Update, once store.Once) (framework.Update, framework.Target, error) {
	// A ref no target can have (one with ':') reaches the script too,
	// which takes the claim and finds no target in the targets' hash: it
	// writes nothing under the ref.
	if u.Time.IsZero() {
		u.Time = time.Now()
	}
	if !recTimeOK(u.Time) {
		return framework.Update{}, framework.Target{}, errRecTime(u.Time)
	}
	if err := storeText(u.Author); err != nil {
		return framework.Update{}, framework.Target{}, err
	}
	u.Withdrawn, u.WithdrawnAt = false, time.Time{}
	// The keys and arguments are written into one buffer (hotCall): this
	// is every command's write, and allocations per command are a goal.
	var buf [512]byte
	b := buf[:0]
	c := hotCall{script: appendScript}
	// KEYS: keys.targets, history, last, due, stale, the inline
	// histories (history.go), and claim.
	b = c.end(append(s.appendKeys(b, ws), "tg"...))
	b = c.end(append(append(append(s.appendKeys(b, ws), "t:"...), u.Target...), ":ups"...))
	b = c.end(append(s.appendKeys(b, ws), "last"...))
	b = c.end(append(s.appendKeys(b, ws), "due"...))
	b = c.end(append(s.appendKeys(b, ws), "stale"...))
	b = c.end(append(s.appendKeys(b, ws), "ups"...))
	if once.Key != "" {
		b = c.end(append(append(s.appendKeys(b, ws), "claim:"...), once.Key...))
	}
	c.endKeys()
	// ARGV: id, ref, author, time, time ms, progress, status, note, time
	// in ns, time's offset, and the claim's TTL in ms.
	b = c.end(s.ids.appendNext(b, u.Time))
	b = c.end(append(b, u.Target...))
	b = c.end(append(b, u.Author...))
	b = c.end(appendStamp(b, u.Time))
	b = c.end(strconv.AppendInt(b, u.Time.UnixMilli(), 10))
	b = c.end(strconv.AppendInt(b, int64(u.Progress), 10))
	b = c.end(append(b, u.Status...))
	b = c.end(append(b, u.Note...))
	b = c.end(appendNanos(b, u.Time))
	b = c.end(appendOffset(b, u.Time))
	if once.Key != "" {
		b = c.end(strconv.AppendInt(b, max(once.TTL.Milliseconds(), 1), 10))
	}
	const op = "append update to"
	text := c.cut(b)
	cmd, err := s.runHot(ctx, op, u.Target, &text)
	u.ID = text.arg(text.keys)
	switch scriptError(err) {
	case errReplayed:
		return framework.Update{}, framework.Target{}, framework.ErrReplayed.About(once.Key)
	case errNotFound:
		return framework.Update{}, framework.Target{}, notFoundTarget(u.Target)
	case errDoneBelow100:
		return framework.Update{}, framework.Target{}, framework.CheckDone(u.Target, 0, framework.Done)
	case errArchived:
		return framework.Update{}, framework.Target{}, framework.ErrArchived.About(u.Target)
	case errNoChange:
		// The reply is "TBNOCHANGE <status>": statuses have no spaces.
		status := strings.TrimSpace(strings.TrimPrefix(err.Error(), errNoChange))
		return framework.Update{}, framework.Target{}, framework.ErrNoChange.About(status)
	}
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(opName(op, u.Target), err)
	}
	reply := cmd.Val()
	if len(reply) != 3 {
		return framework.Update{}, framework.Target{}, s.fail(opName(op, u.Target), fmt.Errorf("unexpected script reply %q", reply))
	}
	pp, ps := reply[1], reply[2]
	t, err := decodeTarget(u.Target, reply[0])
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(opName(op, u.Target), err)
	}
	u.PrevProgress, u.PrevStatus = atoi(pp), framework.Status(ps)
	u.Progress, u.Status = t.Progress, t.Status
	return u, t, nil
}

// Updates reads a target's newest n updates, and whether it exists, in
// one MULTI: its history holds the records themselves.
func (s *Store) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	if !refKey(ref) {
		return nil, notFoundTarget(ref)
	}
	k := s.keys(ws)
	var h historyRead
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		h = queueHistory(ctx, p, k, ref, int64(n))
		return nil
	})
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	if !h.exists() {
		return nil, notFoundTarget(ref)
	}
	recs, err := h.records()
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	us, err := decodeUpdates(ref, recs)
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	return us, nil
}

// UpdatesSince reads the workspace's targets, then each target's
// history from its head, newest made first, down to the first record
// whose latest time is not after since (codec.go), in rounds of one
// pipeline each (the first a MULTI, see histories): for a digest,
// every history's head first, then reads sized so that what is read
// stays within half as much again as the window holds (see
// histories.read). The round trips grow with the logarithm of the
// deepest history in the window, never with the number of targets, nor
// with the updates before the window, and Redis runs no long script (a
// pipeline's commands interleave with other clients'). Only the records
// returned are decoded.
func (s *Store) UpdatesSince(ctx context.Context, ws string, since, until time.Time, limit int) ([]framework.Update, int, error) {
	h, ok, err := s.histories(ctx, ws, since, until)
	if err != nil || !ok {
		return nil, 0, err
	}
	w := window{since: h.lo, until: h.hi, limit: limit}
	// A digest (a limit) reads the heads first, whose latest times say
	// whether a history has anything after since at all (most, in a
	// week, do not), then sizes its reads to the window.
	if err := h.read(ctx, limit > 0, false, func(int) *window { return &w }, nil); err != nil {
		return nil, 0, s.fail("updates since", err)
	}
	out := make([]framework.Update, 0, len(w.found))
	for _, f := range w.found {
		u, err := decodeUpdate(f.ref, f.rec)
		if err != nil {
			return nil, 0, s.fail("updates since", err)
		}
		out = append(out, u)
	}
	sortUpdates(out)
	return out, w.count, nil
}

// EachUpdate reads the histories as UpdatesSince does, sizing its reads
// to the window as a digest does, and hands each target's updates in
// the window to fn, oldest first, as soon as its history is read down
// to since: it holds the records of the histories still being read, not
// the whole window.
func (s *Store) EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error {
	h, ok, err := s.histories(ctx, ws, since, until)
	if err != nil || !ok {
		return err
	}
	wins := make([]window, len(h.refs))
	for i := range wins {
		wins[i] = window{since: h.lo, until: h.hi}
	}
	var fnErr error
	err = h.read(ctx, true, true, func(i int) *window { return &wins[i] }, func(i int) bool {
		w := &wins[i]
		if len(w.found) == 0 {
			return true
		}
		us := make([]framework.Update, 0, len(w.found))
		for _, f := range w.found {
			u, err := decodeUpdate(f.ref, f.rec)
			if err != nil {
				fnErr = s.fail("each update", err)
				return false
			}
			us = append(us, u)
		}
		w.found = nil
		sortUpdates(us)
		if err := fn(us); err != nil {
			fnErr = err
			return false
		}
		return true
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return s.fail("each update", err)
	}
	return nil
}

// sortUpdates puts updates oldest first; updates at one instant in the
// order they were made.
func sortUpdates(us []framework.Update) {
	slices.SortFunc(us, func(a, b framework.Update) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
}

// maxHistoryRead bounds the records one LRANGE of UpdatesSince asks for
// (about 2 MB of them).
const maxHistoryRead = 16384

// window gathers UpdatesSince's answer from records read newest made
// first: how many stand in it, and the newest limit of them (all, for a
// limit <= 0).
type window struct {
	since, until string // ns in 19 digits, "" for no bound
	limit        int
	count        int
	found        []found // with a limit, kept newest first and at most limit long
}

type found struct{ ref, rec, ts, id string }

// scan takes a history's records in order, and reports whether the
// records after them may still be in the window.
func (w *window) scan(ref string, recs []string) bool {
	for _, rec := range recs {
		if len(rec) < 22 || (rec[20] != recSep[0] && len(rec) < 41) {
			continue // malformed: written by nothing in this package
		}
		ts, latest, withdrawn := rec[:19], rec[:19], rec[21] != recSep[0]
		if rec[20] != recSep[0] { // made out of time order: it carries the latest time before it
			latest, withdrawn = rec[20:39], rec[40] != recSep[0]
		}
		if w.since != "" && latest <= w.since {
			return false
		}
		if ts <= w.since || (w.until != "" && ts > w.until) || withdrawn {
			continue
		}
		w.count++
		if w.limit <= 0 {
			w.found = append(w.found, found{ref: ref, rec: rec})
			continue
		}
		f := found{ref: ref, rec: rec, ts: ts, id: recordID(rec)}
		if len(w.found) == w.limit && !f.newer(&w.found[w.limit-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(w.found, &f, func(a found, b *found) int {
			if b.newer(&a) {
				return 1
			}
			return -1
		})
		w.found = slices.Insert(w.found, i, f)
		if len(w.found) > w.limit {
			w.found = w.found[:w.limit]
		}
	}
	return true
}

// newer orders records by time, then by id as compareIDs does.
func (f *found) newer(g *found) bool {
	if f.ts != g.ts {
		return f.ts > g.ts
	}
	return compareIDs(f.id, g.id) > 0
}

// recordID is a record's id field.
func recordID(rec string) string {
	f := strings.SplitN(rec, recSep, recID+2)
	if len(f) < recID+2 {
		return ""
	}
	return f[recID]
}

// earlier of two times.
func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// LastUpdateBy follows the user's last-update pointer, which names the
// target and the id, to the record in the target's history.
func (s *Store) LastUpdateBy(ctx context.Context, ws, user string) (framework.Update, error) {
	k := s.keys(ws)
	ptr, err := s.c.HGet(ctx, k.last(), user).Result()
	if errors.Is(err, redis.Nil) {
		return framework.Update{}, framework.ErrNoUpdate.About(user)
	}
	if err != nil {
		return framework.Update{}, s.fail("last update by "+user, err)
	}
	ref, id, ok := strings.Cut(ptr, recSep)
	if !ok {
		return framework.Update{}, framework.ErrNoUpdate.About(user)
	}
	// The user's last update is usually among the target's newest: read
	// the inline records and the list's head first, a few records, then
	// on down the list.
	op := "last update by " + user
	in := func(recs []string) (framework.Update, bool) {
		for _, rec := range recs {
			if !strings.Contains(rec, recSep+id+recSep) {
				continue
			}
			if u, err := decodeUpdate(ref, rec); err == nil && u.ID == id {
				return u, true
			}
		}
		return framework.Update{}, false
	}
	const head = 16
	var h historyRead
	if _, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		h = queueHistory(ctx, p, k, ref, head)
		return nil
	}); err != nil {
		return framework.Update{}, s.fail(op, err)
	}
	inline, err := h.inlineRecords()
	if err != nil {
		return framework.Update{}, s.fail(op, err)
	}
	if u, ok := in(inline); ok {
		return u, nil
	}
	recs, asked := h.list.Val(), int64(head)
	for from := int64(0); ; {
		if u, ok := in(recs); ok {
			return u, nil
		}
		if int64(len(recs)) < asked {
			return framework.Update{}, framework.ErrNoUpdate.About(user)
		}
		from, asked = from+asked, min(4*asked, maxHistoryRead)
		if recs, err = s.c.LRange(ctx, k.history(ref), from, from+asked-1).Result(); err != nil {
			return framework.Update{}, s.fail(op, err)
		}
	}
}

// Withdraw undoes update id in one script.
func (s *Store) Withdraw(ctx context.Context, ws, id string, at time.Time) (framework.Update, framework.Target, error) {
	if !recTimeOK(at) {
		return framework.Update{}, framework.Target{}, errRecTime(at)
	}
	k := s.keys(ws)
	v, err := withdrawScript.Run(ctx, s.c, []string{k.targets(), k.due(), k.stale(), k.last()},
		string(k), fmtNanos(at), fmtOffset(at), id).StringSlice()
	switch scriptError(err) {
	case "":
	case errNotFound:
		return framework.Update{}, framework.Target{}, framework.ErrUpdateNotFound.About(id)
	case errWithdrawn:
		return framework.Update{}, framework.Target{}, framework.ErrAlreadyWithdrawn.About(id)
	case errNotLast:
		return framework.Update{}, framework.Target{}, framework.ErrNotLatest.About(id)
	case errArchived:
		// The reply is "TBARCHIVED <ref>".
		return framework.Update{}, framework.Target{}, framework.ErrArchived.About(strings.TrimSpace(strings.TrimPrefix(err.Error(), errArchived)))
	}
	op := "withdraw update " + id
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	if len(v) != 3 {
		return framework.Update{}, framework.Target{}, s.fail(op, fmt.Errorf("unexpected script reply of %d values", len(v)))
	}
	u, err := decodeUpdate(v[0], v[1])
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	t, err := decodeTarget(v[0], v[2])
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	return u, t, nil
}
