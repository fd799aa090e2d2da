package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// apiCall is one request a fake platform API received.
type apiCall struct {
	path  string
	form  url.Values     // Slack: form fields
	json  map[string]any // Discord: the JSON body
	reply string         // what the fake answered
}

// fakeAPI records calls and answers each with reply(path).
type fakeAPI struct {
	mu    sync.Mutex
	calls []apiCall
}

func (f *fakeAPI) server(t *testing.T, reply func(path string, n int) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c := apiCall{path: r.URL.Path}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(body, &c.json)
		} else {
			c.form, _ = url.ParseQuery(string(body))
		}
		f.mu.Lock()
		c.reply = reply(r.URL.Path, len(f.calls)+1)
		f.calls = append(f.calls, c)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, c.reply)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeAPI) recorded() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// seed runs commands in a workspace as its admin, straight through the
// command layer, as the platforms would.
func seed(t *testing.T, dbPath, ws, channel string, lines ...string) {
	t.Helper()
	st, err := boltstore.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { return fixedNow }})
	for _, line := range lines {
		if r := h.Handle(context.Background(), bot.Request{Workspace: ws, Channel: channel, User: "UADMIN", PlatformAdmin: true, Text: line}); r.Code != "" {
			t.Fatalf("%s: %q failed: %s", ws, line, r.Text())
		}
	}
}

// The scheduler's digests and reminders reach Slack and Discord through
// the real adapters: a Slack digest with its details threaded under it,
// a Slack DM with buttons; a Discord digest with embeds, a Discord DM
// with buttons that name the server.
func TestRunSchedulesPostsThroughSlackAndDiscord(t *testing.T) {
	db := filepath.Join(t.TempDir(), "targetbot.db")
	seed(t, db, "slack:T1", "C1", "import eds", "assign eds/1.1 <@U777>", "due eds/1.1 2026-11-01", "digest here")
	seed(t, db, "discord:81234", "90001", "import eds", "assign eds/1.1 <@555000111>", "due eds/1.1 2026-11-01", "digest here")

	slackAPI, discordAPI := &fakeAPI{}, &fakeAPI{}
	slackSrv := slackAPI.server(t, func(path string, n int) string {
		if strings.HasSuffix(path, "conversations.open") {
			return `{"ok":true,"channel":{"id":"D777"}}`
		}
		return fmt.Sprintf(`{"ok":true,"channel":"C1","ts":"1700000000.%06d"}`, n)
	})
	discordSrv := discordAPI.server(t, func(path string, n int) string {
		if strings.HasSuffix(path, "/users/@me/channels") {
			return `{"id":"70000","type":1}`
		}
		return fmt.Sprintf(`{"id":"%d","channel_id":"90001"}`, 1000+n)
	})

	m, out, errOut := testMain(t, "bolt:"+db, "")
	m.Config.SlackBotToken = "xoxb-test"
	m.Config.SlackAPIURL = slackSrv.URL + "/api/"
	m.Config.DiscordBotToken = "discord-test"
	m.Config.DiscordAPIURL = discordSrv.URL + "/api/v9"
	m.Now = func() time.Time { return fixedNow.Add(time.Hour) } // 09:00, when the schedules fire
	if err := m.Run(context.Background(), []string{"run-schedules", "--at", "2026-11-23T09:00:00Z"}); err != nil {
		t.Fatalf("run-schedules: %v\n%s", err, errOut)
	}
	if out.Len() != 0 {
		t.Errorf("nothing should print for platform workspaces: %s", out)
	}

	t.Run("slack", func(t *testing.T) {
		var digest, dm []apiCall
		opened := false
		for _, c := range slackAPI.recorded() {
			switch {
			case strings.HasSuffix(c.path, "conversations.open"):
				opened = c.form.Get("users") == "U777"
			case strings.HasSuffix(c.path, "chat.postMessage") && c.form.Get("channel") == "C1":
				digest = append(digest, c)
			case strings.HasSuffix(c.path, "chat.postMessage") && c.form.Get("channel") == "D777":
				dm = append(dm, c)
			}
		}
		if len(digest) < 2 {
			t.Fatalf("digest posts to C1 = %d, want a headline and thread replies", len(digest))
		}
		if digest[0].form.Get("thread_ts") != "" || !strings.Contains(digest[0].form.Get("text"), "Digest") {
			t.Errorf("first digest post should be the headline: %v", digest[0].form)
		}
		var head struct{ TS string }
		if err := json.Unmarshal([]byte(digest[0].reply), &head); err != nil || head.TS == "" {
			t.Fatalf("headline reply %q", digest[0].reply)
		}
		headTS := head.TS
		threaded := ""
		for _, c := range digest[1:] {
			if c.form.Get("thread_ts") != headTS {
				t.Errorf("detail posted with thread_ts %q, want %q", c.form.Get("thread_ts"), headTS)
			}
			threaded += c.form.Get("blocks") + c.form.Get("text")
		}
		if !strings.Contains(threaded, "eds/1.1") || !strings.Contains(threaded, "Overdue") {
			t.Errorf("thread lacks the overdue target: %s", threaded)
		}
		if !opened || len(dm) != 1 {
			t.Fatalf("DM: opened %v, posts %d, want a DM to U777", opened, len(dm))
		}
		blocks := dm[0].form.Get("blocks")
		for _, want := range []string{`"type":"actions"`, "update eds/1.1 done", "snooze eds/1.1 7d", "Log eds/1.1"} {
			if !strings.Contains(blocks, want) {
				t.Errorf("reminder DM blocks lack %s: %s", want, blocks)
			}
		}
	})

	t.Run("discord", func(t *testing.T) {
		var digest, dm []apiCall
		opened := false
		for _, c := range discordAPI.recorded() {
			switch {
			case strings.HasSuffix(c.path, "/users/@me/channels"):
				opened = c.json["recipient_id"] == "555000111"
			case strings.HasSuffix(c.path, "/channels/90001/messages"):
				digest = append(digest, c)
			case strings.HasSuffix(c.path, "/channels/70000/messages"):
				dm = append(dm, c)
			}
		}
		if len(digest) == 0 {
			t.Fatal("no digest posted to channel 90001")
		}
		body, _ := json.Marshal(bodies(digest))
		if !strings.Contains(string(body), "embeds") || !strings.Contains(string(body), "eds/1.1") {
			t.Errorf("digest lacks embeds naming eds/1.1: %s", body)
		}
		if digest[0].json["nonce"] == nil || digest[0].json["enforce_nonce"] != true {
			t.Errorf("digest post without an enforced nonce: %v", digest[0].json)
		}
		if !opened || len(dm) == 0 {
			t.Fatalf("DM: opened %v, posts %d, want a DM to 555000111", opened, len(dm))
		}
		dmBody, _ := json.Marshal(bodies(dm))
		for _, want := range []string{"components", "81234", "update eds/1.1 done"} {
			if !strings.Contains(string(dmBody), want) {
				t.Errorf("reminder DM lacks %s: %s", want, dmBody)
			}
		}
	})
}

func bodies(calls []apiCall) []map[string]any {
	out := make([]map[string]any, len(calls))
	for i, c := range calls {
		out[i] = c.json
	}
	return out
}
