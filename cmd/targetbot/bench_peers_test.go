package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/cmd/targetbot/internal/limit"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The servers the end-to-end benchmark compares (bench_serve_test.go).
// Each answers signed POST /slack/commands on loopback TCP, against the
// same private Redis on loopback TCP.

// benchTeam and benchUser are who every benchmark command comes from.
// benchUser is named in TARGETBOT_ADMINS, so it may import.
const (
	benchTeam = "TBENCH"
	benchUser = "UADMIN"
)

// peer is one server under test.
type peer struct {
	name string
	addr string // host:port
	// cpu is the CPU time the server's process has spent so far.
	cpu func() time.Duration
	// inProcess says the server runs in this process: its allocations
	// are this process's, and cpu includes the benchmark's own (idle)
	// goroutines.
	inProcess bool
	// gcPercent, when not 0, is the GC target while the server is
	// measured: serve's own (tuneGC), since the servers share this
	// process. The limit server runs with Go's default.
	gcPercent int
}

// selfCPU is this process's CPU time, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is another process's CPU time, all its threads, from
// /proc/PID/stat (in clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(fields[12], 10, 64) // field 15
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// startLimit serves cmd/targetbot/internal/limit with a go-redis client
// of its own, as its defaults come.
func startLimit(b testing.TB, redisURL string) *peer {
	rdb := redistest.Client(b, redisURL)
	h, err := limit.New(context.Background(), rdb, slackSecret, "limit")
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", h)
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return &peer{name: "limit", addr: srv.Listener.Addr().String(), cpu: selfCPU, inProcess: true}
}

