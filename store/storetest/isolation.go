package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	const a, b = "slack:TA", "discord:B"
	mustImport(t, s, a, eqs(), base)
	mustImport(t, s, b, eqs(), base)

	due := framework.Date("2026-03-10")
	setDue(t, s, a, "eqs/1.1", due)
	ua, _ := mustAppend(t, s, a, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(10), Progress: 60, Status: framework.OnTrack})
	if err := s.NoteReminded(ctx, a, []string{"eqs/1.2"}); err != nil {
		t.Fatalf("NoteReminded: %v", err)
	}
	custom := framework.Target{Framework: "eqs", Objective: "1", Code: "1.99", Title: "A only", Custom: true, Status: framework.NotStarted, CreatedAt: at(5)}
	if err := s.AddTarget(ctx, a, custom); err != nil {
		t.Fatalf("AddTarget: %v", err)
	}
	if err := s.PutSubscription(ctx, framework.Subscription{Workspace: a, Channel: "C1", Spec: "0 9 * * MON"}); err != nil {
		t.Fatalf("PutSubscription: %v", err)
	}
	if err := s.SetTimezone(ctx, a, "Europe/London"); err != nil {
		t.Fatalf("SetTimezone: %v", err)
	}

	t.Run("targets", func(t *testing.T) {
		tg := mustTarget(t, s, b, "eqs/1.1")
		if tg.Progress != 0 || tg.Status != framework.NotStarted || tg.Due != "" || tg.LastUpdate != "" {
			t.Fatalf("B's eqs/1.1 = %+v, want untouched by A", tg)
		}
		if tg := mustTarget(t, s, b, "eqs/1.2"); tg.Reminders != 0 {
			t.Fatalf("B's eqs/1.2 Reminders = %d, want 0", tg.Reminders)
		}
		_, err := s.Target(ctx, b, "eqs/1.99")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/1.99", "B reading A's custom target")
		ts, _ := s.Targets(ctx, b)
		wantRefs(t, "B's Targets", ts, eqsRefs...)
		_, err = s.Target(ctx, "slack:TC", "eqs/1.1")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/1.1", "a workspace that imported nothing")
	})

	t.Run("updates", func(t *testing.T) {
		us, err := s.Updates(ctx, b, "eqs/1.1", 10)
		if err != nil || len(us) != 0 {
			t.Fatalf("B's Updates = %+v, %v; want none", us, err)
		}
		since, _, _ := s.UpdatesSince(ctx, b, time.Time{}, time.Time{}, 0)
		if len(since) != 0 {
			t.Fatalf("B's UpdatesSince = %+v, want none", since)
		}
		_, err = s.LastUpdateBy(ctx, b, "U1")
		wantKind(t, err, framework.ErrNoUpdate, "U1", "B's LastUpdateBy for A's author")
		_, _, err = s.Withdraw(ctx, b, ua.ID, at(11))
		wantKind(t, err, framework.ErrUpdateNotFound, ua.ID, "B withdrawing A's update")
		if tg := mustTarget(t, s, a, "eqs/1.1"); tg.Progress != 60 || tg.LastUpdate != ua.ID {
			t.Fatalf("A's target after B's withdraw attempt = %+v", tg)
		}
	})

	t.Run("indexes", func(t *testing.T) {
		ts, _ := s.Due(ctx, b, "", "2099-12-31")
		wantRefs(t, "B's Due", ts)
		ts, _ = s.Due(ctx, a, "", "2099-12-31")
		wantRefs(t, "A's Due", ts, "eqs/1.1")
		owner := "U9"
		for _, ref := range eqsRefs {
			setOwner(t, s, b, ref, owner)
		}
		ts, _ = s.Stale(ctx, b, at(1000))
		wantRefSet(t, "B's Stale", ts, eqsRefs...)
		ts, _ = s.Stale(ctx, a, at(1000))
		for _, tg := range ts {
			if tg.Owner == owner {
				t.Fatalf("A's Stale holds %s owned by B's owner: %+v", tg.Ref(), tg)
			}
		}
	})

	t.Run("events, evidence, archives and cycles", func(t *testing.T) {
		mustChange(t, s, a, "eqs/2.1", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})
		if _, err := s.AddEvidence(ctx, a, "eqs/2.1", framework.Evidence{URL: "https://example.org/a", Author: "U1", Time: at(20)}); err != nil {
			t.Fatalf("AddEvidence: %v", err)
		}
		mustChange(t, s, a, "eqs/1.2", framework.Change{Kind: framework.EventArchive})
		if _, _, err := s.StartCycle(ctx, a, "2026/27", at(30)); err != nil {
			t.Fatalf("StartCycle: %v", err)
		}
		// B's own history holds only what B did: the assign above.
		if es, err := s.Events(ctx, b, "eqs/2.1", 0); err != nil || len(es) != 1 || es[0].Kind != framework.EventAssign {
			t.Fatalf("B's Events = %+v, %v; want its one assign", es, err)
		}
		if evs, err := s.Evidence(ctx, b, ""); err != nil || len(evs) != 0 {
			t.Fatalf("B's Evidence = %+v, %v; want none", evs, err)
		}
		// B may attach the link A attached: its evidence is its own.
		if _, err := s.AddEvidence(ctx, b, "eqs/2.1", framework.Evidence{URL: "https://example.org/a", Author: "U1", Time: at(31)}); err != nil {
			t.Fatalf("B's AddEvidence of A's link: %v", err)
		}
		if tg := mustTarget(t, s, b, "eqs/1.2"); tg.Archived {
			t.Fatalf("B's eqs/1.2 = %+v, archived by A", tg)
		}
		if tg := mustTarget(t, s, a, "eqs/2.1"); tg.Grades["2025/26"] != framework.Achieving {
			t.Fatalf("A's eqs/2.1 = %+v, want its grade kept in 2025/26", tg)
		}
		wb, tb, err := s.WorkspaceTarget(ctx, b, "eqs/2.1")
		if err != nil || wb.Cycle != "2025/26" || len(wb.PastCycles) != 0 || len(tb.Grades) != 0 || tb.Rating != "" {
			t.Fatalf("B's WorkspaceTarget = %+v, %+v, %v; want B's own cycle and grades", wb, tb, err)
		}
		_, _, err = s.ChangeTarget(ctx, b, "eqs/1.99", framework.Change{Kind: framework.EventArchive, Author: "U1", Time: at(32)})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/1.99", "B archiving A's custom target")
	})

	t.Run("settings, subscriptions and claims", func(t *testing.T) {
		w, _ := s.Workspace(ctx, b)
		if w.Timezone != "" {
			t.Fatalf("B's Workspace = %+v, want no time zone", w)
		}
		subs, _ := s.Subscriptions(ctx, b)
		if len(subs) != 0 {
			t.Fatalf("B's Subscriptions = %+v, want none", subs)
		}
		wantKind(t, s.DeleteSubscription(ctx, b, "C1"), framework.ErrNoSubscription, "C1", "B deleting A's subscription")
		wantKind(t, s.MarkDigested(ctx, b, "C1", at(1)), framework.ErrNoSubscription, "C1", "B marking A's subscription")
		if subs, _ := s.Subscriptions(ctx, a); len(subs) != 1 {
			t.Fatalf("A's Subscriptions = %+v, want its one", subs)
		}
		for _, ws := range []string{a, b} {
			ok, err := s.Claim(ctx, ws, "digest:C1", time.Minute)
			if err != nil || !ok {
				t.Fatalf("Claim in %s = %v, %v; want each workspace's first claim to win", ws, ok, err)
			}
		}
	})
}
