package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped flag or a stray argument is one line pointing at --help, not
// the flag package's error followed by every flag's description.
func TestBadFlagsFailWithOneLine(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, `console: flag provided but not defined: -bogus (run "targetbot console --help"`},
		{[]string{"serve", "--bogus"}, `serve: flag provided but not defined: -bogus`},
		{[]string{"console", "extra"}, `console: unexpected argument "extra"`},
		{[]string{"run-schedules", "--at"}, `run-schedules: flag needs an argument: -at`},
		{[]string{"slack", "manifest", "--url", "https://x.example", "y"}, `slack manifest: unexpected argument "y"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			m, out, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "import eds\n")
			err := m.Run(context.Background(), tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line containing %q", err, tt.want)
			}
			if errOut.Len() != 0 || out.Len() != 0 {
				t.Errorf("printed more than the error:\nstdout: %s\nstderr: %s", out, errOut)
			}
		})
	}
}

func TestFlagHelpGoesToStdout(t *testing.T) {
	m, out, _ := testMain(t, "bolt:unused", "")
	if err := m.Run(context.Background(), []string{"serve", "--help"}); err == nil || !strings.Contains(out.String(), "-addr") {
		t.Errorf("serve --help: err %v, stdout %q", err, out)
	}
}

// A script piped to the console and cut short by a signal must not exit
// 0 as if it had run to the end.
func TestInterruptedConsoleScriptFails(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "")
	m.Stdin = pr
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx, []string{"console"}); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err = %v, want interrupted", err)
	}
}

func TestRequestIDIsEchoedOnlyWhenSafe(t *testing.T) {
	var logs bytes.Buffer
	h := withRequestID(http.NotFoundHandler(), slog.New(slog.NewJSONHandler(&logs, nil)))
	tests := []struct {
		id   string
		keep bool
	}{
		{"abc-123_X.y:z", true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{"tab\there", false},
		{"caf\xc3\xa9", false},
		{"bad\xff", false},
		{`quote"and<angle>`, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/x", nil)
		r.Header.Set("X-Request-Id", tt.id)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		if tt.keep && got != tt.id {
			t.Errorf("id %q echoed as %q, want it kept", tt.id, got)
		}
		if !tt.keep && (got == tt.id || !safeRequestID(got)) {
			t.Errorf("id %q echoed as %q, want a fresh safe id", tt.id, got)
		}
	}
}

func TestRedactHidesStorePasswords(t *testing.T) {
	tests := map[string]string{
		"redis://user:secret@host:6379/0":  "redis://***@host:6379/0",
		"rediss://:p@ss@host:6380":         "rediss://***@host:6380",
		"redis-cluster://u:pw@h1:1,h2:2":   "redis-cluster://***@h1:1,h2:2",
		"redis://host:6379/0":              "redis://host:6379/0",
		"bolt:/var/lib/targetbot/state.db": "bolt:/var/lib/targetbot/state.db",
	}
	for in, want := range tests {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// The banner a terminal session starts with names the store without its
// password.
func TestConsoleBannerHidesThePassword(t *testing.T) {
	m, out, _ := testMain(t, "redis://user:secret@127.0.0.1:1/0", "")
	m.StdinIsTerminal = true
	// Nothing listens on port 1: the store opens, reports unavailable,
	// and the session (empty stdin) ends at once.
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "store redis://***@127.0.0.1:1/0") || strings.Contains(out.String(), "secret") {
		t.Errorf("banner shows the password: %s", out)
	}
}

// --help, -h and --version are the program's, not the console's.
func TestTopLevelHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		m, out, _ := testMain(t, "bolt:"+t.TempDir()+"/x.db", "")
		if err := m.Run(context.Background(), []string{arg}); err != nil || !strings.Contains(out.String(), "targetbot serve") {
			t.Errorf("%s: err %v, stdout %q", arg, err, out)
		}
	}
	for _, arg := range []string{"--version", "version"} {
		m, out, _ := testMain(t, "bolt:"+t.TempDir()+"/x.db", "")
		if err := m.Run(context.Background(), []string{arg}); err != nil || !strings.HasPrefix(out.String(), "targetbot ") {
			t.Errorf("%s: err %v, stdout %q", arg, err, out)
		}
	}
}

// healthcheck passes against a serving process and fails, in one line,
// against nothing.
func TestHealthcheck(t *testing.T) {
	_, base, _ := servedMain(t, "bolt:"+t.TempDir()+"/t.db", "")
	m, out, _ := testMain(t, "", "")
	if err := m.Run(context.Background(), []string{"healthcheck", "--url", base + "/healthz"}); err != nil || out.String() != "ok\n" {
		t.Errorf("healthcheck of a live serve: %v %q", err, out)
	}
	m, _, _ = testMain(t, "", "")
	err := m.Run(context.Background(), []string{"healthcheck", "--url", "http://127.0.0.1:1/healthz"})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("healthcheck of nothing: %v", err)
	}
	if got := healthURL(":8080"); got != "http://127.0.0.1:8080/healthz" {
		t.Errorf("healthURL(:8080) = %s", got)
	}
}
