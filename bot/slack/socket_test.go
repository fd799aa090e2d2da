package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/socketmode"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/store/boltstore"
)

func envelopeFrom(t *testing.T, name string) socketmode.Request {
	t.Helper()
	var req socketmode.Request
	if err := json.Unmarshal([]byte(readFile(t, name)), &req); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestEnvelopeSlashCommandRunsOnce(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	req := envelopeFrom(t, "envelope_slash_command.json")

	payload, after := a.envelope(context.Background(), req)
	ack, ok := payload.(message)
	if !ok || ack.Text != "ok: show eds/1.1" || ack.ResponseType != "ephemeral" || len(ack.Blocks) != 1 {
		t.Fatalf("ack payload %+v", ack)
	}
	after()
	// A redelivery of the same envelope is acknowledged, not run.
	if p, after := a.envelope(context.Background(), req); p != nil || after != nil {
		t.Errorf("redelivered envelope acked with %v", p)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("handler ran %d times, want once", len(reqs))
	}
	if reqs[0].Workspace != "slack:T1DC2JH3J" || reqs[0].Channel != "C0LAN2Q65" || reqs[0].Text != "show eds/1.1" {
		t.Errorf("request %+v", reqs[0])
	}
}

// Replicas each hold a Socket Mode connection, and Slack may redeliver
// to any of them. With the store's claim shared between them, an
// envelope, or an event retried under a new envelope id, runs once in
// all; a retry whose first delivery never ran still runs.
func TestRedeliveryToAnotherReplicaRunsOnce(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "claims.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	claim := func(ctx context.Context, key string, ttl time.Duration) (bool, error) {
		return st.Claim(ctx, "slack", key, ttl)
	}
	f := newFakeSlack(t)
	rec := &recorder{}
	one := newTestAdapter(t, f, rec, func(o *Options) { o.Claim = claim })
	two := newTestAdapter(t, f, rec, func(o *Options) { o.Claim = claim })

	cmd := envelopeFrom(t, "envelope_slash_command.json")
	one.envelope(context.Background(), cmd)
	if p, _ := two.envelope(context.Background(), cmd); p != nil {
		t.Errorf("the other replica answered a redelivered envelope: %v", p)
	}
	if n := len(rec.requests()); n != 1 {
		t.Fatalf("slash command ran %d times across replicas, want once", n)
	}

	ev := envelopeFrom(t, "envelope_events_api.json")
	one.envelope(context.Background(), ev)
	waitCalls(t, f, "views.publish", 1)
	retry := ev
	retry.EnvelopeID = "retried-envelope"
	retry.RetryAttempt, retry.RetryReason = 1, "timeout"
	two.envelope(context.Background(), retry)

	lost := envelopeFrom(t, "envelope_events_api.json")
	lost.EnvelopeID = "first-delivery-lost"
	lost.RetryAttempt, lost.RetryReason = 1, "timeout"
	lost.Payload = json.RawMessage(strings.Replace(string(lost.Payload), `"event_id":"`, `"event_id":"Lost`, 1))
	two.envelope(context.Background(), lost)
	waitCalls(t, f, "views.publish", 2)
	time.Sleep(50 * time.Millisecond)
	if n := len(f.calls("views.publish")); n != 2 {
		t.Errorf("views.publish called %d times, want 2: the retried event once, the lost one once", n)
	}
}

func TestEnvelopeInteractiveViewErrors(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{answer: func(bot.Request) bot.Reply {
		return failed("invalid", "progress", "progress must be a whole number")
	}}
	a := newTestAdapter(t, f, rec, nil)
	payload := readFile(t, "view_submission.json")
	req := socketmode.Request{Type: "interactive", EnvelopeID: "e1", Payload: json.RawMessage(payload), AcceptsResponsePayload: true}
	p, _ := a.envelope(context.Background(), req)
	b, _ := json.Marshal(p)
	if !strings.Contains(string(b), `"response_action":"errors"`) || !strings.Contains(string(b), `"progress":"progress must be a whole number"`) {
		t.Fatalf("ack %s", b)
	}
}

