package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

const slackSecret = "s3cret"

// discordKey is RFC 8032 test 1's key: the test acts as Discord with it.
var discordKey = ed25519.NewKeyFromSeed(mustHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// servedMain runs `targetbot serve` on a loopback port until the test
// ends, and returns its base URL and the function that stops it.
func servedMain(t testing.TB, storeURL, prefix string) (*Main, string, func() error) {
	t.Helper()
	m, _, errOut := testMain(t, storeURL, "")
	m.Now = time.Now
	m.RedisPrefix = prefix
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Admins = "slack:UADMIN,discord:555000111"
	m.Config.SlackSigningSecret = slackSecret
	m.Config.DiscordPublicKey = hex.EncodeToString(discordKey.Public().(ed25519.PublicKey))
	m.Config.DiscordAppID = "1100000000000000001"
	base, stop := runServe(t, m, errOut)
	return m, base, stop
}

// runServe runs `serve` on m, configured by the caller, on a loopback
// port until the test ends. It returns the base URL and the function
// that stops serve and returns what Run returned; stopping twice is safe.
func runServe(t testing.TB, m *Main, errOut fmt.Stringer) (string, func() error) {
	t.Helper()
	m.Config.Addr = "127.0.0.1:0"
	listening := make(chan string, 1)
	m.OnListen = func(addr string) { listening <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()
	var base string
	select {
	case addr := <-listening:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("serve stopped early: %v\n%s", err, errOut)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("serve did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return base, stop
}

func slackForm(team, user, text string) string {
	return url.Values{
		"token": {"x"}, "team_id": {team}, "team_domain": {"nhs"}, "channel_id": {"C0LAN2Q65"},
		"channel_name": {"eds-team"}, "user_id": {user}, "user_name": {"amy"}, "command": {"/target"},
		"text": {text}, "response_url": {"http://127.0.0.1:1/unused"}, "trigger_id": {"1.2.3"},
	}.Encode()
}

// postSlack sends a slash command signed at ts, tampering with the body
// after signing when tamper is set.
func postSlack(t *testing.T, base, body string, ts time.Time, tamper bool) (int, map[string]any) {
	t.Helper()
	sig := slack.Sign(slackSecret, ts.Unix(), []byte(body))
	if tamper {
		body = strings.Replace(body, "40", "90", 1)
	}
	req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", sig)
	return doJSON(t, req)
}

func doJSON(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var out map[string]any
	if res.StatusCode == 200 && len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("reply is not JSON: %v: %s", err, data)
		}
	}
	return res.StatusCode, out
}

// postDiscord sends an interaction signed at ts as Discord would.
func postDiscord(t *testing.T, base string, body []byte, ts time.Time, flip bool) (int, map[string]any) {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(discordKey, append([]byte(stamp), body...))
	if flip {
		sig[10] ^= 1
	}
	req, _ := http.NewRequest("POST", base+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", stamp)
	return doJSON(t, req)
}

// interactionIDs numbers the interactions tests send: Discord gives each
// its own id, and one id seen twice is a replay.
var interactionIDs atomic.Int64

// discordCommand is a new /target interaction, with an id of its own.
func discordCommand(t *testing.T, sub string, opts map[string]any) []byte {
	t.Helper()
	var options []map[string]any
	for name, v := range opts {
		typ := 3
		if _, ok := v.(int); ok {
			typ = 4
		}
		options = append(options, map[string]any{"name": name, "type": typ, "value": v})
	}
	body, err := json.Marshal(map[string]any{
		"type": 2, "id": strconv.FormatInt(1200000000000000000+interactionIDs.Add(1), 10), "application_id": "1100000000000000001", "token": "tok",
		"guild_id": "81234", "channel_id": "90001",
		"member": map[string]any{"permissions": "0", "user": map[string]any{"id": "555000111", "username": "priya.s"}},
		"data": map[string]any{"id": "1150000000000000001", "name": "target", "type": 1,
			"options": []any{map[string]any{"name": sub, "type": 1, "options": options}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

func TestServeSlackAndDiscordOnRedis(t *testing.T) {
	redisURL := redistest.Start(t)
	prefix := redistest.Prefix(t)
	_, base, stop := servedMain(t, redisURL, prefix)

	check, err := redisstore.Open(context.Background(), redisURL, &redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	progress := func(ws string) int {
		t.Helper()
		tg, err := check.Target(context.Background(), ws, "eds/1.1")
		if err != nil {
			t.Fatalf("target in %s: %v", ws, err)
		}
		return tg.Progress
	}

	if code, body := get(t, base+"/healthz"); code != 200 {
		t.Fatalf("/healthz = %d %s", code, body)
	}
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d", code)
	}

	now := time.Now()
	t.Run("slack: a signed update is stored and posted in the channel", func(t *testing.T) {
		if code, r := postSlack(t, base, slackForm("T1", "UADMIN", "import eds"), now, false); code != 200 || r["response_type"] != "in_channel" {
			t.Fatalf("import = %d %v", code, r)
		}
		code, r := postSlack(t, base, slackForm("T1", "U2", "update eds/1.1 40% on-track note"), now, false)
		if code != 200 || r["response_type"] != "in_channel" || r["text"] == "" || r["blocks"] == nil {
			t.Fatalf("update = %d %v", code, r)
		}
		if got := progress("slack:T1"); got != 40 {
			t.Fatalf("stored progress = %d, want 40", got)
		}
	})

	t.Run("slack: tampered and stale requests get 401 and store nothing", func(t *testing.T) {
		body := slackForm("T1", "U2", "update eds/1.1 40% on-track again")
		if code, _ := postSlack(t, base, body, now, true); code != 401 {
			t.Errorf("tampered = %d, want 401", code)
		}
		if code, _ := postSlack(t, base, strings.Replace(body, "40", "70", 1), now.Add(-6*time.Minute), false); code != 401 {
			t.Errorf("6 minutes old = %d, want 401", code)
		}
		if got := progress("slack:T1"); got != 40 {
			t.Errorf("progress = %d after rejected requests, want 40", got)
		}
		updates, err := check.Updates(context.Background(), "slack:T1", "eds/1.1", 10)
		if err != nil || len(updates) != 1 {
			t.Errorf("updates = %d (%v), want 1", len(updates), err)
		}
	})

	t.Run("slack: errors are ephemeral and say what to fix", func(t *testing.T) {
		code, r := postSlack(t, base, slackForm("T1", "U2", "update eds/1.1 140%"), now, false)
		if code != 200 || r["response_type"] != "ephemeral" || !strings.Contains(fmt.Sprint(r["text"]), "140") {
			t.Fatalf("bad update = %d %v", code, r)
		}
	})

	t.Run("discord: PING, a signed update in its own workspace, bad signatures", func(t *testing.T) {
		if code, r := postDiscord(t, base, []byte(`{"type":1,"id":"1","application_id":"1100000000000000001","token":"t"}`), now, false); code != 200 || r["type"] != float64(1) {
			t.Fatalf("PING = %d %v", code, r)
		}
		if code, r := postDiscord(t, base, discordCommand(t, "import", map[string]any{"framework": "eds"}), now, false); code != 200 || r["type"] != float64(4) {
			t.Fatalf("import = %d %v", code, r)
		}
		update := discordCommand(t, "update", map[string]any{"target": "eds/1.1", "progress": 70, "status": "at-risk", "note": "from discord"})
		if code, _ := postDiscord(t, base, update, now, true); code != 401 {
			t.Errorf("flipped signature bit = %d, want 401", code)
		}
		if code, _ := postDiscord(t, base, update, now.Add(-6*time.Minute), false); code != 401 {
			t.Errorf("6 minutes old = %d, want 401", code)
		}
		if _, err := check.Target(context.Background(), "discord:81234", "eds/1.1"); err != nil {
			t.Fatal(err)
		}
		if got := progress("discord:81234"); got != 0 {
			t.Fatalf("rejected interactions stored progress %d", got)
		}
		code, r := postDiscord(t, base, update, now, false)
		if code != 200 || r["type"] != float64(4) {
			t.Fatalf("update = %d %v", code, r)
		}
		if data, _ := r["data"].(map[string]any); data == nil || data["flags"] == float64(64) {
			t.Errorf("a logged update should be visible to the channel: %v", r)
		}
		if got := progress("discord:81234"); got != 70 {
			t.Errorf("discord progress = %d, want 70", got)
		}
		if got := progress("slack:T1"); got != 40 {
			t.Errorf("slack progress = %d after a discord update, want 40: workspaces leak", got)
		}
	})

	t.Run("metrics count requests by platform, command and outcome", func(t *testing.T) {
		_, body := get(t, base+"/metrics")
		for _, want := range []string{
			`targetbot_requests_total{command="update",outcome="ok",platform="slack"} 1`,
			`targetbot_requests_total{command="update",outcome="invalid",platform="slack"} 1`,
			`targetbot_requests_total{command="update",outcome="ok",platform="discord"} 1`,
			`targetbot_request_duration_seconds_bucket`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})

	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

func TestServeSurvivesRedisGoingAway(t *testing.T) {
	srv := redistest.NewServer(t)
	_, base, _ := servedMain(t, srv.URL(), "")
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d before Redis stops", code)
	}
	srv.Pause()
	start := time.Now()
	if code, _ := get(t, base+"/readyz"); code != 503 {
		t.Fatalf("/readyz = %d after Redis stopped, want 503", code)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("/readyz took %v to notice, want under a second", took)
	}
	code, r := postSlack(t, base, slackForm("T1", "UADMIN", "import eds"), time.Now(), false)
	if code != 200 || r["response_type"] != "ephemeral" || !strings.Contains(fmt.Sprint(r["text"]), "storage is unavailable, try again shortly") {
		t.Fatalf("command while Redis is down = %d %v", code, r)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d: the process should live on", code)
	}

	// Redis comes back at the same address: ready again, commands work.
	srv.Resume(t)
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, _ := get(t, base+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d five seconds after Redis returned", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, r := postSlack(t, base, slackForm("T1", "UADMIN", "import eds"), time.Now(), false); code != 200 || r["response_type"] != "in_channel" {
		t.Fatalf("command after Redis returned = %d %v", code, r)
	}
}

// A request whose body is still arriving when shutdown starts is served
// in full before serve returns.
func TestServeDrainsRequestsInFlight(t *testing.T) {
	m, base, stop := servedMain(t, "bolt:"+t.TempDir()+"/t.db", "")
	body := slackForm("T1", "UADMIN", "import eds")
	ts := time.Now()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A first request on the connection makes sure the server has
	// accepted it before shutdown closes the listener.
	rd := bufio.NewReader(conn)
	fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if res, err := http.ReadResponse(rd, nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz on the connection: %v", err)
	} else {
		_, _ = io.Copy(io.Discard, res.Body)
	}
	fmt.Fprintf(conn, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: %s\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n",
		ts.Unix(), slack.Sign(slackSecret, ts.Unix(), []byte(body)), len(body))
	// The server asks for the body once its handler reads it: from then
	// on the request is in flight.
	if res, err := http.ReadResponse(rd, nil); err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("waiting for 100 Continue: %v %v", res, err)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("serve stopped with a request in flight: %v", err)
	default:
	}
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	if res.StatusCode != 200 {
		t.Errorf("in-flight request = %d, want 200", res.StatusCode)
	}
	if err := <-stopped; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if m.Store != nil {
		t.Error("serve should close the store once requests have drained")
	}
}

// Every verb works through signed Slack HTTP requests, end to end: the
// reply's visibility follows the rules (logged updates and team-visible
// changes in the channel, queries and errors ephemeral).
func TestServeEveryVerbThroughSlack(t *testing.T) {
	_, base, _ := servedMain(t, "bolt:"+t.TempDir()+"/t.db", "")
	now := time.Now()
	tests := []struct {
		text, visibility, want string
	}{
		{"help", "ephemeral", "update <target>"},
		{"help update", "ephemeral", "40%"},
		{"frameworks", "ephemeral", "nhse-2024-26"},
		{"import eds", "in_channel", "imported 18"},
		{"list", "ephemeral", "eds/1.1"},
		{"list eds/2", "ephemeral", "eds/2.4"},
		{"show eds/1.1", "ephemeral", "Services are commissioned"},
		{"update eds/1.1 40% on-track Held two listening events", "in_channel", "40%"},
		{"history eds/1.1", "ephemeral", "Held two listening events"},
		{"undo", "in_channel", "eds/1.1"},
		{"rate eds/1.1 achieving", "in_channel", "achieving"},
		{"assign eds/1.1 <@U777|amy>", "in_channel", "assigned @U777 to"}, // in the channel, named without a ping
		{"list @U777", "ephemeral", "eds/1.1"},
		{"due eds/1.1 2026-01-31", "in_channel", "2026-01-31"},
		{"list overdue", "ephemeral", "eds/1.1"},
		{"snooze eds/1.1 2w waiting for survey", "in_channel", "waiting for survey"},
		{"add eds/4 4.4 Board papers include an equality analysis", "in_channel", "eds/4.4"},
		{"list at-risk", "ephemeral", ""},
		{"timezone Europe/Dublin", "in_channel", "Europe/Dublin"},
		{"timezone", "ephemeral", "Europe/Dublin"},
		{"reminders 0 10 * * MON-FRI", "in_channel", "on weekdays at 10:00"},
		{"digest here", "in_channel", "on Mondays at 09:00"},
		{"digest now", "ephemeral", "it has no bot token for slack"},
		{"digest off", "in_channel", ""},
		{"list mine", "ephemeral", ""},
		{"frobnicate", "ephemeral", "help"},
	}
	for _, tt := range tests {
		code, r := postSlack(t, base, slackForm("T1", "UADMIN", tt.text), now, false)
		text := html.UnescapeString(slackTexts(r)) // Slack text escapes &, < and >
		if code != 200 || r["response_type"] != tt.visibility || !strings.Contains(text, tt.want) {
			t.Errorf("%q = %d %v %q, want %s containing %q", tt.text, code, r["response_type"], text, tt.visibility, tt.want)
		}
	}
}

// slackTexts joins every "text" string in a Slack message, the fallback
// and the blocks', so a test can look for content wherever it is shown.
func slackTexts(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "text" {
					b.WriteString(s + "\n")
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// serve logs each key once per line: the platform is bound by Main, and
// an adapter must not add it again.
func TestServeLogsEachKeyOnce(t *testing.T) {
	m, _, _ := testMain(t, "bolt:"+t.TempDir()+"/t.db", "")
	var logs syncBuffer
	m.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m.Now = time.Now
	m.Config.SlackSigningSecret = slackSecret
	base, stop := runServe(t, m, &logs)
	postSlack(t, base, slackForm("T1", "UADMIN", "help"), time.Now(), false)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(line, `"slack"`) {
			continue
		}
		lines++
		if n := strings.Count(line, `"platform":`); n > 1 {
			t.Errorf("log line has %d platform keys: %s", n, line)
		}
	}
	if lines == 0 {
		t.Fatalf("no Slack log lines:\n%s", logs.String())
	}
}
