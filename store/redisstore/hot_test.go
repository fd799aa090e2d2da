package redisstore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The update and the replay claim go through the autopipeliner, which
// writes whatever is queued. A call whose context is already done must
// never reach Redis; a call stuck behind a hung Redis must end with its
// context, as an unconfirmed write, not wait for the connection to time
// out; and both work again once Redis answers.
func TestHotPathHonoursContexts(t *testing.T) {
	srv := redistest.NewServer(t)
	ctx := context.Background()
	s, err := redisstore.Open(ctx, srv.URL(), &redisstore.Options{Prefix: redistest.Prefix(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const ws = "slack:T1"
	if _, err := s.Import(ctx, ws, &framework.Framework{ID: "hp", Name: "Hot path", Objectives: []framework.Objective{
		{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "Target"}}}}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	update := func(ctx context.Context, note string) error {
		_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "hp/1.1", Author: "U1", Progress: framework.Unchanged, Note: note}, store.Once{})
		return err
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := update(done, "cancelled"); !errors.Is(err, framework.ErrUnavailable) {
		t.Fatalf("update with a cancelled context: %v, want unavailable", err)
	}
	if _, err := s.Claim(done, ws, "sig:1", time.Minute); framework.ErrorCode(err) != framework.EUNAVAILABLE {
		t.Fatalf("claim with a cancelled context: %v, want unavailable", err)
	}
	us, err := s.Updates(ctx, ws, "hp/1.1", 0)
	if err != nil || len(us) != 0 {
		t.Fatalf("a cancelled update reached Redis: %v %v", us, err)
	}
	if ok, err := s.Claim(ctx, ws, "sig:1", time.Minute); !ok || err != nil {
		t.Fatalf("the cancelled claim reached Redis: %v %v", ok, err)
	}

	srv.Freeze()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = update(short, "frozen")
	if took := time.Since(start); took > time.Second {
		t.Errorf("an update against a hung Redis took %s, past its context's 200ms", took)
	}
	if framework.ErrorCode(err) != framework.EUNAVAILABLE {
		t.Errorf("update against a hung Redis: %v, want unavailable (outcome unknown)", err)
	}
	srv.Thaw()

	deadline := time.Now().Add(5 * time.Second)
	for {
		err := update(ctx, "after")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("updates fail after Redis answers again: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
