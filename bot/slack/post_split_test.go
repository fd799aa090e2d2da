package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
)

// reminderFor is a reminder DM as reminders renders one: a headline and
// a block per target, each with buttons that name it.
func reminderFor(owner string, n int) bot.Reply {
	blocks := []bot.Block{{Text: fmt.Sprintf("⏰ %s, you have %d targets overdue.", bot.User(owner), n)}}
	for i := range n {
		ref := fmt.Sprintf("eds/%d.%d", i/10+1, i%10+1)
		blocks = append(blocks, bot.Block{Title: view.Ref(ref) + " " + strings.Repeat("Long title ", 20),
			Text: "overdue, due 2026-11-01 · ⚪ not-started · 0%", Buttons: view.ReminderButtons(ref, "7d")})
	}
	return bot.Reply{Blocks: blocks, Notify: []string{owner}, Command: "remind"}
}

// A reminder of 27 targets has more blocks than a message holds: it is
// split into consecutive DMs, every target with all its buttons, and no
// target's buttons parted from it.
func TestReminderDMSplitsKeepingEveryTarget(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	if err := a.Post(context.Background(), bot.Message{Workspace: "slack:T1", User: "U0HEAVY", Key: "remind:1:U0HEAVY", Reply: reminderFor("U0HEAVY", 27)}); err != nil {
		t.Fatal(err)
	}
	posts := f.posted(t)
	if len(posts) != 2 {
		t.Fatalf("%d messages, want 2", len(posts))
	}
	var all string
	for i, p := range posts {
		all += checkLimits(t, p)
		if p["channel"] != "DU0HEAVY" || p["thread_ts"] != nil {
			t.Errorf("message %d went to %v in thread %v; want consecutive DMs", i, p["channel"], p["thread_ts"])
		}
		blocks := p["blocks"].([]any)
		if last := blocks[len(blocks)-1].(map[string]any); last["type"] != "actions" {
			t.Errorf("message %d ends with a %v, parted from its buttons", i, last["type"])
		}
	}
	for i := range 27 {
		ref := fmt.Sprintf("eds/%d.%d", i/10+1, i%10+1)
		for _, label := range []string{"Log " + ref, "Snooze " + ref + " a week", "Mark " + ref + " done"} {
			if strings.Count(all, label+"\n") != 1 {
				t.Errorf("button %q shows %d times", label, strings.Count(all, label+"\n"))
			}
		}
	}
	// The DM notifies its owner, and its headline is the notification.
	if !strings.Contains(all, "⏰ <@U0HEAVY>, you have 27") || posts[0]["text"] != "⏰ <@U0HEAVY>, you have 27 targets overdue." {
		t.Errorf("headline %q", posts[0]["text"])
	}
	if posts[1]["text"] == "" {
		t.Error("the second message has no notification text")
	}
}

// digestLike is a digest as reminders renders one: a short summary, and
// details longer than one message, naming people.
func digestLike() bot.Reply {
	var lines []string
	for i := range 400 {
		lines = append(lines, fmt.Sprintf("• `eds/%d` %s: 40%% by %s", i, bot.UserText("note with <!channel> & *stars*"), bot.User(fmt.Sprintf("U%03d", i%3))))
	}
	details := []bot.Block{
		{Title: "Updates since 2026-11-23 (400)", Text: strings.Join(lines, "\n")},
		{Title: "Overdue (2)", Text: "• `eds/1.1` by " + bot.User("U000") + "\n• `eds/1.2`"},
		{Title: "Ratings", Text: "`eds`: 🟥 undeveloped 1"},
	}
	return bot.Reply{Blocks: []bot.Block{{Title: "📊 Targets digest", Text: "3 targets"}}, Details: details, Command: "digest"}
}

// `digest now` posts through Post, as a scheduled digest does: the
// summary in the channel, and every detail in its thread, split into as
// many thread messages as Slack's limits need. It names people without
// notifying them.
func TestDigestNowPostsItsThread(t *testing.T) {
	f := newFakeSlack(t)
	f.names["U000"] = "Ann"
	a := newTestAdapter(t, f, &recorder{}, nil)
	r := digestLike()
	if err := a.Post(context.Background(), bot.Message{Workspace: "slack:T1", Channel: "C1", Key: "digest-now:slack:T1:C1:1", Reply: r}); err != nil {
		t.Fatal(err)
	}
	posts := f.posted(t)
	if len(posts) < 4 {
		t.Fatalf("%d posts, want the summary and at least 3 thread parts", len(posts))
	}
	if posts[0]["thread_ts"] != nil || posts[0]["text"] != "📊 Targets digest" {
		t.Errorf("first post %v", posts[0])
	}
	var thread string
	for i, p := range posts {
		text := checkLimits(t, p)
		if i > 0 {
			if p["thread_ts"] != "1700000000.100001" {
				t.Errorf("part %d is not in the summary's thread: %v", i, p["thread_ts"])
			}
			thread += text
		}
		if strings.Contains(text, "<@") || strings.Contains(text, "<!") {
			t.Errorf("post %d notifies someone: %s", i, text)
		}
	}
	for i := range 400 {
		if !strings.Contains(thread, fmt.Sprintf("• `eds/%d` ", i)) {
			t.Errorf("update %d is missing from the thread", i)
		}
	}
	if !strings.Contains(thread, "by @Ann\n") || !strings.Contains(thread, "by @Name U001") {
		t.Error("people are not named")
	}
	if n := len(f.calls("users.info")); n != 3 {
		t.Errorf("users.info called %d times, want once for each of 3 people", n)
	}
}

// A thread part that fails is posted again on retry, and only it and
// what follows: the retry posts the very messages the first attempt
// split the digest into.
func TestPostResumesMidThread(t *testing.T) {
	f := newFakeSlack(t)
	fail := true
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "chat.postMessage" && n == 3 && fail {
			_, _ = w.Write([]byte(`{"ok":false,"error":"internal_error"}`))
			return true
		}
		return false
	}
	a := newTestAdapter(t, f, &recorder{}, nil)
	m := bot.Message{Workspace: "slack:T1", Channel: "C1", Key: "digest:C1:1", Reply: digestLike()}
	if err := a.Post(context.Background(), m); err == nil {
		t.Fatal("want the failed thread part's error")
	}
	fail = false
	f.mu.Lock()
	f.names["U000"] = "Renamed" // a new look-up must not change the split
	f.mu.Unlock()
	if err := a.Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	posts := f.posted(t)
	fresh := newFakeSlack(t)
	b := newTestAdapter(t, fresh, &recorder{}, nil)
	if err := b.Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	want := fresh.posted(t)
	if len(posts) != len(want)+1 {
		t.Fatalf("%d posts, want %d and the one that failed", len(posts), len(want))
	}
	// posts[2] failed and was posted again as posts[3].
	if posts[2]["blocks"] == nil || fmt.Sprint(posts[2]["blocks"]) != fmt.Sprint(posts[3]["blocks"]) {
		t.Error("the retry did not post the failed part again first")
	}
	for i := range want {
		j := i
		if i >= 3 {
			j = i + 1
		}
		if fmt.Sprint(posts[j]["blocks"]) != fmt.Sprint(want[i]["blocks"]) {
			t.Errorf("post %d differs from an unbroken run's", j)
		}
	}
}
