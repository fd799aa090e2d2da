package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// fixedNow is the clock end-to-end tests run at: Monday 23 November 2026.
var fixedNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// testMain returns a Main on the given store with captured output.
func testMain(t testing.TB, storeURL, stdin string) (*Main, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{
		Config: ConfigFromEnv(func(string) string { return "" }),
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
		Now:    func() time.Time { return fixedNow },
		Logger: slog.New(slog.NewTextHandler(&errOut, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	m.Config.Store = storeURL
	m.Config.User = "sam"
	t.Cleanup(func() { _ = m.Close() })
	return m, &out, &errOut
}

// runConsole runs one console session and returns what it printed.
func runConsole(t *testing.T, storeURL, script string) string {
	t.Helper()
	m, out, errOut := testMain(t, storeURL, script)
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatalf("console: %v\nstderr: %s", err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q; it was:\n%s", w, got)
		}
	}
}

// The walking-skeleton session: import both frameworks, log
// progress, see it, and see it again after a restart.
func consoleSession(t *testing.T, storeURL string) {
	first := runConsole(t, storeURL, "import eds\nimport nhse-2024-26\nupdate eds/1.1 40% on-track Held two listening events\nshow eds/1.1\nlist overdue\n")
	mustContain(t, first, "18", "11", "40%", "Held two listening events", "Services are commissioned")

	second := runConsole(t, storeURL, "show eds/1.1\nupdate 1.1 50%\n")
	mustContain(t, second, "40%", "Held two listening events", "eds/1.1", "nhse-2024-26/1.1")
}

func TestConsoleSessionPersistsOnBolt(t *testing.T) {
	consoleSession(t, "bolt:"+filepath.Join(t.TempDir(), "targetbot.db"))
}

func TestBadInputChangesNothing(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, "import eds\n")
	before := runConsole(t, url, "show eds/1.1\n")
	out := runConsole(t, url, "update nope 40%\nupdate eds/1.1 140%\nrate eds/1.1 brilliant\ndue eds/1.1 31-12-2026\n")
	mustContain(t, out, "nope", "140", "brilliant", "31-12-2026")
	if after := runConsole(t, url, "show eds/1.1\n"); after != before {
		t.Errorf("bad input changed eds/1.1:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestBareCodeAmbiguity(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	out := runConsole(t, url, "import eds\nupdate 1.1 10%\n")
	mustContain(t, out, "10%")
	out = runConsole(t, url, "import nhse-2024-26\nshow 1.1\nshow eds/1.1\n")
	mustContain(t, out, "eds/1.1", "nhse-2024-26/1.1", "10%")
}

func TestBadConfigurationFailsWithOneLine(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"unknown store scheme", func(c *Config) { c.Store = "mongo://x" }, "unknown scheme"},
		{"bolt without a path", func(c *Config) { c.Store = "bolt:" }, "names no file"},
		{"unknown time zone", func(c *Config) { c.Timezone = "Mars/Olympus" }, "not an IANA time zone"},
		{"malformed admin", func(c *Config) { c.Admins = "U123" }, "must be platform:user"},
		{"missing frameworks dir", func(c *Config) { c.FrameworksDir = "/nonexistent/frameworks" }, "names /nonexistent/frameworks, which does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, out, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "import eds\n")
			tt.mutate(&m.Config)
			err := m.Run(context.Background(), []string{"console"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line containing %q", err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("ran commands despite bad configuration: %s", out)
			}
		})
	}
}

func TestVersionAndUnknownSubcommand(t *testing.T) {
	m, out, _ := testMain(t, "bolt:unused", "")
	if err := m.Run(context.Background(), []string{"version"}); err != nil || !strings.HasPrefix(out.String(), "targetbot ") {
		t.Fatalf("version: %v %q", err, out)
	}
	if err := m.Run(context.Background(), []string{"frobnicate"}); err == nil || !strings.Contains(err.Error(), "unknown subcommand") {
		t.Fatalf("unknown subcommand: %v", err)
	}
}

func TestConsoleSessionPersistsOnRedis(t *testing.T) {
	url := redistest.Start(t)
	prefix := redistest.Prefix(t)
	first := func(script string) string {
		m, out, errOut := testMain(t, url, script)
		m.RedisPrefix = prefix
		if err := m.Run(context.Background(), []string{"console"}); err != nil {
			t.Fatalf("console: %v\n%s", err, errOut)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	out := first("import eds\nimport nhse-2024-26\nupdate eds/1.1 40% on-track Held two listening events\nshow eds/1.1\nlist overdue\n")
	mustContain(t, out, "imported 18", "imported 11", "40%", "Held two listening events")
	out = first("show eds/1.1\n")
	mustContain(t, out, "40%", "Held two listening events")
}

func TestBadPlatformConfigurationStopsServe(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"discord key not hex", func(c *Config) { c.DiscordPublicKey = "not-a-key" }, "discord: public key must be 64 hex characters"},
		{"slack bot token of the wrong kind", func(c *Config) { c.SlackSigningSecret = "s"; c.SlackBotToken = "xapp-1" }, "slack: bot token must start with xoxb-"},
		{"socket mode without a bot token", func(c *Config) { c.SlackAppToken = "xapp-1" }, "needs SLACK_BOT_TOKEN"},
		{"address in use or malformed", func(c *Config) { c.Addr = "not an address" }, "cannot listen on TARGETBOT_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "")
			tt.mutate(&m.Config)
			err := m.Run(context.Background(), []string{"serve"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || strings.Count(err.Error(), "discord:") > 1 {
				t.Fatalf("err = %v, want one line containing %q", err, tt.want)
			}
		})
	}
}
