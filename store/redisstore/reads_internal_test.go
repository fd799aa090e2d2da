package redisstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// recordsRead counts the history records Redis sends back: every
// element of an LRANGE and every LINDEX.
type recordsRead struct{ n int }

func (h *recordsRead) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *recordsRead) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.count(cmd)
		return err
	}
}
func (h *recordsRead) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			h.count(c)
		}
		return err
	}
}

func (h *recordsRead) count(c redis.Cmder) {
	switch c.Name() {
	case "lrange":
		if v, ok := c.(*redis.StringSliceCmd); ok {
			h.n += len(v.Val())
		}
	case "lindex":
		if v, ok := c.(*redis.StringCmd); ok && v.Err() == nil {
			h.n++
		}
	}
}

// DESIGN section 21: a digest reads at most 1.5 times its window, plus
// each history's head (which says whether it has anything new) and the
// one record past the window's start. Histories of steady, bursty and
// deep updates are read over windows of a day, a week and a month.
func TestDigestReadsFollowTheWindow(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	const ws = "slack:T1"
	const targets = 100
	objs := make([]framework.Objective, 0, targets/10)
	for o := range targets / 10 {
		ob := framework.Objective{Code: fmt.Sprint(o + 1), Title: "O"}
		for c := range 10 {
			ob.Targets = append(ob.Targets, framework.TargetSpec{Code: fmt.Sprintf("%d.%d", o+1, c+1), Title: "T"})
		}
		objs = append(objs, ob)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	start := now.AddDate(0, 0, -120)
	if _, err := s.Import(ctx, ws, &framework.Framework{ID: "big", Name: "B", Objectives: objs}, start); err != nil {
		t.Fatal(err)
	}
	snap, err := store.ExportSnapshot(ctx, s, ws)
	if err != nil {
		t.Fatal(err)
	}
	// Target i is updated every (i%10+1) hours for 120 days, and every
	// tenth one also in a burst of 200 in its last two days.
	id := 0
	for i := range snap.Targets {
		tg := &snap.Targets[i]
		add := func(at time.Time) {
			id++
			snap.Updates = append(snap.Updates, framework.Update{ID: fmt.Sprint(id), Target: tg.Ref(), Author: "U1", Time: at,
				Progress: id % 100, Status: framework.OnTrack, PrevProgress: tg.Progress, PrevStatus: tg.Status})
			tg.Progress, tg.Status, tg.LastUpdate, tg.UpdatedAt = id%100, framework.OnTrack, fmt.Sprint(id), at
		}
		var times []time.Time
		for at := start.Add(time.Hour); at.Before(now); at = at.Add(time.Duration(i%10+1) * time.Hour) {
			times = append(times, at)
		}
		if i%10 == 0 {
			for j := range 200 {
				times = append(times, now.Add(-48*time.Hour+time.Duration(j)*time.Minute*14))
			}
		}
		slices.SortFunc(times, time.Time.Compare)
		for _, at := range times {
			add(at)
		}
	}
	if err := s.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	h := &recordsRead{}
	s.c.AddHook(h)
	for _, window := range []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour} {
		h.n = 0
		_, in, err := s.UpdatesSince(ctx, ws, now.Add(-window), time.Time{}, 25)
		if err != nil {
			t.Fatal(err)
		}
		read := h.n
		h.n = 0
		each := 0
		if err := s.EachUpdate(ctx, ws, now.Add(-window), time.Time{}, func(us []framework.Update) error {
			each += len(us)
			return nil
		}); err != nil || each != in {
			t.Fatalf("EachUpdate gave %d updates (%v), want %d", each, err, in)
		}
		t.Logf("a window of %v: %d updates, %d records read by a digest (%.2f times), %d by EachUpdate", window, in, read, float64(read)/float64(in), h.n)
		for name, n := range map[string]int{"a digest": read, "EachUpdate": h.n} {
			if limit := in + in/2 + 2*targets; n > limit {
				t.Errorf("%s read %d records for a window of %d over %d histories, want at most %d", name, n, in, targets, limit)
			}
		}
	}
}