func TestEnvelopeAppHomeOpened(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{answer: func(r bot.Request) bot.Reply {
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "eds/1.1", Text: "🟢 on-track 40%"}}}
	}}
	a := newTestAdapter(t, f, rec, nil)
	req := envelopeFrom(t, "envelope_events_api.json")
	if p, _ := a.envelope(context.Background(), req); p != nil {
		t.Errorf("events ack payload %v", p)
	}
	waitCalls(t, f, "views.publish", 1)
	pub := f.calls("views.publish")[0].JSON
	if pub["user_id"] != "U2CERLKJA" {
		t.Errorf("published for %v", pub["user_id"])
	}
	checkLimits(t, pub)
	view, _ := json.Marshal(pub["view"])
	for _, want := range []string{`"type":"home"`, `My targets`, `*eds/1.1*\n🟢 on-track 40%`} {
		if !strings.Contains(string(view), want) {
			t.Errorf("home view lacks %s: %s", want, view)
		}
	}
	if r := rec.requests(); len(r) != 1 || r[0].Text != "list mine" || r[0].User != "U2CERLKJA" {
		t.Errorf("requests %+v", r)
	}
	// The same event in a new envelope (a redelivery) is not run again.
	req.EnvelopeID = "new-envelope"
	a.envelope(context.Background(), req)
	if err := a.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.calls("views.publish")); n != 1 {
		t.Errorf("views.publish %d times", n)
	}
}

func waitCalls(t *testing.T, f *fakeSlack, method string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(f.calls(method)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s called %d times, want %d", method, len(f.calls(method)), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSocketModeSession runs RunSocketMode against a fake Socket Mode
// server: apps.connections.open hands out a WebSocket URL, the socket
// says hello, delivers a slash command twice (as Slack does on retry),
// and collects the acks.
func TestSocketModeSession(t *testing.T) {
	f := newFakeSlack(t)
	acks := make(chan map[string]any, 10)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		envelope := readFile(t, "envelope_slash_command.json")
		redelivered := strings.Replace(envelope, `"accepts_response_payload":true`, `"accepts_response_payload":true,"retry_attempt":1,"retry_reason":"timeout"`, 1)
		for _, m := range []string{readFile(t, "envelope_hello.json"), envelope, redelivered} {
			if err := conn.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
				return
			}
		}
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	}))
	t.Cleanup(ws.Close)
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method != "apps.connections.open" {
			return false
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(ws.URL, "http") + "/link"})
		return true
	}
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, func(o *Options) {
		o.AppToken = "xapp-test"
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()

	var got []map[string]any
	for len(got) < 2 {
		select {
		case ack := <-acks:
			got = append(got, ack)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d acks, want 2", len(got))
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not return after cancel")
	}
	var withPayload int
	for _, ack := range got {
		if ack["envelope_id"] != "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545" {
			t.Errorf("ack for %v", ack["envelope_id"])
		}
		if p, ok := ack["payload"].(map[string]any); ok {
			withPayload++
			if p["text"] != "ok: show eds/1.1" || p["response_type"] != "ephemeral" {
				t.Errorf("ack payload %v", p)
			}
		}
	}
	if withPayload != 1 {
		t.Errorf("%d acks carried a reply, want 1", withPayload)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

// A reply over Socket Mode's 20 KB ack limit is not acked inline: every
// message of it follows through response_url, in order.
func TestEnvelopeOversizedReplyFollowsUp(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	var blocks []bot.Block
	for i := range 80 {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("%02d %s", i, strings.Repeat("<x> ", 30))})
	}
	rec := &recorder{answer: func(bot.Request) bot.Reply { return bot.Reply{Ephemeral: true, Blocks: blocks} }}
	a := newTestAdapter(t, f, rec, nil)
	req := envelopeFrom(t, "envelope_slash_command.json")
	req.Payload = json.RawMessage(strings.ReplaceAll(string(req.Payload), "https://hooks.slack.com", h.srv.URL))
	payload, after := a.envelope(context.Background(), req)
	if ack, _ := payload.(message); ack.Text != workingText {
		t.Fatalf("ack %q; a reply over Socket Mode's 20KB limit must not be acked inline", ack.Text)
	}
	after()
	var got string
	for range 3 {
		m := h.next(t)
		got += checkLimits(t, m)
	}
	for i := range 80 {
		if !strings.Contains(got, fmt.Sprintf("%02d &lt;x&gt;", i)) {
			t.Errorf("block %d is missing", i)
		}
	}
}
