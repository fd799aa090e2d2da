package bottest

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/reminders"
	"github.com/targetbot/targetbot/reminders/worstcase"
	"github.com/targetbot/targetbot/store/boltstore"
)

// The worst-case workspace (reminders/worstcase), seeded in the
// harness's workspace, through the real scheduler and store: the digest
// `digest now` posts to the channel, and the reminder DMs, one owner with
// 27 overdue targets (a DM notifies its user by itself, so whether a
// reminder also mentions its owner is the platform's choice). The harness fails any message over its platform's
// limits; the suite checks that every overdue target is listed, that
// every listed note's link works, and that nobody is pinged who should
// not be.
func testWorstCase(t *testing.T, h Harness) {
	ctx := context.Background()
	p := h.Place()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "worst.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // a Monday at 09:00: reminders are due
	overdue, err := worstcase.Seed(ctx, st, p.Workspace, now)
	if err != nil {
		t.Fatal(err)
	}
	// Subscribed for Fridays: the run below posts only reminders.
	if err := st.PutSubscription(ctx, framework.Subscription{Workspace: p.Workspace, Channel: p.Channel, Spec: "0 17 * * FRI", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	sched := reminders.New(reminders.Options{Store: st, Posters: map[string]bot.Poster{bot.PlatformOf(p.Workspace): h.Poster()},
		Frameworks: []*framework.Framework{worstcase.Framework()}, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})

	if err := sched.PostDigest(ctx, p.Workspace, p.Channel); err != nil {
		t.Fatal(err)
	}
	t.Run("digest", func(t *testing.T) {
		digest := h.Shown(t)
		if len(digest) == 0 {
			t.Fatal("no digest")
		}
		var text strings.Builder
		links := map[string]bool{}
		for i, s := range digest {
			if s.To != p.Channel {
				t.Errorf("digest message %d went to %q", i, s.To)
			}
			if len(s.Pings) > 0 {
				t.Errorf("digest message %d pings %v: a digest names people without notifying them", i, s.Pings)
			}
			checkLinks(t, fmt.Sprintf("digest message %d", i), s)
			for _, l := range s.Links {
				links[l.URL] = true
			}
			text.WriteString(s.Text + "\n")
		}
		for _, ref := range overdue {
			if !strings.Contains(text.String(), ref) {
				t.Errorf("overdue %s is not in the digest", ref)
			}
		}
		// The digest lists the newest 50 updates and counts the rest.
		for i := 2; i < worstcase.Notes; i++ {
			if u := fmt.Sprintf("https://www.england.nhs.uk/eds/?n=%d", i); !links[u] {
				t.Errorf("note %d's link %s does not work in the digest", i, u)
			}
		}
	})

	res, err := sched.RunDue(ctx, now)
	if err != nil || res.Reminded != worstcase.HeavyOverdue || res.Errors != 0 {
		t.Fatalf("the scheduler's run: %+v, %v", res, err)
	}
	t.Run("reminders", func(t *testing.T) {
		var heavy strings.Builder
		n := 0
		for i, s := range h.Shown(t) {
			for _, u := range s.Pings {
				if u != s.To {
					t.Errorf("reminder %d to %s pings %s: a reminder notifies its owner only", i, s.To, u)
				}
			}
			checkLinks(t, fmt.Sprintf("reminder %d", i), s)
			if s.To == worstcase.HeavyOwner {
				heavy.WriteString(s.Text + "\n")
				n++
			}
		}
		if n == 0 {
			t.Fatalf("no reminder to %s", worstcase.HeavyOwner)
		}
		for _, ref := range overdue {
			if !strings.Contains(heavy.String(), ref) {
				t.Errorf("overdue %s is not in %s's reminder", ref, worstcase.HeavyOwner)
			}
		}
	})
}

// checkLinks fails t for a link in s to the worst case's evil site: its
// notes hold "[nhs.uk](https://evil.example/i)", which must show as
// typed, never as a link labelled nhs.uk.
func checkLinks(t *testing.T, where string, s Shown) {
	t.Helper()
	for _, l := range s.Links {
		if strings.Contains(l.URL, "evil.example") && l.Label != l.URL {
			t.Errorf("%s: a disguised link to %s labelled %q", where, l.URL, l.Label)
		}
	}
}
