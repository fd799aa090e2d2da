package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testNoteReminded(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)

	t.Run("counts reminders per target, ignoring missing refs", func(t *testing.T) {
		for range 2 {
			if err := s.NoteReminded(ctx, ws, []string{"eqs/1.1", "eqs/2.1", "eqs/9.9"}); err != nil {
				t.Fatalf("NoteReminded: %v", err)
			}
		}
		if err := s.NoteReminded(ctx, ws, nil); err != nil {
			t.Fatalf("NoteReminded with no refs: %v", err)
		}
		for ref, want := range map[string]int{"eqs/1.1": 2, "eqs/2.1": 2, "eqs/1.2": 0} {
			if tg := mustTarget(t, s, ws, ref); tg.Reminders != want {
				t.Errorf("%s Reminders = %d, want %d", ref, tg.Reminders, want)
			}
		}
		_, err := s.Target(ctx, ws, "eqs/9.9")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "Target of a missing ref after NoteReminded (must not create)")
	})

	t.Run("an update resets the count", func(t *testing.T) {
		_, tg := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(5), Progress: 10})
		if tg.Reminders != 0 {
			t.Fatalf("Reminders after update = %d, want 0", tg.Reminders)
		}
		if tg := mustTarget(t, s, ws, "eqs/2.1"); tg.Reminders != 2 {
			t.Fatalf("another target's Reminders = %d, want 2 kept", tg.Reminders)
		}
	})
}

func testSubscriptions(t *testing.T, s store.Store) {
	ctx := context.Background()
	sub := func(ws, ch, spec string) framework.Subscription {
		return framework.Subscription{Workspace: ws, Channel: ch, Spec: spec, CreatedBy: "U1", CreatedAt: base}
	}
	channels := func(subs []framework.Subscription) []string {
		var out []string
		for _, s := range subs {
			out = append(out, s.Workspace+"#"+s.Channel)
		}
		return out
	}
	list := func(t *testing.T, ws string) []framework.Subscription {
		t.Helper()
		subs, err := s.Subscriptions(ctx, ws)
		if err != nil {
			t.Fatalf("Subscriptions(%s): %v", ws, err)
		}
		return subs
	}

	t.Run("none at first", func(t *testing.T) {
		if subs := list(t, "slack:T1"); len(subs) != 0 {
			t.Fatalf("Subscriptions = %+v, want none", subs)
		}
		all, err := s.AllSubscriptions(ctx)
		if err != nil || len(all) != 0 {
			t.Fatalf("AllSubscriptions = %+v, %v; want none", all, err)
		}
	})

	t.Run("put creates, sorted by channel", func(t *testing.T) {
		for _, x := range []framework.Subscription{sub("slack:T1", "C2", "0 9 * * MON"), sub("slack:T1", "C1", "0 9 * * FRI")} {
			if err := s.PutSubscription(ctx, x); err != nil {
				t.Fatalf("PutSubscription: %v", err)
			}
		}
		subs := list(t, "slack:T1")
		if got, want := channels(subs), []string{"slack:T1#C1", "slack:T1#C2"}; !slices.Equal(got, want) {
			t.Fatalf("Subscriptions = %q, want %q", got, want)
		}
		if subs[0].Spec != "0 9 * * FRI" || subs[0].CreatedBy != "U1" {
			t.Fatalf("C1 = %+v", subs[0])
		}
		wantTime(t, "CreatedAt", subs[0].CreatedAt, base)
	})

	t.Run("put replaces", func(t *testing.T) {
		if err := s.PutSubscription(ctx, sub("slack:T1", "C1", "30 8 * * *")); err != nil {
			t.Fatalf("PutSubscription: %v", err)
		}
		subs := list(t, "slack:T1")
		if len(subs) != 2 || subs[0].Channel != "C1" || subs[0].Spec != "30 8 * * *" {
			t.Fatalf("Subscriptions after replace = %+v", subs)
		}
	})

	t.Run("MarkDigested records the time", func(t *testing.T) {
		if err := s.MarkDigested(ctx, "slack:T1", "C2", at(60)); err != nil {
			t.Fatalf("MarkDigested: %v", err)
		}
		subs := list(t, "slack:T1")
		wantTime(t, "C2 LastDigest", subs[1].LastDigest, at(60))
		if subs[1].Spec != "0 9 * * MON" {
			t.Fatalf("C2 after MarkDigested = %+v, want its spec kept", subs[1])
		}
		if !subs[0].LastDigest.IsZero() {
			t.Fatalf("C1 LastDigest = %v, want zero", subs[0].LastDigest)
		}
		wantKind(t, s.MarkDigested(ctx, "slack:T1", "C9", at(60)), framework.ErrNoSubscription, "C9", "MarkDigested missing")
		if subs := list(t, "slack:T1"); len(subs) != 2 {
			t.Fatalf("MarkDigested on a missing channel created one: %+v", subs)
		}
	})

	t.Run("AllSubscriptions spans workspaces, sorted", func(t *testing.T) {
		for _, x := range []framework.Subscription{sub("discord:9", "C5", "0 9 * * *"), sub("local", "console", "0 9 * * *")} {
			if err := s.PutSubscription(ctx, x); err != nil {
				t.Fatalf("PutSubscription: %v", err)
			}
		}
		all, err := s.AllSubscriptions(ctx)
		if err != nil {
			t.Fatalf("AllSubscriptions: %v", err)
		}
		if got, want := channels(all), []string{"discord:9#C5", "local#console", "slack:T1#C1", "slack:T1#C2"}; !slices.Equal(got, want) {
			t.Fatalf("AllSubscriptions = %q, want %q", got, want)
		}
		wantTime(t, "LastDigest via AllSubscriptions", all[3].LastDigest, at(60))
	})

	t.Run("delete removes; twice is ENOTFOUND", func(t *testing.T) {
		if err := s.DeleteSubscription(ctx, "slack:T1", "C2"); err != nil {
			t.Fatalf("DeleteSubscription: %v", err)
		}
		if got := channels(list(t, "slack:T1")); !slices.Equal(got, []string{"slack:T1#C1"}) {
			t.Fatalf("Subscriptions after delete = %q", got)
		}
		wantKind(t, s.DeleteSubscription(ctx, "slack:T1", "C2"), framework.ErrNoSubscription, "C2", "DeleteSubscription twice")
		wantKind(t, s.MarkDigested(ctx, "slack:T1", "C2", at(70)), framework.ErrNoSubscription, "C2", "MarkDigested after delete")
		all, _ := s.AllSubscriptions(ctx)
		if len(all) != 3 {
			t.Fatalf("AllSubscriptions after delete = %q, want 3", channels(all))
		}
	})
}

func testClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	claim := func(t *testing.T, ws, key string, ttl time.Duration) bool {
		t.Helper()
		ok, err := s.Claim(ctx, ws, key, ttl)
		if err != nil {
			t.Fatalf("Claim(%s, %s): %v", ws, key, err)
		}
		return ok
	}
	const key = "digest:C1:2026-03-02T09:00"

	// A minute, so that the second claim comes well inside it however
	// slowly the first commits (bbolt's fsync on a busy disk).
	t.Run("first claim wins, second loses", func(t *testing.T) {
		if !claim(t, "slack:T1", key, time.Minute) {
			t.Fatal("first Claim = false, want true")
		}
		if claim(t, "slack:T1", key, time.Minute) {
			t.Fatal("second Claim = true, want false")
		}
	})

	t.Run("other keys and workspaces are independent", func(t *testing.T) {
		if !claim(t, "slack:T1", "digest:C2:2026-03-02T09:00", time.Minute) {
			t.Fatal("Claim of another key = false")
		}
		if !claim(t, "slack:T2", key, time.Minute) {
			t.Fatal("Claim of the same key in another workspace = false")
		}
	})

	t.Run("a claim can be taken again after its ttl", func(t *testing.T) {
		const short, ttl = "digest:C3:2026-03-02T09:00", 100 * time.Millisecond
		if !claim(t, "slack:T1", short, ttl) {
			t.Fatal("first Claim = false, want true")
		}
		time.Sleep(ttl + 100*time.Millisecond)
		if !claim(t, "slack:T1", short, time.Minute) {
			t.Fatal("Claim after ttl = false, want true")
		}
		if claim(t, "slack:T1", short, time.Minute) {
			t.Fatal("Claim right after retaking = true, want false")
		}
		if claim(t, "slack:T2", key, time.Minute) {
			t.Fatal("the other workspace's long claim expired early")
		}
	})

	t.Run("exactly one of many concurrent claimers wins", func(t *testing.T) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, errs := 0, 0
		for range 16 {
			wg.Go(func() {
				ok, err := s.Claim(ctx, "slack:T1", "reminders:2026-03-02T09:00", time.Minute)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs++
				}
				if ok {
					wins++
				}
			})
		}
		wg.Wait()
		if wins != 1 || errs != 0 {
			t.Fatalf("%d of 16 concurrent claims won with %d errors, want exactly 1 and no errors", wins, errs)
		}
	})
}
