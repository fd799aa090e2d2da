package redisstore

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// Import copies fw's missing targets into the workspace in one script,
// pipelined with adding the workspace to the global list.
func (s *Store) Import(ctx context.Context, ws string, fw *framework.Framework, now time.Time) (int, error) {
	k := s.keys(ws)
	specs := fw.Targets()
	args := make([]any, 0, 4+2*len(specs))
	args = append(args, fw.ID, fmtTime(now), strconv.FormatInt(now.UnixMilli(), 10), framework.FinancialYear(now))
	for _, spec := range specs {
		t := framework.Target{Framework: fw.ID, Objective: spec.Objective, Code: spec.Code, Title: spec.Title,
			Status: framework.NotStarted, CreatedAt: now}
		if err := storeText(t.Objective, t.Code, t.Title); err != nil {
			return 0, err
		}
		args = append(args, t.Ref(), encodeTarget(&t))
	}
	cmd, err := s.runWith(ctx, importScript, []string{k.frameworks(), k.targets(), k.settings(), k.shortHistories()}, args, func(p redis.Pipeliner) {
		p.SAdd(ctx, s.workspaces(), ws)
		s.queueMark(ctx, p, ws)
	})
	if err != nil {
		return 0, s.fail("import "+fw.ID, err)
	}
	s.remark(ctx, ws)
	n, err := cmd.Int()
	if err != nil {
		return 0, s.fail("import "+fw.ID, err)
	}
	return n, nil
}

// Target reads one target.
func (s *Store) Target(ctx context.Context, ws, ref string) (framework.Target, error) {
	if !refKey(ref) {
		return framework.Target{}, notFoundTarget(ref)
	}
	packed, err := s.c.HGet(ctx, s.keys(ws).targets(), ref).Result()
	if errors.Is(err, redis.Nil) {
		return framework.Target{}, notFoundTarget(ref)
	}
	if err != nil {
		return framework.Target{}, s.fail("target "+ref, err)
	}
	t, err := decodeTarget(ref, packed)
	if err != nil {
		return framework.Target{}, s.fail("target "+ref, err)
	}
	return t, nil
}

// Targets reads every target in one round trip: they are one hash.
func (s *Store) Targets(ctx context.Context, ws string) ([]framework.Target, error) {
	all, err := s.c.HGetAll(ctx, s.keys(ws).targets()).Result()
	if err != nil {
		return nil, s.fail("targets", err)
	}
	ts := make([]framework.Target, 0, len(all))
	for ref, packed := range all {
		t, err := decodeTarget(ref, packed)
		if err != nil {
			return nil, s.fail("targets", err)
		}
		ts = append(ts, t)
	}
	return framework.SortTargets(ts), nil
}

// fetchTargets reads the targets refs name in one HMGET, in the order
// given, skipping refs that have gone.
func (s *Store) fetchTargets(ctx context.Context, k keys, refs []string) ([]framework.Target, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	vals, err := s.c.HMGet(ctx, k.targets(), refs...).Result()
	if err != nil {
		return nil, err
	}
	ts := make([]framework.Target, 0, len(refs))
	for i, v := range vals {
		packed, ok := v.(string)
		if !ok {
			continue
		}
		t, err := decodeTarget(refs[i], packed)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// fetchAll reads the hash of each id in one pipeline, in the order given,
// decoding each and skipping ids whose hash has gone.
func fetchAll[T any](ctx context.Context, c redis.UniversalClient, ids []string, key func(string) string, decode func(map[string]string) T) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, key(id))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ids))
	for _, c := range cmds {
		if len(c.Val()) > 0 {
			out = append(out, decode(c.Val()))
		}
	}
	return out, nil
}

// AddTarget adds a custom target in one script.
func (s *Store) AddTarget(ctx context.Context, ws string, t framework.Target) error {
	k := s.keys(ws)
	ref := t.Ref()
	if t.Status == "" {
		t.Status = framework.NotStarted
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	if err := storeText(t.Objective, t.Code, t.Title, t.Owner, t.SnoozeReason); err != nil {
		return err
	}
	err := addScript.Run(ctx, s.c, []string{k.frameworks(), k.targets(), k.due(), k.stale(), k.shortHistories()}, t.Framework, ref, encodeTarget(&t)).Err()
	switch scriptError(err) {
	case "":
	case errNoFramework:
		return framework.ErrFrameworkNotImported.About(t.Framework)
	case errExists:
		return framework.ErrTargetExists.About(ref)
	}
	return s.fail("add target "+ref, err)
}

// Due reads the due index, then the targets in one pipeline.
func (s *Store) Due(ctx context.Context, ws string, from, to framework.Date) ([]framework.Target, error) {
	// As the contract reads, only a zero from is unbounded: a zero to
	// is before every date, so nothing is due (boltstore agrees).
	if to.IsZero() {
		return nil, nil
	}
	k := s.keys(ws)
	min, max := "-inf", strconv.FormatInt(to.Score(), 10)
	if !from.IsZero() {
		min = strconv.FormatInt(from.Score(), 10)
	}
	refs, err := s.c.ZRangeByScore(ctx, k.due(), &redis.ZRangeBy{Min: min, Max: max}).Result()
	if err != nil {
		return nil, s.fail("due", err)
	}
	ts, err := s.fetchTargets(ctx, k, refs)
	if err != nil {
		return nil, s.fail("due", err)
	}
	// The index and the hashes change together, so this filter only
	// guards against a hand-edited database.
	out := ts[:0]
	for _, t := range ts {
		if t.Open() && !t.Due.IsZero() && (from.IsZero() || t.Due >= from) && t.Due <= to {
			out = append(out, t)
		}
	}
	framework.SortTargets(out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due < out[j].Due })
	return out, nil
}

// Stale reads the stale index, then the targets in one pipeline.
func (s *Store) Stale(ctx context.Context, ws string, before time.Time) ([]framework.Target, error) {
	k := s.keys(ws)
	// Scores are whole milliseconds, floored; read up to before's
	// millisecond inclusive and compare exact times below.
	refs, err := s.c.ZRangeByScore(ctx, k.stale(), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(before.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, s.fail("stale", err)
	}
	ts, err := s.fetchTargets(ctx, k, refs)
	if err != nil {
		return nil, s.fail("stale", err)
	}
	out := ts[:0]
	for _, t := range ts {
		if t.Open() && activity(&t).Before(before) {
			out = append(out, t)
		}
	}
	framework.SortTargets(out)
	sort.SliceStable(out, func(i, j int) bool { return activity(&out[i]).Before(activity(&out[j])) })
	return out, nil
}

// NoteReminded counts a reminder against each existing target, in one script.
func (s *Store) NoteReminded(ctx context.Context, ws string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	k := s.keys(ws)
	// Deduplicate: a ref listed twice still gets one reminder.
	seen := make(map[string]bool, len(refs))
	args := make([]any, 0, len(refs))
	for _, ref := range refs {
		if !seen[ref] && refKey(ref) {
			seen[ref] = true
			args = append(args, ref)
		}
	}
	if len(args) == 0 {
		return nil
	}
	return s.fail("note reminded", remindedScript.Run(ctx, s.c, []string{k.targets()}, args...).Err())
}
