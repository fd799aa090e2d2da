package redisstore

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// go-redis resends a command whose reply was lost to a broken
// connection. These tests send the same script call twice, as such a
// retry would, and check the second changes nothing.

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := dial(redistest.Start(t), &Options{Prefix: redistest.Prefix(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestRetriedWritesApplyOnce(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	const ws, ref = "slack:T1", "eqs/1"
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O", Targets: []framework.TargetSpec{{Code: "1", Title: "T"}}}}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := s.Import(ctx, ws, fw, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: now, Progress: 20, Status: framework.OnTrack}, store.Once{}); err != nil {
		t.Fatal(err)
	}

	k := s.keys(ws)
	id := s.ids.next(now.Add(time.Minute))
	tm := now.Add(time.Minute)
	keys := []string{k.targets(), k.history(ref), k.last(), k.due(), k.stale(), k.shortHistories()}
	args := []any{id, ref, "U1", fmtTime(tm), strconv.FormatInt(tm.UnixMilli(), 10), "50", "at-risk", "retried", fmtNanos(tm), fmtOffset(tm)}
	for i := range 2 {
		v, err := appendScript.Run(ctx, s.c, keys, args...).Slice()
		if err != nil {
			t.Fatalf("append, send %d: %v", i+1, err)
		}
		if pp, ps := v[len(v)-2], v[len(v)-1]; pp != "20" || ps != "on-track" {
			t.Fatalf("append, send %d: previous values %v %v, want 20 on-track", i+1, pp, ps)
		}
	}
	us, err := s.Updates(ctx, ws, ref, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 2 || us[0].ID != id || us[0].PrevProgress != 20 {
		t.Fatalf("history after a retried append = %+v, want the update once, with prev progress 20", us)
	}
	if _, n, _ := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0); n != 2 {
		t.Fatalf("the workspace counts %d updates, want 2", n)
	}

	at := tm.Add(time.Minute)
	for i := range 2 {
		if err := withdrawScript.Run(ctx, s.c, []string{k.targets(), k.due(), k.stale(), k.last()}, string(k), fmtNanos(at), fmtOffset(at), id).Err(); err != nil {
			t.Fatalf("withdraw, send %d: %v", i+1, err)
		}
	}
	if tg, _ := s.Target(ctx, ws, ref); tg.Progress != 20 || tg.Status != framework.OnTrack {
		t.Fatalf("target after a retried withdraw = %+v, want progress 20, on-track", tg)
	}
	if _, n, _ := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0); n != 1 {
		t.Fatalf("the workspace counts %d updates after the withdraw, want 1", n)
	}
	// A genuine second withdraw, at another time, is still a conflict.
	if _, _, err := s.Withdraw(ctx, ws, id, tm.Add(time.Hour)); framework.ErrorCode(err) != framework.ECONFLICT {
		t.Fatalf("second Withdraw: %v, want ECONFLICT", err)
	}
}
