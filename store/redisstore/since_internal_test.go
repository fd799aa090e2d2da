package redisstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// appendBetweenRounds logs updates to a target after UpdatesSince's
// first read, before its next, as another replica might.
type appendBetweenRounds struct {
	after func()
	fired bool
}

func (h *appendBetweenRounds) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *appendBetweenRounds) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *appendBetweenRounds) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if !h.fired && len(cmds) > 0 && cmds[0].Name() == "multi" {
			h.fired = true
			h.after()
		}
		return err
	}
}

// Updates made while UpdatesSince reads a deep history in rounds shift
// it from the head; the rounds read on from where the first left off,
// so no update is read, or counted, twice.
func TestUpdatesSinceReadsEachUpdateOnceWhileUpdatesArrive(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	other, err := dial(redistest.Start(t), &Options{Prefix: s.prefix}) // another replica
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const ws, ref = "slack:T1", "eqs/1"
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O", Targets: []framework.TargetSpec{{Code: "1", Title: "T"}}}}}
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	if _, err := s.Import(ctx, ws, fw, t0); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: t0.Add(time.Duration(i+1) * time.Minute), Progress: i % 101, Note: fmt.Sprint(i)}, store.Once{}); err != nil {
			t.Fatal(err)
		}
	}
	hook := &appendBetweenRounds{after: func() {
		for i := range 40 {
			if _, _, err := other.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U2", Time: t0.Add(time.Hour * 24), Progress: i % 101, Note: fmt.Sprint("late ", i)}, store.Once{}); err != nil {
				t.Error(err)
			}
		}
	}}
	s.c.AddHook(hook)
	us, n, err := s.UpdatesSince(ctx, ws, t0, t0.Add(2*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !hook.fired {
		t.Fatal("no updates arrived between the reads")
	}
	seen := map[string]bool{}
	for _, u := range us {
		if seen[u.ID] {
			t.Fatalf("update %s read twice", u.ID)
		}
		seen[u.ID] = true
	}
	if n != 100 || len(us) != 100 {
		t.Fatalf("UpdatesSince = %d of %d, want the 100 in the window", len(us), n)
	}
	// U1's last update is now 40 records deep: LastUpdateBy reads on
	// past its first few.
	last, err := s.LastUpdateBy(ctx, ws, "U1")
	if err != nil || last.Note != "99" {
		t.Fatalf("LastUpdateBy(U1) under 40 newer updates = %+v, %v; want note 99", last, err)
	}
}
