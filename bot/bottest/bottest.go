// Package bottest is the conformance suite for chat platforms, as
// go-cloud's drivertest is for its drivers and store/storetest is for
// the stores: it pins what every adapter must do with a reply, whatever
// the platform. Each adapter's tests run it with a Harness that posts
// through the adapter (against its fake platform where it has one) and
// reads back what the platform would show.
//
// What it checks (DESIGN sections 8 and 19):
//   - user text stays inert: it pings no one and disguises no link, and a
//     URL in it stays a working link;
//   - only the users named in Reply.Notify are pinged;
//   - nothing is cut: every line of a reply too long for one message
//     appears in the messages posted;
//   - the worst-case workspace's digest and reminders (reminders/worstcase)
//     fit the platform's limits, list every overdue target and ping no
//     one they should not.
package bottest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// Harness is one adapter under test.
type Harness interface {
	// Place is where the suite posts.
	Place() Place
	// Poster is the adapter, as the scheduler posts through it.
	Poster() bot.Poster
	// Shown returns the messages the platform received since the last
	// call, in order, as the platform would show them. It fails t for a
	// message over any of the platform's limits: only the harness knows
	// its platform's wire format.
	Shown(t *testing.T) []Shown
}

// Place is a workspace the harness's platform knows, with a channel and
// two users in it.
type Place struct {
	Workspace string
	Channel   string
	Users     [2]string
	// CanPing says the platform notifies users at all; the console does
	// not, and then Notify's users need not be pinged.
	CanPing bool
}

// Shown is one message as the platform shows it.
type Shown struct {
	// To is the channel it went to, or the user for a direct message.
	To string
	// Text is what a reader sees, escapes undone: text that markup or a
	// mention would have been shows as the characters typed. Style
	// markers the platform reads may remain.
	Text string
	// Pings are the users the message notifies, by id; a broadcast is
	// "@everyone", "@here" or "@channel".
	Pings []string
	// Links are the links a reader can follow.
	Links []Link
}

// Link is one followable link: what it shows and where it goes.
type Link struct {
	Label string
	URL   string
}

// Run runs the suite, each check on a fresh harness from newHarness.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("UserTextInert", func(t *testing.T) { testUserTextInert(t, newHarness(t)) })
	t.Run("OnlyNotifyPinged", func(t *testing.T) { testOnlyNotifyPinged(t, newHarness(t)) })
	t.Run("NothingCut", func(t *testing.T) { testNothingCut(t, newHarness(t)) })
	t.Run("WorstCase", func(t *testing.T) { testWorstCase(t, newHarness(t)) })
}

// post posts r to the harness's channel and returns what it shows.
func post(t *testing.T, h Harness, key string, r bot.Reply) []Shown {
	t.Helper()
	p := h.Place()
	if err := h.Poster().Post(context.Background(), bot.Message{Workspace: p.Workspace, Channel: p.Channel, Reply: r, Key: key}); err != nil {
		t.Fatalf("post: %v", err)
	}
	shown := h.Shown(t)
	if len(shown) == 0 {
		t.Fatal("the post showed nothing")
	}
	return shown
}

// evilNote is a note as someone might type it: every way a platform
// pings, a disguised link, and a URL that must stay a link.
const (
	goodURL  = "https://www.england.nhs.uk/eds/?n=1"
	evilNote = "@everyone @here <!channel> <!here> <@U123> <@%s> [nhs.uk](https://evil.example) *bold* ~gone~ `tick` see " + goodURL + " now"
)

