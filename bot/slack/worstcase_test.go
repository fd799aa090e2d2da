package slack

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
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

// The worst-case workspace through the real scheduler, command layer and
// store, posted to the fake Web API: a digest with its thread, the
// reminder DMs (one owner has 27 overdue targets), and `list`. Every
// payload is checked as sent, against every Block Kit limit; nothing may
// be missing, and nobody may be notified who should not be.
func TestWorstCaseWorkspace(t *testing.T) {
	ctx := context.Background()
	w := newWorstWorld(t)
	st, a, f, overdue, now := w.store, w.adapter, w.fake, w.overdue, w.now
	if err := w.sched.PostDigest(ctx, worstWS, digestChannel); err != nil {
		t.Fatal(err)
	}
	res, err := w.sched.RunDue(ctx, now)
	if err != nil || res.Reminders == 0 || res.Errors != 0 {
		t.Fatalf("reminders: %+v, %v", res, err)
	}
	ws := worstWS

	var digest, heavy []map[string]any
	var all []string // every text sent, for the checks that hold everywhere
	for _, p := range f.posted(t) {
		text := checkLimits(t, p) + fmt.Sprint(p["text"])
		all = append(all, text)
		switch p["channel"] {
		case digestChannel:
			digest = append(digest, p)
		case "D" + worstcase.HeavyOwner:
			heavy = append(heavy, p)
		}
	}

	t.Run("digest", func(t *testing.T) {
		if len(digest) < 3 {
			t.Fatalf("%d digest posts, want the summary and a thread of several", len(digest))
		}
		var text string
		for i, p := range digest {
			if (i == 0) != (p["thread_ts"] == nil) {
				t.Errorf("post %d: thread_ts %v; want the summary first and the rest in its thread", i, p["thread_ts"])
			}
			txt := checkLimits(t, p) + fmt.Sprint(p["text"])
			if strings.Contains(txt, "<@") {
				t.Errorf("post %d mentions someone: a digest names people without notifying them", i)
			}
			text += txt
		}
		for _, ref := range overdue {
			if !strings.Contains(text, "`"+ref+"`") {
				t.Errorf("overdue %s is not in the digest", ref)
			}
		}
		if !strings.Contains(text, "by @Name U000") {
			t.Error("the digest does not name the updates' authors")
		}
		golden(t, "worstcase_digest.json", digest)
	})

	t.Run("heavy owner's reminder", func(t *testing.T) {
		if len(heavy) < 2 {
			t.Fatalf("%d DMs to %s; 27 targets with buttons need more than one message", len(heavy), worstcase.HeavyOwner)
		}
		labels := map[string]int{}
		for _, p := range heavy {
			if p["thread_ts"] != nil {
				t.Error("a reminder part went into a thread")
			}
			for _, b := range p["blocks"].([]any) {
				els, _ := b.(map[string]any)["elements"].([]any)
				for _, e := range els {
					labels[e.(map[string]any)["text"].(map[string]any)["text"].(string)]++
				}
			}
		}
		for _, ref := range overdue {
			if labels["Mark "+ref+" done"] != 1 {
				t.Errorf("%d %q buttons, want 1", labels["Mark "+ref+" done"], "Mark "+ref+" done")
			}
		}
		if len(overdue) != worstcase.HeavyOverdue {
			t.Errorf("%d overdue refs from Seed, want %d", len(overdue), worstcase.HeavyOverdue)
		}
	})

	t.Run("list", func(t *testing.T) {
		hk := newHooks(t)
		form, _ := url.ParseQuery(hooksForm(t, hk))
		form.Set("text", "list")
		w := serve(a, signed("/slack/commands", form.Encode()))
		msgs := []map[string]any{decode(t, w.Body.Bytes())}
		if err := a.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for len(hk.bodies) > 0 {
			msgs = append(msgs, <-hk.bodies)
		}
		if len(msgs) < 2 {
			t.Errorf("%d messages; the whole list does not fit in one", len(msgs))
		}
		var text string
		for _, m := range msgs {
			if m["response_type"] != "ephemeral" {
				t.Errorf("response_type %v", m["response_type"])
			}
			text += checkLimits(t, m)
		}
		all = append(all, text)
		ts, _ := st.Targets(ctx, ws)
		for _, tg := range ts {
			if !strings.Contains(text, "`"+tg.Ref()+"`") {
				t.Errorf("%s is not in the list", tg.Ref())
			}
		}
		if !strings.Contains(text, "*All targets (100)*") {
			t.Error("no heading")
		}
	})

	evil := regexp.MustCompile(`<https://evil\.example[^>]*\|nhs\.uk>`)
	for i, text := range all {
		for _, bad := range []string{"<@U0OTHER>", "<!channel>", "<!here>", "<!everyone>"} {
			if strings.Contains(text, bad) {
				t.Errorf("payload %d holds a live %s", i, bad)
			}
		}
		if evil.MatchString(text) {
			t.Errorf("payload %d holds a disguised link: %s", i, evil.FindString(text))
		}
	}
}

