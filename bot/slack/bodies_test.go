package slack

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/jsonforms"
)

// routeCaps are the routes, each with its cap and a genuine body for it.
func routeCaps(t *testing.T) []struct {
	path string
	cap  int
	body string
	pad  func(body string, n int) string // grows body to n bytes, still genuine
} {
	form := func(body string, n int) string {
		const field = "&pad="
		return body + field + strings.Repeat("x", n-len(body)-len(field))
	}
	js := func(body string, n int) string { return body + strings.Repeat(" ", n-len(body)) }
	return []struct {
		path string
		cap  int
		body string
		pad  func(string, int) string
	}{
		{"/slack/commands", maxCommandBody, readFile(t, "command_update.form"), form},
		{"/slack/interactions", maxInteractionBody, payloadForm(t, "block_actions.json", newHooks(t).srv.URL), form},
		{"/slack/events", maxEventBody, readFile(t, "event_app_home_opened.json"), js},
	}
}

// A signed body of exactly its route's cap is served; one byte more is
// 413, and nothing runs.
func TestBodyOverTheCapIs413(t *testing.T) {
	for _, rc := range routeCaps(t) {
		t.Run(rc.path, func(t *testing.T) {
			f := newFakeSlack(t)
			rec := &recorder{}
			a := newTestAdapter(t, f, rec, nil)
			if w := serve(a, signed(rc.path, rc.pad(rc.body, rc.cap))); w.Code != http.StatusOK {
				t.Fatalf("a body of exactly %d bytes: status %d %s", rc.cap, w.Code, w.Body)
			}
			if err := a.Drain(t.Context()); err != nil { // buttons and Home tabs run after the answer
				t.Fatal(err)
			}
			ran := len(rec.requests())
			w := serve(a, signed(rc.path, rc.pad(rc.body, rc.cap+1)))
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("a body of %d bytes: status %d, want 413", rc.cap+1, w.Code)
			}
			if err := a.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			if len(rec.requests()) != ran {
				t.Error("an oversized request ran")
			}
		})
	}
}

// bodyWatch is a request body that counts what is read from it, and
// never ends.
type bodyWatch struct{ n int }

func (b *bodyWatch) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	b.n += len(p)
	return len(p), nil
}

func (b *bodyWatch) Close() error { return nil }

// A Content-Length over the cap is refused before a byte is read; a body
// with no length (chunked) is read to one byte past the cap and no
// further. Both are 413, not 401: the headers are signed well enough.
func TestLyingContentLengthIs413Unread(t *testing.T) {
	for _, rc := range routeCaps(t) {
		t.Run(rc.path, func(t *testing.T) {
			a := newTestAdapter(t, newFakeSlack(t), &recorder{}, nil)
			for _, length := range []int64{int64(rc.cap) + 1, 1 << 40} {
				body := &bodyWatch{}
				r := signed(rc.path, rc.body)
				r.Body, r.ContentLength = body, length
				if w := serve(a, r); w.Code != http.StatusRequestEntityTooLarge || body.n != 0 {
					t.Errorf("Content-Length %d: status %d, %d bytes read", length, w.Code, body.n)
				}
			}
			body := &bodyWatch{}
			r := signed(rc.path, rc.body)
			r.Body, r.ContentLength = body, -1
			if w := serve(a, r); w.Code != http.StatusRequestEntityTooLarge || body.n > rc.cap+1 {
				t.Errorf("no Content-Length: status %d, %d bytes read, want 413 after at most %d", w.Code, body.n, rc.cap+1)
			}
		})
	}
}

// An unsigned request is refused on its headers, whatever length it
// claims: 401, unread.
func TestUnsignedOversizedRequestIs401Unread(t *testing.T) {
	for _, rc := range routeCaps(t) {
		a := newTestAdapter(t, newFakeSlack(t), &recorder{}, nil)
		body := &bodyWatch{}
		r := httptest.NewRequest(http.MethodPost, rc.path, nil)
		r.Body, r.ContentLength = body, 1<<40
		if w := serve(a, r); w.Code != http.StatusUnauthorized || body.n != 0 {
			t.Errorf("%s: status %d, %d bytes read", rc.path, w.Code, body.n)
		}
	}
}

// Over a real connection, a request announcing a huge body is answered
// 413 at once, without the server waiting for the body.
func TestHugeContentLengthAnsweredBeforeTheBody(t *testing.T) {
	a := newTestAdapter(t, newFakeSlack(t), &recorder{}, nil)
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := readFile(t, "command_update.form")
	fmt.Fprintf(conn, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: %s\r\nContent-Length: %d\r\n\r\n%s",
		testClock.Unix(), Sign(testSecret, testClock.Unix(), []byte(body)), 1<<30, body)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body is still to come: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", res.StatusCode)
	}
}

// The caps hold what Slack genuinely sends back: a button on the longest
// message we render (block_actions carries the message), and the Home
// tab we publish (app_home_opened carries the view), whatever the
// characters, and however Slack escapes them.
func TestBodyCapsHoldWhatSlackEchoes(t *testing.T) {
	for _, ch := range []string{"é", "▓", "🟢", "\"", bot.UserText("*")} {
		var blocks []bot.Block
		for i := range 60 {
			var bs []bot.Button
			for j := range 5 {
				bs = append(bs, bot.Button{Label: strings.Repeat(ch, maxButtonText), Command: fmt.Sprintf("update eds/%d.%d done %s", i, j, strings.Repeat(ch, 100))})
			}
			blocks = append(blocks, bot.Block{Title: strings.Repeat(ch, 200), Text: strings.Repeat(ch+" ", 1500), Buttons: bs,
				Fields: []bot.Field{{Name: strings.Repeat(ch, 50), Value: strings.Repeat(ch, 500)}}})
		}
		reply := bot.Reply{Blocks: blocks}
		for i, m := range render(reply, liveMentions) {
			payload := map[string]any{"type": "block_actions", "message": map[string]any{"type": "message", "text": m.Text, "blocks": m.Blocks},
				"actions": []any{map[string]any{"value": strings.Repeat(ch, maxButtonValue)}}}
			for _, js := range jsonforms.Both(t, payload) {
				if n := len(url.Values{"payload": {js}}.Encode()); n > maxInteractionBody-2048 {
					t.Errorf("%q: a button on message %d arrives as %d bytes; the cap is %d", ch, i, n, maxInteractionBody)
				}
			}
		}
		event := map[string]any{"type": "event_callback", "event": map[string]any{"type": "app_home_opened", "tab": "home",
			"view": map[string]any{"type": "home", "blocks": homeBlocks(reply)}}}
		for _, js := range jsonforms.Both(t, event) {
			if len(js) > maxEventBody-2048 {
				t.Errorf("%q: app_home_opened arrives as %d bytes; the cap is %d", ch, len(js), maxEventBody)
			}
		}
	}
}