// User text, as the command layer puts it in a reply (bot.UserText),
// pings no one, not even a user of the workspace; shows every character
// as typed; links nothing under a label it does not show; and its URL is
// a working link.
func testUserTextInert(t *testing.T, h Harness) {
	p := h.Place()
	note := fmt.Sprintf(evilNote, p.Users[0])
	r := bot.Reply{Blocks: []bot.Block{{Title: "Update", Text: "note: " + bot.UserText(note)}},
		Details: []bot.Block{{Text: bot.UserText(note)}}}
	shown := post(t, h, "inert", r)
	var links int
	for i, s := range shown {
		if len(s.Pings) > 0 {
			t.Errorf("message %d pings %v", i, s.Pings)
		}
		for _, l := range s.Links {
			if l.Label != l.URL {
				t.Errorf("message %d links %q under the label %q", i, l.URL, l.Label)
			}
			if l.URL == goodURL {
				links++
			}
		}
		text := visible(s.Text)
		for _, typed := range []string{"@everyone", "@here", "<!channel>", "<@U123>", "[nhs.uk](", goodURL} {
			if !strings.Contains(text, typed) {
				t.Errorf("message %d does not show %q as typed: %q", i, typed, s.Text)
			}
		}
	}
	if links < 2 {
		t.Errorf("%d working links to %s, want one in the message and one in its details", links, goodURL)
	}
}

// A reply that refers to two users pings only the one in Notify.
func testOnlyNotifyPinged(t *testing.T, h Harness) {
	p := h.Place()
	a, b := p.Users[0], p.Users[1]
	r := bot.Reply{Blocks: []bot.Block{{Text: "owner " + bot.User(a) + ", updated by " + bot.User(b)}},
		Details: []bot.Block{{Text: "again: " + bot.User(a) + " and " + bot.User(b)}}, Notify: []string{a}}
	pinged := map[string]bool{}
	for i, s := range post(t, h, "notify", r) {
		for _, u := range s.Pings {
			if u != a {
				t.Errorf("message %d pings %s; only %s is in Notify", i, u, a)
			}
			pinged[u] = true
		}
	}
	if p.CanPing && !pinged[a] {
		t.Errorf("%s, in Notify, is not pinged", a)
	}
}

// A reply longer than any platform's message, with lines of every
// length, a line longer than a message, and long details, arrives whole:
// every line appears across the messages posted.
func testNothingCut(t *testing.T, h Harness) {
	var text, details []string
	for i := range 400 {
		text = append(text, fmt.Sprintf("line %03d %s %s", i, bot.Code(fmt.Sprintf("eds/%d", i)), strings.Repeat("word ", i%40)))
	}
	long := ""
	for i := range 2000 {
		long += fmt.Sprintf("w%04d ", i)
	}
	text = append(text, long)
	for i := range 300 {
		details = append(details, fmt.Sprintf("detail %03d %s", i, bot.Bold(strings.Repeat("x", 1+i%70))))
	}
	r := bot.Reply{Blocks: []bot.Block{{Title: "Long", Text: strings.Join(text, "\n")}},
		Details: []bot.Block{{Title: "Details", Text: strings.Join(details, "\n")}}}
	var all strings.Builder
	for _, s := range post(t, h, "long", r) {
		all.WriteString(s.Text)
	}
	got := squeeze(all.String())
	for _, line := range append(text, details...) {
		if !inOrder(got, bot.PlainText(line)) {
			t.Errorf("line %.40q… is not in what was posted", line)
		}
	}
}

// inOrder reports whether text holds line: whole, or, for a line split
// over messages, each of its words in order, so that what a platform
// puts between the parts (a "(continued)" heading) does not count as
// a cut.
func inOrder(text, line string) bool {
	if strings.Contains(text, squeeze(line)) {
		return true
	}
	for _, w := range strings.Fields(line) {
		i := strings.Index(text, squeeze(w))
		if i < 0 {
			return false
		}
		text = text[i+len(squeeze(w)):]
	}
	return true
}

// visible drops the characters a reader does not see, which platforms
// put in to keep text inert.
func visible(s string) string {
	return strings.NewReplacer("\u200b", "", "\u2060", "", "\u200c", "", "\u200d", "").Replace(s)
}

// squeeze is text as compared across message boundaries: without the
// spaces and newlines where a long line may have been split, style
// markers or invisible characters.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\n', '\t', '*', '_', '~', '`', '\u200b':
			return -1
		}
		return r
	}, s)
}
