package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// AppendUpdate logs u in one script: it reads the target, records the
// previous progress and status, applies the update, re-indexes the
// target and pushes the update id onto the target's log, the workspace's
// log and the author's last-update pointer, all atomically.
//
// With once set, the script takes its claim first, in the workspace's
// slot beside the update's keys: the replay check and the write are one
// round trip.
func (s *Store) AppendUpdate(ctx context.Context, ws string, u framework.Update, once store.Once) (framework.Update, framework.Target, error) {
	if err := framework.CheckUpdate(&u); err != nil {
		return framework.Update{}, framework.Target{}, err
	}
	if once.Key != "" && once.TTL <= 0 {
		return framework.Update{}, framework.Target{}, framework.Errorf(framework.EINVALID, "claim %s: ttl %v must be positive", once.Key, once.TTL)
	}
	if !refKey(u.Target) {
		// No key can hold this ref: the claim is still taken, as the
		// script would take it before finding no target.
		if once.Key != "" {
			if ok, err := s.Claim(ctx, ws, once.Key, once.TTL); err != nil {
				return framework.Update{}, framework.Target{}, err
			} else if !ok {
				return framework.Update{}, framework.Target{}, framework.ErrReplayed.About(once.Key)
			}
		}
		return framework.Update{}, framework.Target{}, notFoundTarget(u.Target)
	}
	if u.Time.IsZero() {
		u.Time = time.Now()
	}
	k := s.keys(ws)
	u.ID = s.ids.next(u.Time)
	u.Withdrawn, u.WithdrawnAt = false, time.Time{}
	ms := strconv.FormatInt(u.Time.UnixMilli(), 10)
	keys := make([]string, 7, 8)
	keys[0], keys[1], keys[2], keys[3] = k.target(u.Target), k.update(u.ID), k.targetLog(u.Target), k.log()
	keys[4], keys[5], keys[6] = k.last(u.Author), k.due(), k.stale()
	args := make([]any, 8, 9)
	args[0], args[1], args[2], args[3], args[4] = u.ID, u.Target, u.Author, fmtTime(u.Time), ms
	args[5], args[6], args[7] = strconv.Itoa(u.Progress), string(u.Status), u.Note
	if once.Key != "" {
		keys = append(keys, k.claim(once.Key))
		args = append(args, strconv.FormatInt(max(once.TTL.Milliseconds(), 1), 10))
	}
	op := "append update to " + u.Target
	cmd, err := s.runHot(ctx, op, appendScript, keys, args...)
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
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	reply := cmd.Val()
	if len(reply) < 2 || len(reply)%2 != 0 {
		return framework.Update{}, framework.Target{}, s.fail(op, fmt.Errorf("unexpected script reply %q", reply))
	}
	pp, ps := reply[0], reply[1]
	t := decodeTarget(pairsMap(reply[2:]))
	u.PrevProgress, u.PrevStatus = atoi(pp), framework.Status(ps)
	u.Progress, u.Status = t.Progress, t.Status
	return u, t, nil
}

// Updates reads a target's newest n update ids, then the updates in one
// pipeline. The existence check rides in the first round trip.
func (s *Store) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	if !refKey(ref) {
		return nil, notFoundTarget(ref)
	}
	k := s.keys(ws)
	stop := int64(n) - 1
	if n <= 0 {
		stop = -1
	}
	var exists *redis.IntCmd
	var ids *redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.Exists(ctx, k.target(ref))
		ids = p.LRange(ctx, k.targetLog(ref), 0, stop)
		return nil
	})
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	if exists.Val() == 0 {
		return nil, notFoundTarget(ref)
	}
	us, err := s.fetchUpdates(ctx, k, ids.Val())
	if err != nil {
		return nil, s.fail("updates of "+ref, err)
	}
	return us, nil
}

// fetchUpdates reads updates by id in one pipeline, in the order given.
func (s *Store) fetchUpdates(ctx context.Context, k keys, ids []string) ([]framework.Update, error) {
	return fetchAll(ctx, s.c, ids, k.update, decodeUpdate)
}

