package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

func TestPostRetriesAfter429(t *testing.T) {
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
		if n == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"You are being rate limited.","retry_after":0.15,"global":false}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"1300"}`))
	})
	a := newAdapter(t, &fakeHandler{}, api, nil)
	m := bot.Message{Workspace: "discord:81234", Channel: "90001", Key: "digest/discord:81234/90001/2026-11-23T09:00", Reply: bot.Say("Weekly digest", false)}
	start := time.Now()
	if err := a.Post(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("retried after %v, before retry_after", d)
	}
	first, second := api.next(t), api.next(t)
	api.none(t)
	for _, r := range []recorded{first, second} {
		if r.Method != "POST" || r.Path != "/channels/90001/messages" {
			t.Fatalf("%s %s", r.Method, r.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bot test-token" {
			t.Errorf("Authorization %q", got)
		}
		b := r.json(t)
		am, _ := b["allowed_mentions"].(map[string]any)
		if b["content"] != "Weekly digest" || b["enforce_nonce"] != true || am == nil || len(am["parse"].([]any)) != 0 || am["users"] != nil {
			t.Errorf("body %s", r.Body)
		}
		if n, _ := b["nonce"].(string); len(n) != 25 {
			t.Errorf("nonce %q, want 25 characters", n)
		}
	}
	if first.json(t)["nonce"] != second.json(t)["nonce"] {
		t.Error("the retry changed the nonce, so Discord cannot drop a duplicate")
	}
	if nonce("a", 0) == nonce("b", 0) || nonce("a", 0) == nonce("a", 1) {
		t.Error("nonces collide")
	}
}

func TestPostRetryAfterHeaderAndLimits(t *testing.T) {
	t.Run("header", func(t *testing.T) {
		api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "0.1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			_, _ = w.Write([]byte(`{}`))
		})
		a := newAdapter(t, &fakeHandler{}, api, nil)
		start := time.Now()
		if err := a.Post(t.Context(), bot.Message{Channel: "1", Reply: bot.Say("x", false)}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("retried after %v", d)
		}
		// Without a key there is no nonce to send.
		if b := api.next(t).json(t); b["nonce"] != nil || b["enforce_nonce"] != nil {
			t.Errorf("body without key has a nonce: %v", b)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"retry_after":0.01}`))
		})
		a := newAdapter(t, &fakeHandler{}, api, nil)
		err := a.Post(t.Context(), bot.Message{Channel: "1", Key: "k", Reply: bot.Say("x", false)})
		if err == nil || !strings.Contains(err.Error(), "429") {
			t.Fatalf("err = %v, want a 429 error", err)
		}
		for range maxAttempts {
			api.next(t)
		}
		api.none(t)
	})
	t.Run("respects ctx", func(t *testing.T) {
		api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"retry_after":20}`))
		})
		a := newAdapter(t, &fakeHandler{}, api, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := a.Post(ctx, bot.Message{Channel: "1", Reply: bot.Say("x", false)}); err == nil {
			t.Fatal("Post succeeded")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Post waited %v past its deadline", d)
		}
	})
	t.Run("client error is final", func(t *testing.T) {
		api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"Missing Access","code":50001}`))
		})
		a := newAdapter(t, &fakeHandler{}, api, nil)
		err := a.Post(t.Context(), bot.Message{Channel: "1", Reply: bot.Say("x", false)})
		if err == nil || !strings.Contains(err.Error(), "Missing Access") {
			t.Fatalf("err = %v", err)
		}
		api.next(t)
		api.none(t)
	})
}

func TestPostDM(t *testing.T) {
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
		if r.Path == "/users/@me/channels" {
			_, _ = w.Write([]byte(`{"id":"777","type":1}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"1300"}`))
	})
	a := newAdapter(t, &fakeHandler{}, api, nil)
	m := bot.Message{Workspace: "discord:81234", User: "555000222", Key: "reminder/eds/1.1/2026-11-23", Reply: bot.Reply{
		Blocks: []bot.Block{
			{Text: "⏰ <@555000222>, `eds/1.1` is overdue"},
			{Title: "`eds/1.1`", Text: "owned by <@555000222>, reviewed by <@555000333>", Buttons: []bot.Button{
				{Label: "Log update", Command: "update eds/1.1", Form: true},
				{Label: "Snooze a week", Command: "snooze eds/1.1 7d"},
			}},
		},
		Notify: []string{"555000222"},
	}}
	if err := a.Post(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	open := api.next(t)
	if open.Method != "POST" || open.Path != "/users/@me/channels" || open.json(t)["recipient_id"] != "555000222" {
		t.Fatalf("open DM: %s %s %s", open.Method, open.Path, open.Body)
	}
	msg := api.next(t)
	if msg.Path != "/channels/777/messages" {
		t.Fatalf("posted to %s", msg.Path)
	}
	// The owner, and no one else, may be notified.
	var w wireMessage
	if err := json.Unmarshal(msg.Body, &w); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, "DM", w)
	if w.Content != "⏰ <@555000222>, `eds/1.1` is overdue" || len(w.AllowedMentions.Users) != 1 || w.AllowedMentions.Users[0] != "555000222" {
		t.Errorf("DM %q notifies %v, want the owner alone", w.Content, w.AllowedMentions.Users)
	}
	// A click in a DM has no server, so the buttons carry it.
	for _, id := range []string{`"custom_id":"form@81234:update eds/1.1"`, `"custom_id":"cmd@81234:snooze eds/1.1 7d"`} {
		if !strings.Contains(string(msg.Body), id) {
			t.Errorf("DM lacks %s: %s", id, msg.Body)
		}
	}
	// The DM channel is remembered.
	if err := a.Post(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if r := api.next(t); r.Path != "/channels/777/messages" {
		t.Fatalf("second post went to %s", r.Path)
	}
	api.none(t)
}

// A digest posts its top message, then its details in as many messages
// as they take, each with its own nonce.
func TestPostSplitsLongMessages(t *testing.T) {
	api := newFakeDiscord(t, nil)
	a := newAdapter(t, &fakeHandler{}, api, nil)
	var details []bot.Block
	for i := range 14 {
		details = append(details, bot.Block{Title: fmt.Sprintf("Objective %d", i), Text: strings.Repeat("x", 10*i+1)})
	}
	m := bot.Message{Channel: "90001", Key: "digest-1", Reply: bot.Reply{Blocks: []bot.Block{{Title: "Summary"}}, Details: details}}
	if err := a.Post(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	var got []string
	nonces := map[string]bool{}
	for i, want := range []int{1, 10, 4} {
		var w wireMessage
		if err := json.Unmarshal(api.next(t).Body, &w); err != nil {
			t.Fatal(err)
		}
		checkLimits(t, fmt.Sprint("part ", i), w)
		if len(w.Embeds) != want {
			t.Errorf("part %d has %d embeds, want %d", i, len(w.Embeds), want)
		}
		for _, e := range w.Embeds {
			got = append(got, e.Title)
		}
		nonces[w.Nonce] = true
	}
	api.none(t)
	if got[0] != "Summary" || got[1] != "Objective 0" || got[len(got)-1] != "Objective 13" || len(got) != 15 {
		t.Errorf("posted %v", got)
	}
	if len(nonces) != 3 {
		t.Error("parts share a nonce, so Discord would drop one")
	}
}

func TestPostNeedsToken(t *testing.T) {
	a := newAdapter(t, &fakeHandler{}, nil, func(o *Options) { o.BotToken = "" })
	if err := a.Post(t.Context(), bot.Message{Channel: "1"}); err == nil {
		t.Fatal("Post without a token succeeded")
	}
}
