package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// histories reads the update histories of one workspace's targets over
// a window of time, for UpdatesSince and EachUpdate.
type histories struct {
	k      keys
	c      redis.UniversalClient
	lo, hi string // the window's bounds in ns of 19 digits, "" for none
	refs   []string
}

// histories reads the workspace's refs (one round trip) and bounds the
// window; ok is false when no record can be in it.
func (s *Store) histories(ctx context.Context, ws string, since, until time.Time) (h histories, ok bool, err error) {
	h = histories{k: s.keys(ws), c: s.c}
	if !since.IsZero() && !since.Before(minRecTime) {
		h.lo = fmtNanos(earlier(since, maxRecTime))
	}
	if !until.IsZero() {
		if until.Before(minRecTime) {
			return h, false, nil // nothing a record holds is that old
		}
		if until.Before(maxRecTime) {
			h.hi = fmtNanos(until)
		}
	}
	if h.refs, err = s.c.HKeys(ctx, h.k.targets()).Result(); err != nil {
		return h, false, s.fail("updates since", err)
	}
	return h, true, nil
}

// reading is one history being read.
type reading struct {
	i          int   // the index of its ref
	from, size int64 // records read, from the head; the length at the first read
	// known is how many records from the head are known to be in the
	// window (a probe found one there), beyond those read.
	known int64
	// head and last are the own times of the first record and of the
	// last one read, "" before the first read.
	head, last string
	probe      int64 // the position probed this round, -1 for none
}

// read reads every history from its head down to the window's start:
// its inline part whole in the first round, then its list,
// in rounds of one pipeline each, and scans the records into win(i) for
// the history of refs[i]. done, when set, is called with i as soon as
// that history is read to the end of the window; it returns false to
// stop.
//
// Each history is read from its head, but counted from its tail after
// the first read: updates pushed onto its head meanwhile would shift
// every index from the head, and a record read twice would count twice.
// The first read takes each history's length with its head, atomically
// (MULTI), so the rest of it is where the first read left it, however
// many updates are made while the reads go on.
//
// Sized (a digest, EachUpdate) reads the heads first, then at most half
// as many records again as are known to be in the window, so that what
// it reads is at most 1.5 times what the window holds, plus one record
// past its start. To take fewer rounds than that growth alone would, a
// round also probes the one record where the window's start is likely
// to be, guessed from the times read so far; a probe that lands in the
// window makes everything before it known to be. Unsized, the first
// read takes 16 records and each round four times as many: fewer round
// trips, more read past the window. With tail, the first round probes
// each history's oldest record too: a report's span often holds the
// whole history, which the next round then reads at once.
func (h *histories) read(ctx context.Context, sized, tail bool, win func(i int) *window, done func(i int) bool) error {
	pending := make([]reading, len(h.refs))
	for i := range h.refs {
		pending[i] = reading{i: i, probe: -1}
	}
	first := int64(16)
	if sized {
		first = 1
	}
	for n, round := first, 0; len(pending) > 0; n, round = min(max(16, 4*n), maxHistoryRead), round+1 {
		cmds := make([]*redis.StringSliceCmd, len(pending))
		probes := make([]*redis.StringCmd, len(pending))
		var sizes []*redis.IntCmd
		var inline, packed *redis.MapStringStringCmd // the first round's
		read := func(p redis.Pipeliner) error {
			if round == 0 {
				// Every history's inline part whole (at most inlineMax
				// bytes a target), with the targets its newest records
				// need (history.go), in the MULTI that takes the heads.
				inline, packed = p.HGetAll(ctx, h.k.shortHistories()), p.HGetAll(ctx, h.k.targets())
			}
			for j := range pending {
				r := &pending[j]
				key := h.k.history(h.refs[r.i])
				if round == 0 {
					sizes = append(sizes, p.LLen(ctx, key))
					cmds[j] = p.LRange(ctx, key, 0, first-1)
					if tail {
						probes[j] = p.LIndex(ctx, key, -1)
					}
					continue
				}
				end := r.from + n // exclusive, from the head
				if sized {
					end = h.sizedEnd(r)
				}
				end = min(end, r.size)
				cmds[j] = p.LRange(ctx, key, r.from-r.size, end-1-r.size)
				if r.probe = -1; sized {
					// A guess past the end probes the oldest record: the
					// whole history may well be in the window.
					if q := min(h.guess(r), r.size-1); q >= end {
						r.probe = q
						probes[j] = p.LIndex(ctx, key, q-r.size)
					}
				}
			}
			return nil
		}
		var err error
		if round == 0 {
			_, err = h.c.TxPipelined(ctx, read)
		} else {
			_, err = h.c.Pipelined(ctx, read)
		}
		if err != nil && err != redis.Nil {
			return err
		}
		next := pending[:0]
		for j := range pending {
			r := pending[j]
			if sizes != nil {
				r.size = sizes[j].Val()
				r.probe = r.size - 1 // the tail, when probed
			}
			// A history is its inline records, then its list's.
			if inline != nil {
				if v := inline.Val()[h.refs[r.i]]; v != "" {
					recs, err := inlineRecords(h.refs[r.i], v, packed.Val()[h.refs[r.i]])
					if err != nil {
						return err
					}
					if !win(r.i).scan(h.refs[r.i], recs) {
						if done != nil && !done(r.i) {
							return nil
						}
						continue
					}
				}
			}
			recs := cmds[j].Val()
			r.from += int64(len(recs))
			if len(recs) > 0 {
				// The guess takes the rate from the records' own times: a
				// run of records made out of time order shares one latest.
				if r.head == "" {
					r.head = ownTime(recs[0])
				}
				r.last = ownTime(recs[len(recs)-1])
			}
			more := win(r.i).scan(h.refs[r.i], recs) && r.from < r.size
			if more && probes[j] != nil {
				if rec, err := probes[j].Result(); err == nil {
					if l := latestOf(rec); l != "" && (h.lo == "" || l > h.lo) {
						r.known = r.probe + 1
					}
				}
			}
			if more {
				next = append(next, r)
				continue
			}
			if done != nil && !done(r.i) {
				return nil
			}
		}
		pending = next
	}
	return nil
}

