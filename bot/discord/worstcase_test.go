package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/reminders"
	"github.com/targetbot/targetbot/reminders/worstcase"
	"github.com/targetbot/targetbot/store/boltstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// posted is one message the fake Discord API received.
type posted struct {
	path string
	msg  wireMessage
	raw  json.RawMessage
}

// drain takes every request the fake API has received so far.
func (f *fakeDiscord) drain(t *testing.T) []recorded {
	t.Helper()
	var out []recorded
	for {
		select {
		case r := <-f.got:
			out = append(out, r)
		default:
			return out
		}
	}
}

// messages decodes the message posts among rs, in order.
func messages(t *testing.T, rs []recorded) []posted {
	t.Helper()
	var out []posted
	for _, r := range rs {
		if r.Method != "POST" || r.Path == "/users/@me/channels" {
			continue
		}
		p := posted{path: r.Path, raw: r.Body}
		if err := json.Unmarshal(r.Body, &p.msg); err != nil {
			t.Fatalf("%s: %v", r.Path, err)
		}
		out = append(out, p)
	}
	return out
}

// The worst-case workspace, end to end through this adapter: the digest
// a channel gets, the reminder DMs (one owner with 27 overdue targets),
// and the list reply, all from the real store, scheduler and command
// layer, checked from the JSON the fake Discord API received.
func TestWorstCase(t *testing.T) {
	ctx := t.Context()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "worst.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // a Monday at 09:00: reminders are due
	clock := func() time.Time { return now }
	const ws, guild, channel = "discord:81234", "81234", "90001"
	overdue, err := worstcase.Seed(ctx, st, ws, now)
	if err != nil {
		t.Fatal(err)
	}
	// Subscribed now, for Fridays: the scheduler's run below posts only
	// reminders, and the digest is the one PostDigest posts.
	if err := st.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: channel, Spec: "0 17 * * FRI", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}

	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
		w.Header().Set("Content-Type", "application/json")
		if r.Path == "/users/@me/channels" {
			fmt.Fprintf(w, `{"id":"dm-%s","type":1}`, r.json(t)["recipient_id"])
			return
		}
		fmt.Fprintf(w, `{"id":"%d"}`, 1300+n)
	})
	fws := []*framework.Framework{worstcase.Framework()}
	quiet := slog.New(slog.DiscardHandler)
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: clock, Logger: quiet})
	a := newAdapter(t, h, api, func(o *Options) { o.DeferAfter = 10 * time.Second })
	sched := reminders.New(reminders.Options{Store: st, Posters: map[string]bot.Poster{"discord": a}, Frameworks: fws, Now: clock, Logger: quiet})

	if err := sched.PostDigest(ctx, ws, channel); err != nil {
		t.Fatal(err)
	}
	digest := messages(t, api.drain(t))
	res, err := sched.RunDue(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reminders == 0 || res.Reminded != worstcase.HeavyOverdue || res.Digests != 0 {
		t.Fatalf("the scheduler's run: %+v", res)
	}
	dms := messages(t, api.drain(t))

	body := withOptions(t, "list", nil)
	rec := post(t, a, body, signed(t, testNow, body))
	_ = a.Drain(context.Background())
	var resp struct {
		Type int         `json:"type"`
		Data wireMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Type != 4 {
		t.Fatalf("list response %d %s: %v", resp.Type, rec.Body, err)
	}
	list := append([]posted{{path: "response", msg: resp.Data}}, messages(t, api.drain(t))...)

	t.Run("limits", func(t *testing.T) {
		for _, set := range [][]posted{digest, dms, list} {
			for i, p := range set {
				checkLimits(t, fmt.Sprintf("%s #%d", p.path, i), p.msg)
			}
		}
	})

	t.Run("digest", func(t *testing.T) {
		if len(digest) < 2 {
			t.Fatalf("%d digest messages", len(digest))
		}
		var text strings.Builder
		for _, p := range digest {
			if p.path != "/channels/"+channel+"/messages" {
				t.Errorf("digest went to %s", p.path)
			}
			// Digests name people without notifying them.
			if u := p.msg.AllowedMentions.Users; len(u) != 0 {
				t.Errorf("digest may notify %v", u)
			}
			text.WriteString(p.msg.text())
		}
		for _, ref := range overdue {
			if !strings.Contains(text.String(), "`"+ref+"`") {
				t.Errorf("overdue %s is not in the digest", ref)
			}
		}
		if !strings.Contains(text.String(), "Overdue (27)") {
			t.Error("the digest has no overdue section")
		}
		// The digest lists the newest 50 updates and counts the rest;
		// each listed note shows, and its link works.
		if !strings.Contains(text.String(), "…and 2 more updates since") {
			t.Error("the digest does not count the updates it leaves out")
		}
		for i := 2; i < worstcase.Notes; i++ {
			if !strings.Contains(text.String(), fmt.Sprintf("<https://www.england.nhs.uk/eds/?n=%d>", i)) {
				t.Errorf("note %d's link is not in the digest", i)
			}
		}
		golden(t, "worstcase_digest.json", digest)
	})

	t.Run("reminders", func(t *testing.T) {
		heavy := "/channels/dm-" + worstcase.HeavyOwner + "/messages"
		var mine []posted
		for _, p := range dms {
			owner := strings.TrimSuffix(strings.TrimPrefix(p.path, "/channels/dm-"), "/messages")
			// A reminder DM notifies its owner and no one else.
			if u := p.msg.AllowedMentions.Users; len(u) != 1 || u[0] != owner {
				t.Errorf("DM to %s may notify %v", owner, u)
			}
			if p.path == heavy {
				mine = append(mine, p)
			}
		}
		if len(mine) < 2 {
			t.Fatalf("the heavy owner got %d messages", len(mine))
		}
		for _, ref := range overdue {
			found := 0
			for _, p := range mine {
				labels, ids := p.msg.buttons()
				for i := range labels {
					if labels[i] == "Mark "+ref+" done" && ids[i] == "cmd@"+guild+":update "+ref+" done" {
						found++
						if !strings.Contains(p.msg.text(), "`"+ref+"`") {
							t.Errorf("the button for %s is in a message that does not show it", ref)
						}
					}
				}
			}
			if found != 1 {
				t.Errorf("%d Mark %s done buttons, want 1", found, ref)
			}
		}
		golden(t, "worstcase_reminder.json", mine)
	})

	t.Run("list", func(t *testing.T) {
		var text strings.Builder
		for i, p := range list {
			if i > 0 && (p.path != "/webhooks/"+testAppID+"/aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDAwMjp0b2tlbg") {
				t.Errorf("list follow-up %d went to %s", i, p.path)
			}
			if p.msg.Flags != 64 {
				t.Errorf("list message %d has flags %d, want ephemeral", i, p.msg.Flags)
			}
			if u := p.msg.AllowedMentions.Users; len(u) != 0 {
				t.Errorf("list may notify %v", u)
			}
			text.WriteString(p.msg.text())
		}
		ts, err := st.Targets(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			if !strings.Contains(text.String(), "`"+tg.Ref()+"`") {
				t.Errorf("list leaves out %s", tg.Ref())
			}
		}
	})

	t.Run("inert", func(t *testing.T) {
		everyone := regexp.MustCompile(`(^|[^\\])@(everyone|here)`)
		for _, set := range [][]posted{digest, dms, list} {
			for i, p := range set {
				for _, bad := range []string{"](https://evil.example", "**strong", "~~gone", "<@U0OTHER>", "<!channel>", "__under", "||"} {
					if strings.Contains(p.msg.text(), bad) {
						t.Errorf("%s #%d: live %q", p.path, i, bad)
					}
				}
				if m := everyone.FindString(p.msg.text()); m != "" {
					t.Errorf("%s #%d: unescaped %q", p.path, i, m)
				}
				if regexp.MustCompile(`[^\\*]\*bold`).MatchString(p.msg.text()) {
					t.Errorf("%s #%d: a note's *bold* is live", p.path, i)
				}
			}
		}
	})
}

// readable undoes encoding/json's HTML escapes, which Discord reads the
// same either way, so the golden files show markdown as sent.
var readable = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")

// golden compares messages' JSON bodies with testdata/name, or rewrites
// it with -update.
func golden(t *testing.T, name string, msgs []posted) {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, p := range msgs {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, p.raw, "  ", "  "); err != nil {
			t.Fatal(err)
		}
		buf.WriteString("  ")
		buf.WriteString(readable.Replace(pretty.String()))
		if i < len(msgs)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("]\n")
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestWorstCase -update to write it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from what was posted (run go test -run TestWorstCase -update and review the diff)", path)
	}
}
