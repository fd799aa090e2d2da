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
		{[]string{"--bogus"}, `console: unknown flag --bogus (run "targetbot console --help"`},
		{[]string{"serve", "--bogus"}, `serve: unknown flag --bogus`},
		{[]string{"console", "extra"}, `console: unexpected argument "extra"`},
		{[]string{"run-schedules", "--at"}, `run-schedules: flag --at needs a value`},
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
func TestConsoleBanner(t *testing.T) {
	b := banner("sam", false, "redis://user:secret@127.0.0.1:6379/0")
	if !strings.Contains(b, "store redis://***@127.0.0.1:6379/0") || strings.Contains(b, "secret") || !strings.Contains(b, "@sam (a member)") {
		t.Errorf("banner = %q", b)
	}
	// A terminal session prints it first.
	m, out, _ := testMain(t, "bolt:"+t.TempDir()+"/x.db", "")
	m.StdinIsTerminal = true
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "targetbot ") || !strings.Contains(out.String(), "@sam (an admin)") {
		t.Errorf("terminal session starts %q", out)
	}
}

// A store that does not answer stops the console and run-schedules at
// once, in one line that hides the password, instead of every command
// saying "storage is unavailable".
func TestUnreachableStoreFailsAtStart(t *testing.T) {
	for _, sub := range []string{"console", "run-schedules"} {
		m, _, _ := testMain(t, "redis://user:secret@127.0.0.1:1/0", "import eds\n")
		err := m.Run(context.Background(), []string{sub})
		if err == nil || !strings.Contains(err.Error(), "cannot reach the store at redis://***@127.0.0.1:1/0") || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v", sub, err)
		}
	}
}

// Store URLs: a missing scheme, options on a file path and a missing
// folder are each explained in one line that names where the URL came
// from.
func TestStoreURLMistakes(t *testing.T) {
	for url, want := range map[string]string{
		"targetbot.db":               `TARGETBOT_STORE "targetbot.db" has no scheme: for a file, write bolt:targetbot.db`,
		"bolt:f.db?x=1":              `bolt:PATH takes a file path and no options`,
		"bolt:/nonexistent/dir/x.db": `the folder /nonexistent/dir does not exist`,
	} {
		m, _, _ := testMain(t, url, "")
		err := m.Run(context.Background(), []string{"console"})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "/nonexistent/dir/x.db") > 1 {
			t.Errorf("%s: err = %v, want %q", url, err, want)
		}
	}
	m, _, _ := testMain(t, "", "")
	err := m.Run(context.Background(), []string{"console", "--store", "nope.db"})
	if err == nil || !strings.HasPrefix(err.Error(), `--store "nope.db" has no scheme`) {
		t.Errorf("--store: err = %v, want it named as the flag", err)
	}
}

// --user is checked and normalised: no empty name, no @, one case.
func TestConsoleUser(t *testing.T) {
	for in, want := range map[string]string{"@Priya": "priya", "Dev": "dev", " sam ": "sam"} {
		if got, err := consoleUser(in, "--user"); err != nil || got != want {
			t.Errorf("consoleUser(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "@", "a b", "<@U1>"} {
		if _, err := consoleUser(bad, "--user"); err == nil || !strings.Contains(err.Error(), "--user priya") {
			t.Errorf("consoleUser(%q) err = %v", bad, err)
		}
	}
	url := "bolt:" + t.TempDir() + "/x.db"
	out := runConsole(t, url, "import eds\nassign eds/1.1 me\nlist mine\n")
	m, out2, _ := testMain(t, url, "list mine\n")
	m.Config.User = "@SAM"
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatal(err)
	}
	_ = m.Close()
	if !strings.Contains(out, "eds/1.1") || !strings.Contains(out2.String(), "eds/1.1") {
		t.Errorf("@SAM and sam are not one owner:\n%s\n%s", out, out2)
	}
}

// When TARGETBOT_ADMINS names local: users, the console user is a
// member unless named there or run with --admin.
func TestConsoleAdmins(t *testing.T) {
	url := "bolt:" + t.TempDir() + "/x.db"
	m, out, _ := testMain(t, url, "import eds\n")
	m.Config.Admins = "local:priya"
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "only an admin can") {
		t.Errorf("a member imported: %s", out)
	}
	_ = m.Close()
	for _, args := range [][]string{{"console", "--admin"}, {"console", "--user", "priya"}} {
		m, out, _ := testMain(t, url, "import eds\n")
		m.Config.Admins = "local:priya"
		if err := m.Run(context.Background(), args); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "imported") || strings.Contains(out.String(), "only an admin") {
			t.Errorf("%v could not import: %s", args, out)
		}
		_ = m.Close()
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

// Base URLs are https and bare; anything else is one line that says why.
func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{"https://bot.example.org": "https://bot.example.org", "https://bot.example.org/": "https://bot.example.org", " https://h:8443 ": "https://h:8443"} {
		if got, err := baseURL("--url", in); err != nil || got != want {
			t.Errorf("baseURL(%q) = %q, %v", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"http://bot.example.org":        "must start with https://",
		"https://bot.example.org/slack": "bare base URL",
		"https://bot.example.org/?x=1":  "bare base URL",
		"https://u:p@bot.example.org":   "bare base URL",
		"bot.example.org":               "is not a URL",
	} {
		if _, err := baseURL("--url", in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("baseURL(%q) err = %v, want %q", in, err, want)
		}
	}
	m, _, _ := testMain(t, "", "")
	if err := m.Run(context.Background(), []string{"slack", "manifest", "--url", "http://x.example.org"}); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("slack manifest with http: %v", err)
	}
}
