package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
)

// Helpers for the fault tests, which run targetbot and redis-server as
// real processes on loopback, the way they run in production.

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// targetbotBinary builds ./cmd/targetbot once per test run (without the
// race detector: the processes are under test, not the test code).
func targetbotBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "targetbot-bin")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "targetbot")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// durableRedis is a redis-server that syncs its append-only file on
// every write, so an acknowledged write survives SIGKILL, and can be
// killed and restarted on the same data.
type durableRedis struct {
	t    *testing.T
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startDurableRedis(t *testing.T) *durableRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed")
		}
		t.Skip("redis-server is not installed")
	}
	// Unix socket paths are short; t.TempDir() can be too long.
	dir, err := os.MkdirTemp("", "durable")
	if err != nil {
		t.Fatal(err)
	}
	r := &durableRedis{t: t, dir: dir}
	r.start()
	t.Cleanup(func() {
		r.kill()
		_ = os.RemoveAll(dir)
	})
	return r
}

func (r *durableRedis) URL() string { return "unix://" + filepath.Join(r.dir, "r.sock") }

func (r *durableRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", "0", "--unixsocket", filepath.Join(r.dir, "r.sock"),
		"--dir", r.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.done = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { _ = c.Wait(); close(done) }(r.cmd, r.done)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("unix", filepath.Join(r.dir, "r.sock")); err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill SIGKILLs the server: no shutdown, no final save.
func (r *durableRedis) kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	_ = os.Remove(filepath.Join(r.dir, "r.sock"))
}

// serveProcess is `targetbot serve` running as a child process.
type serveProcess struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	done   chan error
}

// startServe starts targetbot serve on a free loopback port with env.
func startServe(t *testing.T, env ...string) *serveProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	p := &serveProcess{base: "http://" + addr, stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(targetbotBinary(t), "serve")
	p.cmd.Env = append(os.Environ(), append([]string{"TARGETBOT_ADDR=" + addr}, env...)...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		if res, err := http.Get(p.base + "/healthz"); err == nil {
			_ = res.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", p.stderr)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// syncBuffer collects output that a process or a server's goroutines
// write while the test may read it (a failure's message, say).
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// signedSlack builds a signed slash command request for text, now.
func signedSlack(ctx context.Context, base, user, text string) *http.Request {
	body := slackForm("T1", user, text)
	ts := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", slack.Sign(slackSecret, ts.Unix(), []byte(body)))
	return req
}
