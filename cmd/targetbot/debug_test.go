package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The profiler is served on TARGETBOT_DEBUG_ADDR only: never on the main
// listener, and not at all unless asked for.
func TestDebugAddrServesProfilerApart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debugAddr := l.Addr().String()
	_ = l.Close()

	m, _, errOut := testMain(t, redistest.Start(t), "")
	m.RedisPrefix = redistest.Prefix(t)
	m.Config.SlackSigningSecret = slackSecret
	m.Config.DebugAddr = debugAddr
	base, stop := runServe(t, m, errOut)
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("http://" + debugAddr + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("debug address: /debug/pprof/ answered %d: %.200s", code, body)
	}
	if code, _ := get("http://" + debugAddr + "/debug/pprof/heap?debug=1"); code != 200 {
		t.Errorf("debug address: heap profile answered %d", code)
	}
	if code, _ := get(base + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("main address: /debug/pprof/ answered %d, want 404", code)
	}
	if code, _ := get("http://" + debugAddr + "/slack/commands"); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("debug address serves the platform routes: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", debugAddr, time.Second); err == nil {
		t.Error("the debug address still listens after serve stopped")
	}
}

// A debug address that cannot be listened on stops serve before it
// starts, in one line naming the variable.
func TestDebugAddrBadStopsServe(t *testing.T) {
	m, _, _ := testMain(t, redistest.Start(t), "")
	m.RedisPrefix = redistest.Prefix(t)
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DebugAddr = "256.0.0.1:1"
	err := m.Run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "TARGETBOT_DEBUG_ADDR") {
		t.Fatalf("serve with a bad debug address: %v", err)
	}
}
