package storetest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testHostileNames stores names that a key layout could confuse: ids that
// end one key and start another (':', '{', '}'), glob and space
// characters, and very long strings. Platforms choose workspace, channel
// and user ids, and users type refs, so none of them may reach another
// entity's data.
func testHostileNames(t *testing.T, s store.Store) {
	ctx := context.Background()

	t.Run("a workspace id cannot reach another workspace's subscriptions", func(t *testing.T) {
		// On a layout "<prefix>:{ws}:sub:<channel>" and "<prefix>:{ws}:ws",
		// workspace "W}:sub:C" has settings at the same key as channel
		// "C}:ws" of workspace "W".
		const a, b = "slack:W", "slack:W}:sub:C"
		if err := s.SetTimezone(ctx, b, "Europe/London"); err != nil {
			t.Fatalf("SetTimezone(%s): %v", b, err)
		}
		if err := s.PutSubscription(ctx, framework.Subscription{Workspace: a, Channel: "C}:ws", Spec: "0 9 * * MON"}); err != nil {
			t.Fatalf("PutSubscription: %v", err)
		}
		if w, err := s.Workspace(ctx, b); err != nil || w.Timezone != "Europe/London" {
			t.Fatalf("Workspace(%s) = %+v, %v; want its time zone kept", b, w, err)
		}
		if subs, err := s.Subscriptions(ctx, b); err != nil || len(subs) != 0 {
			t.Fatalf("Subscriptions(%s) = %+v, %v; want none", b, subs, err)
		}
		subs, err := s.Subscriptions(ctx, a)
		if err != nil || len(subs) != 1 || subs[0].Channel != "C}:ws" || subs[0].Spec != "0 9 * * MON" {
			t.Fatalf("Subscriptions(%s) = %+v, %v; want its one", a, subs, err)
		}
		ws, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatalf("Workspaces: %v", err)
		}
		ids := map[string]bool{}
		for _, w := range ws {
			ids[w.ID] = true
		}
		if !ids[a] || !ids[b] {
			t.Fatalf("Workspaces = %+v, want both %q and %q", ws, a, b)
		}
	})

	t.Run("a workspace id cannot reach another workspace's history", func(t *testing.T) {
		// On "<prefix>:{ws}:t:<ref>:events", workspace "H}:t:eqs/1.1"
		// would share keys with workspace "H"'s target eqs/1.1.
		const a, b = "slack:H", "slack:H}:t:eqs/1.1"
		for _, ws := range []string{a, b} {
			mustImport(t, s, ws, eqs(), base)
		}
		mustChange(t, s, a, "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: framework.Developing})
		if _, err := s.AddEvidence(ctx, a, "eqs/1.1", framework.Evidence{URL: "https://example.org/h", Author: "U1", Time: at(2)}); err != nil {
			t.Fatalf("AddEvidence: %v", err)
		}
		if _, _, err := s.StartCycle(ctx, a, "2026/27", at(3)); err != nil {
			t.Fatalf("StartCycle: %v", err)
		}
		for _, ref := range []string{"eqs/1.1", "eqs/1.1:events"} {
			if es, err := s.Events(ctx, b, ref, 0); err == nil && len(es) != 0 {
				t.Fatalf("Events(%q, %q) = %+v; want none", b, ref, es)
			}
		}
		if evs, err := s.Evidence(ctx, b, ""); err != nil || len(evs) != 0 {
			t.Fatalf("Evidence(%q) = %+v, %v; want none", b, evs, err)
		}
		if w, err := s.Workspace(ctx, b); err != nil || w.Cycle != "2025/26" || len(w.PastCycles) != 0 {
			t.Fatalf("Workspace(%q) = %+v, %v; want its own first cycle", b, w, err)
		}
		if es, err := s.Events(ctx, a, "eqs/1.1", 0); err != nil || len(es) != 2 {
			t.Fatalf("Events(%q) = %+v, %v; want its rate and evidence", a, es, err)
		}
	})

	t.Run("a workspace id cannot reach another workspace's claims", func(t *testing.T) {
		for _, c := range []struct{ ws, key string }{
			{"slack:X", "k}:claim:k"},
			{"slack:X}:claim:k", "k"},
			{"slack:X}", "claim:k"},
			{"slack:X", "}:claim:k"},
		} {
			ok, err := s.Claim(ctx, c.ws, c.key, time.Minute)
			if err != nil || !ok {
				t.Fatalf("Claim(%q, %q) = %v, %v; want a first claim to win", c.ws, c.key, ok, err)
			}
		}
	})

	t.Run("names with separators, globs, spaces and length round-trip", func(t *testing.T) {
		long := strings.Repeat("x{y}:*", 1500) // 9,000 bytes
		for _, name := range []string{"a:b", "{c}", "}d{", "e*?[f]", "g h", long} {
			ws := "hostile:" + name
			mustImport(t, s, ws, eqs(), base)
			u, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: name, Time: at(1), Progress: 10, Status: framework.OnTrack})
			got, err := s.LastUpdateBy(ctx, ws, name)
			if err != nil || got.ID != u.ID {
				t.Fatalf("LastUpdateBy(%.20q) = %+v, %v; want %s", name, got, err, u.ID)
			}
			if err := s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: name, Spec: "0 9 * * MON"}); err != nil {
				t.Fatalf("PutSubscription(%.20q): %v", name, err)
			}
			if err := s.MarkDigested(ctx, ws, name, at(2)); err != nil {
				t.Fatalf("MarkDigested(%.20q): %v", name, err)
			}
			subs, err := s.Subscriptions(ctx, ws)
			if err != nil || len(subs) != 1 || subs[0].Channel != name || !subs[0].LastDigest.Equal(at(2)) {
				t.Fatalf("Subscriptions(%.20q) = %d subs, %v", name, len(subs), err)
			}
			if ok, err := s.Claim(ctx, ws, name, time.Minute); err != nil || !ok {
				t.Fatalf("Claim(%.20q) = %v, %v", name, ok, err)
			}
			if ok, err := s.Claim(ctx, ws, name, time.Minute); err != nil || ok {
				t.Fatalf("second Claim(%.20q) = %v, %v; want false", name, ok, err)
			}
			if err := s.DeleteSubscription(ctx, ws, name); err != nil {
				t.Fatalf("DeleteSubscription(%.20q): %v", name, err)
			}
			_, e := mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventAssign, Owner: "U1", Author: name, Time: at(3)})
			title := name[:min(len(name), framework.MaxEvidenceTitle)]
			if _, err := s.AddEvidence(ctx, ws, "eqs/1.1", framework.Evidence{URL: "https://example.org/" + url.PathEscape(title), Title: title, Author: name, Time: at(4)}); err != nil {
				t.Fatalf("AddEvidence(%.20q): %v", name, err)
			}
			es, err := s.Events(ctx, ws, "eqs/1.1", 0)
			if err != nil || len(es) != 2 || es[1].ID != e.ID || es[1].Author != name || es[0].Title != title {
				t.Fatalf("Events(%.20q) = %d events, %v", name, len(es), err)
			}
			if w, _, err := s.StartCycle(ctx, ws, "2026/27", at(5)); err != nil || w.Cycle != "2026/27" {
				t.Fatalf("StartCycle(%.20q) = %+v, %v", name, w, err)
			}
		}
	})

	t.Run("a ref that names another key of its target is ENOTFOUND", func(t *testing.T) {
		const ws = "slack:REF"
		mustImport(t, s, ws, eqs(), base)
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(1), Progress: 10, Status: framework.OnTrack})
		for _, ref := range []string{"eqs/1.1:log", "eqs/1.1:", "eqs/1.1}"} {
			_, err := s.Target(ctx, ws, ref)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "Target("+ref+")")
			_, err = s.Updates(ctx, ws, ref, 10)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "Updates("+ref+")")
			_, _, err = s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventAssign, Owner: "U9", Author: "U1", Time: at(2)})
			wantKind(t, err, framework.ErrTargetNotFound, ref, "ChangeTarget("+ref+")")
			_, err = s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org/x", Author: "U1", Time: at(2)})
			wantKind(t, err, framework.ErrTargetNotFound, ref, "AddEvidence("+ref+")")
			_, err = s.Events(ctx, ws, ref, 0)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "Events("+ref+")")
			_, err = s.Evidence(ctx, ws, ref)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "Evidence("+ref+")")
			_, _, err = s.WorkspaceTarget(ctx, ws, ref)
			wantKind(t, err, framework.ErrTargetNotFound, ref, "WorkspaceTarget("+ref+")")
			_, _, err = s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(2), Progress: 20}, store.Once{})
			wantKind(t, err, framework.ErrTargetNotFound, ref, "AppendUpdate("+ref+")")
		}
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Progress != 10 || tg.Owner != "" {
			t.Fatalf("eqs/1.1 after the attempts = %+v, want untouched", tg)
		}
		if us, err := s.Updates(ctx, ws, "eqs/1.1", 10); err != nil || len(us) != 1 {
			t.Fatalf("Updates(eqs/1.1) = %d, %v; want its one", len(us), err)
		}
	})

	t.Run("a key too long for the backend is EINVALID, not EUNAVAILABLE", func(t *testing.T) {
		huge := strings.Repeat("c", 70000)
		err := s.PutSubscription(ctx, framework.Subscription{Workspace: "slack:HUGE", Channel: huge, Spec: "0 9 * * MON"})
		if err != nil {
			wantKind(t, err, framework.ErrTooLong, "", "PutSubscription with a 70,000-byte channel")
		}
		_, err = s.Claim(ctx, "slack:HUGE", huge, time.Minute)
		if err != nil {
			wantKind(t, err, framework.ErrTooLong, "", "Claim with a 70,000-byte key")
		}
		err = s.SetTimezone(ctx, huge, "Europe/London")
		if err != nil {
			wantKind(t, err, framework.ErrTooLong, "", "SetTimezone of a 70,000-byte workspace")
		}
	})
}