// UpdatesSince counts the workspace log's window and reads its newest
// limit ids in one pipeline, then the updates in a second: two round
// trips, and with a limit a bounded read, however many updates there are.
// The log is scored by millisecond, so the window is read in whole
// milliseconds; the ids in its first and last millisecond (usually none
// or one) are read too, so that exact times settle the count.
func (s *Store) UpdatesSince(ctx context.Context, ws string, since, until time.Time, limit int) ([]framework.Update, int, error) {
	k := s.keys(ws)
	min, max := "-inf", "+inf"
	if !since.IsZero() {
		min = strconv.FormatInt(since.UnixMilli(), 10)
	}
	if !until.IsZero() {
		max = strconv.FormatInt(until.UnixMilli(), 10)
	}
	// The newest are read from below until's millisecond; that
	// millisecond's ids are read whole with the other edge's, so a later
	// update in it cannot take a place in the list.
	newestMax := max
	if max != "+inf" {
		newestMax = "(" + max
	}
	var count *redis.IntCmd
	var newest *redis.StringSliceCmd
	var edges []*redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		count = p.ZCount(ctx, k.log(), min, max)
		by := &redis.ZRangeBy{Min: min, Max: newestMax}
		if limit > 0 {
			by.Count = int64(limit)
		}
		newest = p.ZRevRangeByScore(ctx, k.log(), by)
		for _, ms := range []string{min, max} {
			if ms != "-inf" && ms != "+inf" {
				edges = append(edges, p.ZRangeByScore(ctx, k.log(), &redis.ZRangeBy{Min: ms, Max: ms}))
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, s.fail("updates since", err)
	}
	ids := slices.Clone(newest.Val())
	for _, e := range edges {
		ids = append(ids, e.Val()...)
	}
	// Updates at one instant keep the order they were made in.
	slices.SortFunc(ids, compareIDs)
	ids = slices.Compact(ids)
	us, err := s.fetchUpdates(ctx, k, ids)
	if err != nil {
		return nil, 0, s.fail("updates since", err)
	}
	// Everything the count took in that is read here and outside the
	// window (or gone) comes off it; ids deeper in the window were
	// counted by score, which is exact for them.
	total := int(count.Val()) - (len(ids) - len(us))
	out := us[:0]
	for _, u := range us {
		if !u.Withdrawn && u.Time.After(since) && (until.IsZero() || !u.Time.After(until)) {
			out = append(out, u)
		} else {
			total--
		}
	}
	// Exact times order what was read; the newest limit of it are the
	// newest in the window.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, total, nil
}

// LastUpdateBy follows the user's last-update pointer.
func (s *Store) LastUpdateBy(ctx context.Context, ws, user string) (framework.Update, error) {
	k := s.keys(ws)
	id, err := s.c.Get(ctx, k.last(user)).Result()
	if errors.Is(err, redis.Nil) {
		return framework.Update{}, framework.ErrNoUpdate.About(user)
	}
	if err != nil {
		return framework.Update{}, s.fail("last update by "+user, err)
	}
	m, err := s.c.HGetAll(ctx, k.update(id)).Result()
	if err != nil {
		return framework.Update{}, s.fail("last update by "+user, err)
	}
	if len(m) == 0 {
		return framework.Update{}, framework.ErrNoUpdate.About(user)
	}
	return decodeUpdate(m), nil
}

// Withdraw undoes update id in one script.
func (s *Store) Withdraw(ctx context.Context, ws, id string, at time.Time) (framework.Update, framework.Target, error) {
	k := s.keys(ws)
	v, err := withdrawScript.Run(ctx, s.c, []string{k.update(id), k.due(), k.stale(), k.log()},
		string(k)+"t:", fmtTime(at), id).Result()
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
	reply, ok := v.([]any)
	if !ok || len(reply) != 2 {
		return framework.Update{}, framework.Target{}, s.fail(op, fmt.Errorf("unexpected script reply %v", v))
	}
	um, err := flatMap(reply[0])
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	tm, err := flatMap(reply[1])
	if err != nil {
		return framework.Update{}, framework.Target{}, s.fail(op, err)
	}
	return decodeUpdate(um), decodeTarget(tm), nil
}
