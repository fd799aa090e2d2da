package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// updateReply is what the command layer answers `update eds/1.1 40%
// on-track note` with: the line the channel sees and the target's
// buttons.
var updateReply = bot.Reply{Command: "update", Blocks: []bot.Block{{
	Text:   "<@U2CERLKJA> updated *`eds/1.1` Data about patients and service users*\n▓▓▓▓░░░░░░ 40% · 🟢 on track\n> note",
	Colour: "#2eb67d",
	Buttons: []bot.Button{
		{Label: "Log update", Command: "update eds/1.1", Form: true},
		{Label: "Mark done", Command: "update eds/1.1 done", Style: "primary"},
	},
}}}

// BenchmarkSlashCommand is the adapter's share of a slash command, the
// store and the command layer left out: verification, parsing, the
// replay claim (in memory), the user look-up (cached), rendering and
// the JSON answer. It is the part of the end-to-end benchmark
// (cmd/targetbot BenchmarkServe) that can be measured without noise.
func BenchmarkSlashCommand(b *testing.B) {
	f := &fakeSlack{admins: map[string]bool{}, names: map[string]string{"U2CERLKJA": "Amy"}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	defer f.srv.Close()
	var mu sync.Mutex
	claimed := map[string]bool{}
	a, err := New(Options{
		SigningSecret: testSecret, BotToken: "xoxb-test", APIURL: f.srv.URL,
		Handler: bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return updateReply }),
		Claim: func(_ context.Context, key string, _ time.Duration) (bool, error) {
			mu.Lock()
			defer mu.Unlock()
			if claimed[key] {
				return false, nil
			}
			claimed[key] = true
			return true, nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	form := url.Values{"token": {"x"}, "team_id": {"T1DC2JH3J"}, "team_domain": {"nhs"}, "channel_id": {"C0LAN2Q65"},
		"channel_name": {"eds-team"}, "user_id": {"U2CERLKJA"}, "user_name": {"amy"}, "command": {"/target"},
		"text": {"update eds/1.1 40% on-track note"}, "response_url": {"http://127.0.0.1:1/unused"}}
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		form.Set("trigger_id", strconv.Itoa(i))
		body := form.Encode()
		ts := time.Now().Unix()
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		r.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
		reqs[i] = r
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, r := range reqs {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
