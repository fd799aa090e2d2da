package slack

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/bottest"
	"github.com/targetbot/targetbot/commands"
)

// historyEntries is how many updates the long-history tests log.
const historyEntries = bottest.HistoryEntries

// historyHandler is the real command layer over a fresh store, with
// eds/1.1 updated historyEntries times, each note long and numbered.
func historyHandler(t *testing.T) *commands.Handler {
	return bottest.LongHistory(t, "slack:T1DC2JH3J", "U2CERLKJA")
}

// missingEntries lists the numbered entries text does not hold.
func missingEntries(text string) []int {
	var missing []int
	for i := 1; i <= historyEntries; i++ {
		if !strings.Contains(text, fmt.Sprintf("entry-%03d", i)) {
			missing = append(missing, i)
		}
	}
	return missing
}

// `history eds/1.1 all` of 200 entries is longer than the answer and
// response_url's five follow-ups: the rest arrives with the bot token
// (chat.postEphemeral, since history is private), so every entry can be
// read from Slack, in order.
func TestLongHistoryIsReachableInFull(t *testing.T) {
	f := newFakeSlack(t)
	hk := newHooks(t)
	a := newTestAdapter(t, f, historyHandler(t), nil)
	form, _ := url.ParseQuery(hooksForm(t, hk))
	form.Set("text", "history eds/1.1 all")
	w := serve(a, signed("/slack/commands", form.Encode()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	text := checkLimits(t, decode(t, w.Body.Bytes()))
	hooked := len(hk.bodies)
	if hooked > maxResponseURLUses {
		t.Fatalf("%d follow-ups; response_url takes %d", hooked, maxResponseURLUses)
	}
	for range hooked {
		text += checkLimits(t, <-hk.bodies)
	}
	eph := f.calls("chat.postEphemeral")
	if hooked < maxResponseURLUses || len(eph) == 0 {
		t.Fatalf("%d follow-ups and %d ephemeral posts: the reply is too short to test the overflow", hooked, len(eph))
	}
	for _, c := range eph {
		if c.Form.Get("channel") != "C0LAN2Q65" || c.Form.Get("user") != "U2CERLKJA" {
			t.Errorf("ephemeral post to %s for %s", c.Form.Get("channel"), c.Form.Get("user"))
		}
		text += checkLimits(t, formPayload(t, c.Form))
	}
	if missing := missingEntries(text); len(missing) > 0 {
		t.Errorf("%d entries cannot be read, the first %d", len(missing), missing[0])
	}
	if strings.Contains(text, "did not fit") {
		t.Error("the reply says part of it did not fit")
	}
	// Newest first, in order across every message.
	if i, j := strings.Index(text, "entry-200"), strings.Index(text, "entry-001"); i < 0 || j < i {
		t.Error("entries are out of order")
	}
}

// Where the bot cannot post in the channel, the rest of a long reply
// goes to the user by DM.
func TestLongReplyOverflowFallsBackToDM(t *testing.T) {
	f := newFakeSlack(t)
	f.handle = func(w http.ResponseWriter, c apiCall, _ int) bool {
		if c.Method == "chat.postEphemeral" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":false,"error":"channel_not_found"}`))
			return true
		}
		return false
	}
	hk := newHooks(t)
	var blocks []bot.Block
	for i := range 8 * maxBlocks {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("target %d", i)})
	}
	rec := &recorder{answer: func(r bot.Request) bot.Reply { return bot.Reply{Ephemeral: true, Blocks: blocks} }}
	a := newTestAdapter(t, f, rec, nil)
	serve(a, signed("/slack/commands", hooksForm(t, hk)))
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(hk.bodies); n != maxResponseURLUses {
		t.Fatalf("%d follow-ups, want %d", n, maxResponseURLUses)
	}
	posts := f.posted(t)
	if len(posts) != 2 {
		t.Fatalf("%d DMs, want the 2 messages past response_url's", len(posts))
	}
	var text string
	for _, p := range posts {
		if p["channel"] != "DU2CERLKJA" {
			t.Errorf("posted to %v, want the user's DM", p["channel"])
		}
		text += checkLimits(t, p)
	}
	if !strings.Contains(text, fmt.Sprintf("target %d", 8*maxBlocks-1)) {
		t.Error("the last block is not in the DMs")
	}
}
