package discord

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeGateway is a Discord Gateway: GET /gateway names its WebSocket,
// which refuses the first refuse connections, then says hello, takes
// the identify and answers READY, and holds the connection until drop.
type fakeGateway struct {
	api     *httptest.Server
	ws      *httptest.Server
	refuse  atomic.Int32
	opened  atomic.Int32
	mu      sync.Mutex
	current *websocket.Conn
}

func newFakeGateway(t *testing.T, refuse int32) *fakeGateway {
	g := &fakeGateway{}
	g.refuse.Store(refuse)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	g.ws = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.refuse.Add(-1) >= 0 {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if conn.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":45000}}`)) != nil {
			return
		}
		if _, _, err := conn.ReadMessage(); err != nil { // identify
			return
		}
		if conn.WriteMessage(websocket.TextMessage, []byte(`{"op":0,"t":"READY","s":1,"d":{"v":10,"session_id":"s1","user":{"id":"1","username":"targetbot"},"guilds":[]}}`)) != nil {
			return
		}
		g.mu.Lock()
		g.current = conn
		g.mu.Unlock()
		g.opened.Add(1)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(g.ws.Close)
	g.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/gateway") {
			_, _ = w.Write([]byte(`{"url":"ws` + strings.TrimPrefix(g.ws.URL, "http") + `/"}`))
			return
		}
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(g.api.Close)
	return g
}

// drop closes the current connection from Discord's side.
func (g *fakeGateway) drop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.current != nil {
		_ = g.current.Close()
	}
}

// eventually waits, at most 10 s, for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A Gateway that fails to open is opened again, with backoff, and
// Health says it is down, and why, until it is up; after a drop it is
// down again until discordgo has reconnected.
func TestGatewayReconnectsAndReportsHealth(t *testing.T) {
	g := newFakeGateway(t, 2)
	a := newAdapter(t, &fakeHandler{}, nil, func(o *Options) {
		o.PublicKey = ""
		o.APIURL = g.api.URL
		o.GatewayRetry = 20 * time.Millisecond
	})
	if err := a.Health(); err == nil || !strings.Contains(err.Error(), "not connected yet") {
		t.Errorf("Health before the Gateway runs = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()

	// Refused twice, it reports why, and keeps trying.
	eventually(t, "a failed open is reported", func() bool {
		err := a.Health()
		return err != nil && strings.Contains(err.Error(), "open gateway")
	})
	eventually(t, "the Gateway is up", func() bool { return a.Health() == nil })
	if n := g.opened.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}

	// Dropped while reconnections are refused, it is down; then back.
	g.refuse.Store(1000)
	g.drop()
	eventually(t, "a drop is reported", func() bool { return a.Health() != nil })
	g.refuse.Store(0)
	eventually(t, "the Gateway is back", func() bool { return a.Health() == nil && g.opened.Load() == 2 })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}

// An adapter with a public key takes interactions over HTTP: it has no
// Gateway to be down.
func TestHealthWithoutGateway(t *testing.T) {
	if err := newAdapter(t, &fakeHandler{}, nil, nil).Health(); err != nil {
		t.Errorf("Health = %v", err)
	}
}
