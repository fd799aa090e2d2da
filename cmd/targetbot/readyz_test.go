package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// healthPlatform is a Platform whose long-lived connection is up when
// down is nil.
type healthPlatform struct{ down error }

func (healthPlatform) Name() string       { return "fake" }
func (healthPlatform) Poster() bot.Poster { return nil }
func (p healthPlatform) Health() error    { return p.down }

var _ bot.HealthChecker = healthPlatform{}

// /readyz is 503 while a platform's long-lived connection is down, and
// says which and why; 200 once it is up.
func TestReadyzReportsPlatformConnections(t *testing.T) {
	m, _, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
	if err := m.setup(context.Background(), true); err != nil {
		t.Fatalf("setup: %v\n%s", err, errOut)
	}
	for _, tt := range []struct {
		down error
		code int
		body string
	}{
		{errors.New("gateway connection dropped; reconnecting"), 503, "fake: gateway connection dropped; reconnecting"},
		{nil, 200, "ready"},
	} {
		m.Platforms = []bot.Platform{healthPlatform{tt.down}}
		w := httptest.NewRecorder()
		m.routes().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.body) {
			t.Errorf("/readyz = %d %q, want %d with %q", w.Code, w.Body, tt.code, tt.body)
		}
	}
	m.Platforms = nil
}

// Served with a Discord bot token whose Gateway cannot be opened, /readyz
// is 503 and names the Gateway's failure, while serve keeps trying.
func TestServeReadyzWhileDiscordGatewayDown(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"unavailable"}`, http.StatusServiceUnavailable)
	}))
	t.Cleanup(api.Close)
	m, _, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
	m.Config.DiscordBotToken = "bot-token"
	m.Config.DiscordAPIURL = api.URL
	base, stop := runServe(t, m, errOut)
	defer func() { _ = stop() }()
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, body = get(t, base+"/readyz"); code == 503 && strings.Contains(body, "discord: open gateway") {
			return
		}
	}
	t.Errorf("/readyz = %d %q, want 503 naming the Gateway's failure", code, body)
}
