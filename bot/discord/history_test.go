package discord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/bot/bottest"
)

// historyEntries is how many updates the long-history test logs.
const historyEntries = bottest.HistoryEntries

// `history eds/1.1 all` of 200 entries arrives in full: the answer and
// as many follow-ups as it takes, in order, each within Discord's
// limits, even when Discord rate-limits some of the follow-ups.
func TestLongHistoryIsReachableInFull(t *testing.T) {
	h := bottest.LongHistory(t, "discord:81234", "555000222")

	// Every third follow-up is refused once with a 429, as Discord does
	// when a webhook posts faster than its rate limit.
	var mu sync.Mutex
	var follow []string
	posts := 0
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, _ int) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/webhooks/") {
			mu.Lock()
			posts++
			limited := posts%3 == 0
			if !limited {
				follow = append(follow, string(r.Body))
			}
			mu.Unlock()
			if limited {
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"message":"You are being rate limited.","retry_after":0.01,"global":false}`))
				return
			}
		}
		_, _ = w.Write([]byte("{}"))
	})
	a := newAdapter(t, h, api, nil)
	body := withOptions(t, "history", []map[string]any{{"name": "target", "type": 3, "value": "eds/1.1"}, {"name": "all", "type": 5, "value": true}})
	resp := post(t, a, body, signed(t, testNow, body))
	if resp.Code != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Code, resp.Body)
	}
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(follow) == 0 {
		t.Fatal("no follow-ups: the reply is too short to test them")
	}
	var answer struct {
		Data wireMessage `json:"data"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, "answer", answer.Data)
	text := answer.Data.text()
	for i, f := range follow {
		var m wireMessage
		if err := json.Unmarshal([]byte(f), &m); err != nil {
			t.Fatal(err)
		}
		checkLimits(t, fmt.Sprintf("follow-up %d", i+1), m)
		text += m.text()
	}
	last := 0
	for i := historyEntries; i >= 1; i-- {
		at := strings.Index(text, fmt.Sprintf("entry-%03d", i))
		if at < 0 {
			t.Fatalf("entry %d cannot be read (%d follow-ups)", i, len(follow))
		}
		if at < last {
			t.Fatalf("entry %d is out of order", i)
		}
		last = at
	}
}
