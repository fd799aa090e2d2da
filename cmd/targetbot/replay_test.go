package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// A signed request replayed within the signature window is answered but
// not executed, through the real Main on bolt and on Redis: the same Slack update
// sent three times, and the same Discord interaction twice, each store
// one update.
func TestServeReplayedRequestsStoreOneUpdate(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { testReplayedRequests(t, "bolt:"+t.TempDir()+"/t.db", "") })
	// On Redis the update's replay claim rides in its one write.
	t.Run("redis", func(t *testing.T) { testReplayedRequests(t, redistest.Start(t), redistest.Prefix(t)) })
}

func testReplayedRequests(t *testing.T, storeURL, prefix string) {
	m, base, stop := servedMain(t, storeURL, prefix)
	ctx := context.Background()
	updates := func(ws string) int {
		t.Helper()
		us, err := m.Store.Updates(ctx, ws, "eds/1.1", 10)
		if err != nil {
			t.Fatalf("updates in %s: %v", ws, err)
		}
		return len(us)
	}
	now := time.Now()

	t.Run("slack", func(t *testing.T) {
		if code, r := postSlack(t, base, slackForm("T1", "UADMIN", "import eds"), now, false); code != 200 || r["response_type"] != "in_channel" {
			t.Fatalf("import = %d %v", code, r)
		}
		update := slackForm("T1", "U2", "update eds/1.1 40% on-track replayed")
		for i := range 3 {
			code, r := postSlack(t, base, update, now, false)
			if code != 200 {
				t.Fatalf("delivery %d = %d", i+1, code)
			}
			if i > 0 && (r["response_type"] != "ephemeral" || !strings.Contains(fmt.Sprint(r["text"]), "already received and handled")) {
				t.Errorf("delivery %d answered %v", i+1, r)
			}
		}
		if n := updates("slack:T1"); n != 1 {
			t.Fatalf("%d updates stored from one signed request sent three times, want 1", n)
		}
		// The same text typed again is a new request, and is stored.
		if code, _ := postSlack(t, base, strings.Replace(update, "trigger_id=1.2.3", "trigger_id=1.2.4", 1), now, false); code != 200 {
			t.Fatalf("second update = %d", code)
		}
		if n := updates("slack:T1"); n != 2 {
			t.Errorf("%d updates after a second, distinct request, want 2", n)
		}
	})

	t.Run("discord", func(t *testing.T) {
		if code, r := postDiscord(t, base, discordCommand(t, "import", map[string]any{"framework": "eds"}), now, false); code != 200 || r["type"] != float64(4) {
			t.Fatalf("import = %d %v", code, r)
		}
		update := discordCommand(t, "update", map[string]any{"target": "eds/1.1", "progress": 70})
		for i, ts := range []time.Time{now, now, now.Add(time.Second)} { // the last signed afresh
			code, r := postDiscord(t, base, update, ts, false)
			if code != 200 || r["type"] != float64(4) {
				t.Fatalf("delivery %d = %d %v", i+1, code, r)
			}
			data, _ := r["data"].(map[string]any)
			if i > 0 && (data["flags"] != float64(64) || !strings.Contains(fmt.Sprint(data["content"]), "already received and handled")) {
				t.Errorf("delivery %d answered %v", i+1, r)
			}
		}
		if n := updates("discord:81234"); n != 1 {
			t.Fatalf("%d updates stored from one interaction sent three times, want 1", n)
		}
	})

	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

// Bodies are capped before they are read, through the real server: a
// signed request announcing more than its route takes is answered 413.
func TestServeRefusesOversizedBodies(t *testing.T) {
	_, base, _ := servedMain(t, "bolt:"+t.TempDir()+"/t.db", "")
	now := time.Now()
	body := slackForm("T1", "UADMIN", "help")
	for path, size := range map[string]int{"/slack/commands": 64 << 10, "/slack/interactions": 256 << 10, "/slack/events": 256 << 10} {
		padded := body + "&pad=" + strings.Repeat("x", size)
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(padded))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("X-Slack-Signature", slack.Sign(slackSecret, now.Unix(), []byte(padded)))
		if code, _ := doJSON(t, req); code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s with %d bytes = %d, want 413", path, len(padded), code)
		}
	}
	big := append(discordCommand(t, "help", nil), make([]byte, 64<<10)...)
	if code, _ := postDiscord(t, base, big, now, false); code != http.StatusRequestEntityTooLarge {
		t.Errorf("/discord/interactions with %d bytes = %d, want 413", len(big), code)
	}
}