const worstWS, digestChannel = "slack:T1DC2JH3J", "C0DIGEST"

// worstWorld is the worst-case workspace seeded in a bolt store, with the
// command layer, the scheduler and this adapter wired as serve wires
// them, posting to a fake Web API.
type worstWorld struct {
	store   *boltstore.Store
	fake    *fakeSlack
	adapter *Adapter
	sched   *reminders.Scheduler
	overdue []string
	now     time.Time
}

func newWorstWorld(t *testing.T) *worstWorld {
	t.Helper()
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "worst.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &worstWorld{store: st, now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)} // a Monday, when reminders run
	if w.overdue, err = worstcase.Seed(ctx, st, worstWS, w.now); err != nil {
		t.Fatal(err)
	}
	// A channel subscribed on Fridays: the digests here are `digest now`'s.
	if err := st.PutSubscription(ctx, framework.Subscription{Workspace: worstWS, Channel: digestChannel, Spec: "0 17 * * FRI", CreatedBy: "U0ADMIN", CreatedAt: w.now}); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return w.now }
	fws := []*framework.Framework{worstcase.Framework()}
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: clock,
		PostDigest: func(ctx context.Context, ws, channel string) error { return w.sched.PostDigest(ctx, ws, channel) }})
	w.fake = newFakeSlack(t)
	w.adapter = newTestAdapter(t, w.fake, h, nil)
	w.sched = reminders.New(reminders.Options{Store: st, Posters: map[string]bot.Poster{"slack": w.adapter}, Frameworks: fws, Now: clock,
		Logger: slog.New(slog.DiscardHandler)})
	return w
}

// `digest now`, typed in a channel, posts there exactly what a scheduled
// digest posts: the summary, and the details in its thread.
func TestDigestNowCommandPostsItsThread(t *testing.T) {
	w := newWorstWorld(t)
	w.fake.admins["U2CERLKJA"] = true
	form, _ := url.ParseQuery(readFile(t, "command_update.form"))
	form.Set("text", "digest now")
	form.Set("channel_id", digestChannel)
	resp := serve(w.adapter, signed("/slack/commands", form.Encode()))
	if m := decode(t, resp.Body.Bytes()); m["response_type"] != "ephemeral" || resp.Code != 200 {
		t.Errorf("answer %d %v", resp.Code, m)
	}
	// Were the command slower than the answer's deadline, its posts would
	// still be on their way: wait for them.
	if err := w.adapter.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	var top, thread int
	var text string
	posts := w.fake.posted(t)
	// The same digest the scheduler's PostDigest posts in TestWorstCaseWorkspace.
	golden(t, "worstcase_digest.json", posts)
	for _, p := range posts {
		if p["channel"] != digestChannel {
			t.Errorf("posted to %v", p["channel"])
		}
		if p["thread_ts"] == nil {
			top++
		} else if p["thread_ts"] == "1700000000.100001" {
			thread++
		}
		text += checkLimits(t, p)
	}
	if top != 1 || thread < 2 {
		t.Errorf("%d top messages and %d in its thread; want the summary and its thread", top, thread)
	}
	for _, ref := range w.overdue {
		if !strings.Contains(text, "`"+ref+"`") {
			t.Errorf("overdue %s is not in the digest", ref)
		}
	}
}

// golden compares payloads with testdata/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, payloads []map[string]any) {
	t.Helper()
	got, err := json.MarshalIndent(payloads, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test -run %s -update to write it", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("payloads differ from %s; if the change is meant, run go test -run %s -update and review the diff", path, t.Name())
	}
}
