package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Health follows the Socket Mode connection: down, and why, until it
// is connected, down again once it drops and cannot reconnect, and nil
// without an app token, when there is no connection to be down.
func TestSocketModeHealth(t *testing.T) {
	f := newFakeSlack(t)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var mu sync.Mutex
	var current *websocket.Conn
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		mu.Lock()
		current = conn
		mu.Unlock()
		if conn.WriteMessage(websocket.TextMessage, []byte(readFile(t, "envelope_hello.json"))) != nil {
			return
		}
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(ws.Close)
	var refuse atomic.Bool
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method != "apps.connections.open" {
			return false
		}
		if refuse.Load() {
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "service_unavailable"})
			return true
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(ws.URL, "http") + "/link"})
		return true
	}
	if err := newTestAdapter(t, f, &recorder{}, nil).Health(); err != nil {
		t.Errorf("Health without an app token = %v", err)
	}
	a := newTestAdapter(t, f, &recorder{}, func(o *Options) { o.AppToken = "xapp-test" })
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "not connected yet") {
		t.Errorf("Health before Socket Mode runs = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitFor(t, "Socket Mode is up", func() bool { return a.Health() == nil })

	refuse.Store(true)
	mu.Lock()
	_ = current.Close()
	mu.Unlock()
	waitFor(t, "the drop is reported", func() bool { return a.Health() != nil })
	t.Logf("down: %v", a.Health())

	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

// waitFor waits, at most 10 s, for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
