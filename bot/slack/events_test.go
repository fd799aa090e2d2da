package slack

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

func TestEventsURLVerification(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	w := serve(a, signed("/slack/events", readFile(t, "event_url_verification.json")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if m := decode(t, w.Body.Bytes()); m["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("answer %v", m)
	}
}

func TestEventsAppHomeOpenedOverHTTP(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	body := readFile(t, "event_app_home_opened.json")
	if w := serve(a, signed("/slack/events", body)); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	waitCalls(t, f, "views.publish", 1)
	// Slack's retry of the same event is acknowledged and not run again.
	r := signed("/slack/events", body)
	r.Header.Set("X-Slack-Retry-Num", "1")
	r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	if w := serve(a, r); w.Code != http.StatusOK {
		t.Fatalf("retry status %d", w.Code)
	}
	// And a duplicate without the header is caught by its event id.
	serve(a, signed("/slack/events", body))
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

// The Home tab is one view: a list longer than it holds shows what fits
// and says which command shows the rest.
func TestHomeTabTooLongSaysSo(t *testing.T) {
	var blocks []bot.Block
	for i := range 150 {
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("eds/%d", i), Text: "🟢 on-track"})
	}
	view := homeBlocks(bot.Reply{Ephemeral: true, Blocks: blocks})
	text := checkLimits(t, asPayload(t, map[string]any{"view": map[string]any{"type": "home", "blocks": view}}))
	if len(view) != maxHomeBlocks || !strings.Contains(text, "eds/0*") || !strings.HasSuffix(text, "`/target list mine` shows all of it.\n") {
		t.Errorf("%d blocks ending %q", len(view), text[max(0, len(text)-80):])
	}
	// A list that fits has no note.
	short := homeBlocks(bot.Reply{Ephemeral: true, Blocks: blocks[:10]})
	if len(short) != 11 {
		t.Errorf("%d blocks, want the header and 10", len(short))
	}
}