// sizedEnd is where a sized read of r stops this round (exclusive, from
// the head): everything known to be in the window, and then half as
// much again as is known, so that a window that ends just after what is
// known is overread by half at most. A window with no start is the
// whole history, read at once.
func (h *histories) sizedEnd(r *reading) int64 {
	if h.lo == "" {
		return r.size
	}
	k := max(r.from, r.known)
	// Past the head, two records: a window holding the head holds one
	// more as often as not, and two give the guess its rate.
	return min(k+max(k/2, 2), r.from+maxHistoryRead)
}

// guess is where the window's start probably is in r's history, from
// the times of the records read so far (updates come at a steady rate,
// as a guess), a little short of it so that the probe lands inside; or
// -1 when there is nothing to guess from.
func (h *histories) guess(r *reading) int64 {
	if h.lo == "" || r.from < 2 || r.head == "" || r.last == "" {
		return -1
	}
	head, _ := strconv.ParseInt(r.head, 10, 64)
	last, _ := strconv.ParseInt(r.last, 10, 64)
	lo, _ := strconv.ParseInt(h.lo, 10, 64)
	if head <= last || last <= lo {
		return -1
	}
	per := float64(head-last) / float64(r.from-1) // ns between records
	return r.from - 1 + int64(0.9*float64(last-lo)/per)
}

// latestOf is a record's latest time (its own, or for one made out of
// time order the latest before it), "" for a malformed record.
func latestOf(rec string) string {
	if len(rec) < 22 {
		return ""
	}
	if rec[20] != recSep[0] {
		if len(rec) < 41 {
			return ""
		}
		return rec[20:39]
	}
	return rec[:19]
}

// ownTime is a record's own time, "" for a malformed record.
func ownTime(rec string) string {
	if len(rec) < 22 {
		return ""
	}
	return rec[:19]
}
