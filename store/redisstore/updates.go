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
	// KEYS: keys.targets, history, last, due, stale, and claim.
	b = c.end(append(s.appendKeys(b, ws), "tg"...))
	b = c.end(append(append(append(s.appendKeys(b, ws), "t:"...), u.Target...), ":ups"...))
	b = c.end(append(s.appendKeys(b, ws), "last"...))
	b = c.end(append(s.appendKeys(b, ws), "due"...))
	b = c.end(append(s.appendKeys(b, ws), "stale"...))
	if once.Key != "" {
		b = c.end(append(append(s.appendKeys(b, ws), "claim:"...), once.Key...))
	}
	c.endKeys()
	// ARGV: id, ref, author, time, time ms, progress, status, note, time
	// in ns, time's offset, and the claim's TTL in ms.
	b = c.end(s.ids.appendNext(b, u.Time))
	b = c.end(append(b, u.Target...))
	b = c.end(append(b, u.Author...))
	b = c.end(u.Time.AppendFormat(b, time.RFC3339Nano))
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
// one pipeline: its history holds the records themselves.
func (s *Store) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	if !refKey(ref) {
		return nil, notFoundTarget(ref)
	}
	k := s.keys(ws)
	stop := int64(n) - 1
	if n <= 0 {
		stop = -1
	}
	var exists *redis.BoolCmd
	var recs *redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.HExists(ctx, k.targets(), ref)
		recs = p.LRange(ctx, k.history(ref), 0, stop)
		return nil
	})
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	if !exists.Val() {
		return nil, notFoundTarget(ref)
	}
	us, err := decodeUpdates(ref, recs.Val())
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	return us, nil
}

// UpdatesSince reads the workspace's targets, then each target's
// history from its head, newest made first, down to the first record
// whose latest time is not after since (codec.go), in rounds of one
// pipeline each (the first a MULTI, see below): for a digest, every
// history's head first, then 16 records of those still in the window,
// then four times as many each round. So a digest costs three round
// trips when its window holds up to 16 updates of each target; the round
// trips grow with the logarithm of the deepest history in the window,
// never with the number of targets, nor with the updates before the
// window. The work follows the updates in the window, not the record,
// and Redis runs no long script (a pipeline's commands interleave with
// other clients'). Only the records returned are decoded.
func (s *Store) UpdatesSince(ctx context.Context, ws string, since, until time.Time, limit int) ([]framework.Update, int, error) {
	k := s.keys(ws)
	var lo, hi string
	if !since.IsZero() && !since.Before(minRecTime) {
		lo = fmtNanos(earlier(since, maxRecTime))
	}
	if !until.IsZero() {
		if until.Before(minRecTime) {
			return nil, 0, nil // nothing a record holds is that old
		}
		if until.Before(maxRecTime) {
			hi = fmtNanos(until)
		}
	}
	refs, err := s.c.HKeys(ctx, k.targets()).Result()
	if err != nil {
		return nil, 0, s.fail("updates since", err)
	}
	w := window{since: lo, until: hi, limit: limit}
	// Each history is read from its head, but counted from its tail after
	// the first read: updates pushed onto its head meanwhile would shift
	// every index from the head, and a record read twice would count
	// twice. The first read takes each history's length with its head,
	// atomically (MULTI), so the rest of it is where the first read left
	// it, however many updates are made while the reads go on.
	type reading struct {
		ref        string
		from, size int64 // records read, from the head; the length at the first read
	}
	pending := make([]reading, len(refs))
	for i, ref := range refs {
		pending[i] = reading{ref: ref}
	}
	// A digest reads the heads first, whose latest times say whether
	// a history has anything after since at all (most, in a week, do
	// not); then 16 records, then four times as many each round.
	first := int64(16)
	if limit > 0 {
		first = 1
	}
	for n := first; len(pending) > 0; n = min(max(16, 4*n), maxHistoryRead) {
		cmds := make([]*redis.StringSliceCmd, len(pending))
		var sizes []*redis.IntCmd
		read := func(p redis.Pipeliner) error {
			for i, r := range pending {
				if n == first {
					sizes = append(sizes, p.LLen(ctx, k.history(r.ref)))
					cmds[i] = p.LRange(ctx, k.history(r.ref), 0, n-1)
				} else {
					cmds[i] = p.LRange(ctx, k.history(r.ref), r.from-r.size, min(r.from+n-1-r.size, -1))
				}
			}
			return nil
		}
		var err error
		if n == first {
			_, err = s.c.TxPipelined(ctx, read)
		} else {
			_, err = s.c.Pipelined(ctx, read)
		}
		if err != nil {
			return nil, 0, s.fail("updates since", err)
		}
		next := pending[:0]
		for i, r := range pending {
			if sizes != nil {
				r.size = sizes[i].Val()
			}
			recs := cmds[i].Val()
			r.from += int64(len(recs))
			if w.scan(r.ref, recs) && r.from < r.size {
				next = append(next, r)
			}
		}
		pending = next
	}
	out := make([]framework.Update, 0, len(w.found))
	for _, f := range w.found {
		u, err := decodeUpdate(f.ref, f.rec)
		if err != nil {
			return nil, 0, s.fail("updates since", err)
		}
		out = append(out, u)
	}
	// Oldest first; updates at one instant in the order they were made.
	slices.SortFunc(out, func(a, b framework.Update) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
	return out, w.count, nil
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
	// from the head, a few records first.
	for from, n := int64(0), int64(16); ; from, n = from+n, min(4*n, maxHistoryRead) {
		recs, err := s.c.LRange(ctx, k.history(ref), from, from+n-1).Result()
		if err != nil {
			return framework.Update{}, s.fail("last update by "+user, err)
		}
		for _, rec := range recs {
			if !strings.Contains(rec, recSep+id+recSep) {
				continue
			}
			if u, err := decodeUpdate(ref, rec); err == nil && u.ID == id {
				return u, nil
			}
		}
		if int64(len(recs)) < n {
			return framework.Update{}, framework.ErrNoUpdate.About(user)
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