// startFloor serves cmd/targetbot/internal/limit around what targetbot
// must do besides: the limit's verification, form parse and small reply,
// with targetbot's own write in place of the limit's script (the store's
// AppendUpdate, replay claim included, as an `update` command makes it)
// and targetbot's own metrics and log line (instrumentedHandler, logging
// JSON to a file as startTargetbot does). The goals keep all
// three: one round trip, the log's fields, the documented metrics. The
// text is split on spaces, no more: the command language, the reply's
// Block Kit and the worker that answers a slow command in time are what
// targetbot adds to this. It is the least a server could spend and do
// what targetbot's update must.
func startFloor(b testing.TB, redisURL string) *peer {
	ctx := context.Background()
	st, err := redisstore.Open(ctx, redisURL, &redisstore.Options{Prefix: redistest.Prefix(b) + "floor", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	frameworks, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range frameworks {
		if f.ID == "eds" {
			if _, err := st.Import(ctx, "slack:"+benchTeam, f, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	}
	logs, err := os.Create(filepath.Join(b.TempDir(), "floor.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = logs.Close() })
	update := bot.HandlerFunc(func(ctx context.Context, r bot.Request) bot.Reply {
		// update REF P% STATUS NOTE…
		f := strings.SplitN(r.Text, " ", 5)
		progress := -1
		if len(f) >= 4 && f[0] == "update" {
			progress, _ = strconv.Atoi(strings.TrimSuffix(f[2], "%"))
		}
		if progress < 0 {
			return bot.Reply{Command: "update", Code: framework.EINVALID}
		}
		u := framework.Update{Target: f[1], Author: r.User, Progress: progress, Status: framework.Status(f[3])}
		if len(f) == 5 {
			u.Note = f[4]
		}
		if _, _, err := st.AppendUpdate(ctx, r.Workspace, u, store.Once{Key: "once:" + r.ID, TTL: 11 * time.Minute}); err != nil {
			return bot.Reply{Command: "update", Code: framework.ErrorCode(err)}
		}
		return bot.Reply{Command: "update"}
	})
	h := newMetrics().instrument(update, newLogger(logs))
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", limit.NewWithWrite(slackSecret, func(ctx context.Context, team, user, text, trigger, _ string) error {
		reply := h.Handle(ctx, bot.Request{Workspace: "slack:" + team, User: user, Text: text, ID: trigger})
		if reply.Code != "" {
			return fmt.Errorf("floor: %q: %s", text, reply.Code)
		}
		return nil
	}))
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	p := &peer{name: "floor", addr: srv.Listener.Addr().String(), cpu: selfCPU, inProcess: true}
	// It does what it claims: the update is stored and logged.
	signedCommand(b, p.addr, "update eds/1.1 37% on-track floor check")
	if t, err := st.Target(ctx, "slack:"+benchTeam, "eds/1.1"); err != nil || t.Progress != 37 {
		b.Fatalf("the floor's update: target %+v, %v", t, err)
	}
	if line, _ := os.ReadFile(logs.Name()); !strings.Contains(string(line), `"command":"update"`) {
		b.Fatalf("the floor's log holds %q", line)
	}
	return p
}

// startTargetbot serves the handler serve builds (Main.setup, then
// Main.routes), configured as in production: a bot token (users.info
// answered by a fake Slack), JSON logs at info level written to a file,
// metrics on, replay claims in Redis.
func startTargetbot(b testing.TB, redisURL string) *peer {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"user":{"id":"UADMIN","name":"amy","is_admin":true,"profile":{"display_name":"Amy"}}}`)
	}))
	b.Cleanup(api.Close)
	logs, err := os.Create(filepath.Join(b.TempDir(), "targetbot.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = logs.Close() })
	m := &Main{
		Config: ConfigFromEnv(func(string) string { return "" }),
		Stdout: io.Discard,
		Stderr: logs,
		Now:    time.Now,
		Logger: newLogger(logs),
	}
	m.Config.Store = redisURL
	m.RedisPrefix = redistest.Prefix(b)
	m.Config.Admins = "slack:" + benchUser
	m.Config.SlackSigningSecret = slackSecret
	m.Config.SlackBotToken = "xoxb-bench"
	m.Config.SlackAPIURL = api.URL
	if err := m.setup(context.Background(), true); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	srv := httptest.NewUnstartedServer(m.routes())
	srv.Config.ReadHeaderTimeout = 5 * time.Second
	srv.Start()
	b.Cleanup(srv.Close)
	p := &peer{name: "targetbot", addr: srv.Listener.Addr().String(), cpu: selfCPU, inProcess: true}
	if os.Getenv("GOGC") == "" {
		p.gcPercent = serveGCPercent
	}
	if body := signedCommand(b, p.addr, "import eds"); !strings.Contains(body, "eds") {
		b.Fatalf("import eds answered %s", body)
	}
	return p
}

// boltModules is where the Bolt peer's node_modules are: set
// TARGETBOT_BENCH_BOLT to include it (see testdata/boltpeer/app.js).
const boltModules = "TARGETBOT_BENCH_BOLT"

// startBolt runs the Bolt peer under node, or returns nil when
// TARGETBOT_BENCH_BOLT is unset.
func startBolt(b testing.TB, redisURL string) *peer {
	modules := os.Getenv(boltModules)
	if modules == "" {
		return nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cmd := exec.Command("node", "testdata/boltpeer/app.js")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "PORT="+strconv.Itoa(port),
		"SLACK_SIGNING_SECRET="+slackSecret, "REDIS_URL="+redisURL)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("node: %v", err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if s.Text() == "listening" {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			b.Fatal("the Bolt peer stopped before it listened")
		}
	case <-time.After(20 * time.Second):
		b.Fatal("the Bolt peer did not listen within 20s")
	}
	pid := cmd.Process.Pid
	return &peer{name: "bolt", addr: "127.0.0.1:" + strconv.Itoa(port), cpu: func() time.Duration { return procCPU(pid) }}
}

// signedCommand sends one slash command through net/http and returns
// the answer's body; any answer but 200 fails the benchmark.
func signedCommand(b testing.TB, addr, text string) string {
	body := slackForm(benchTeam, benchUser, text)
	ts := time.Now().Unix()
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", slack.Sign(slackSecret, ts, []byte(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		b.Fatalf("%q: status %d: %s", text, res.StatusCode, out)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		b.Fatalf("%q: answer is not JSON: %s", text, out)
	}
	return string(out)
}