// testBadInput checks that values the caller should have validated are
// refused whole, before anything is written, rather than stored half-way.
func testBadInput(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:BAD"
	mustImport(t, s, ws, eqs(), base)

	t.Run("a claim with no positive ttl is EINVALID and takes nothing", func(t *testing.T) {
		for _, ttl := range []time.Duration{0, -time.Second} {
			ok, err := s.Claim(ctx, ws, "digest:C1:2026-03-02T09:00", ttl)
			wantCode(t, err, framework.EINVALID, "Claim with ttl "+ttl.String())
			if ok {
				t.Fatalf("Claim with ttl %v = true", ttl)
			}
		}
		if ok, err := s.Claim(ctx, ws, "digest:C1:2026-03-02T09:00", time.Minute); err != nil || !ok {
			t.Fatalf("Claim after the refused ones = %v, %v; want true", ok, err)
		}
	})

	t.Run("a due date that is not YYYY-MM-DD is EINVALID and changes nothing", func(t *testing.T) {
		good := framework.Date("2026-04-01")
		setDue(t, s, ws, "eqs/1.1", good)
		for _, d := range []framework.Date{"next week", "2026-4-1", "2026-13-01", "20260401"} {
			_, _, err := s.ChangeTarget(ctx, ws, "eqs/1.1", framework.Change{Kind: framework.EventDue, Due: d, Author: "U2", Time: at(2)})
			wantKind(t, err, framework.ErrBadDue, string(d), "ChangeTarget with due "+string(d))
			_, _, err = s.ChangeTarget(ctx, ws, "eqs/1.1", framework.Change{Kind: framework.EventSnooze, Until: d, Author: "U2", Time: at(2)})
			wantKind(t, err, framework.ErrBadDue, string(d), "ChangeTarget with a snooze until "+string(d))
			err = s.AddTarget(ctx, ws, framework.Target{Framework: "eqs", Objective: "1", Code: "1.50", Title: "Bad", Custom: true, Due: d, CreatedAt: at(1)})
			wantKind(t, err, framework.ErrBadDue, string(d), "AddTarget with due "+string(d))
		}
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Due != good || tg.Owner != "" {
			t.Fatalf("eqs/1.1 after refused patches = %+v, want due %s and no owner", tg, good)
		}
		_, err := s.Target(ctx, ws, "eqs/1.50")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/1.50", "Target(eqs/1.50) after refused adds")
		_, tg := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(3), Progress: 30, Status: framework.OnTrack})
		if tg.Progress != 30 {
			t.Fatalf("AppendUpdate after refused patches = %+v", tg)
		}
		due, err := s.Due(ctx, ws, "", "2099-12-31")
		if err != nil {
			t.Fatalf("Due: %v", err)
		}
		wantRefs(t, "Due after refused patches", due, "eqs/1.1")
	})

	t.Run("an update with progress out of range or an unknown status is EINVALID and stores nothing", func(t *testing.T) {
		before := mustTarget(t, s, ws, "eqs/1.2")
		for _, tt := range []struct {
			u       framework.Update
			kind    framework.Kind
			subject string
		}{
			{framework.Update{Target: "eqs/1.2", Author: "U3", Time: at(4), Progress: 101}, framework.ErrBadProgress, "101"},
			{framework.Update{Target: "eqs/1.2", Author: "U3", Time: at(4), Progress: -2}, framework.ErrBadProgress, "-2"},
			{framework.Update{Target: "eqs/1.2", Author: "U3", Time: at(4), Progress: 50, Status: "finished"}, framework.ErrBadStatus, "finished"},
		} {
			_, _, err := s.AppendUpdate(ctx, ws, tt.u, store.Once{})
			wantKind(t, err, tt.kind, tt.subject, fmt.Sprintf("AppendUpdate progress %d status %q", tt.u.Progress, tt.u.Status))
		}
		if tg := mustTarget(t, s, ws, "eqs/1.2"); !sameTarget(tg, before) {
			t.Fatalf("eqs/1.2 after refused updates = %+v, want %+v", tg, before)
		}
		_, err := s.LastUpdateBy(ctx, ws, "U3")
		wantKind(t, err, framework.ErrNoUpdate, "U3", "LastUpdateBy(U3) after refused updates")
	})
}
