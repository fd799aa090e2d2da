package discord

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/jsonforms"
)

// A signed body of exactly the cap, 64 KiB, is served; one byte more is
// 413, and nothing runs.
func TestBodyAtAndOverTheCap(t *testing.T) {
	if maxBody != 64<<10 {
		t.Fatalf("the cap is %d bytes; an interaction fits in 64 KiB (TestBodyCapHoldsWhatDiscordEchoes)", maxBody)
	}
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	pad := func(body []byte, n int) []byte { return append(body, bytes.Repeat([]byte(" "), n-len(body))...) }
	at := pad(fixture(t, "command_update.json"), maxBody)
	if resp := decodeResponse(t, post(t, a, at, signed(t, testNow, at))); resp.Type != 4 {
		t.Fatalf("a body of exactly %d bytes answered %+v", maxBody, resp)
	}
	over := pad(editFixture(t, "command_update.json", func(m map[string]any) { m["id"] = "1200000000000000050" }), maxBody+1)
	if rec := post(t, a, over, signed(t, testNow, over)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body of %d bytes: status %d, want 413", maxBody+1, rec.Code)
	}
	if n := len(fh.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1", n)
	}
}

// bodyWatch is a request body that counts what is read from it, and
// never ends.
type bodyWatch struct{ n int }

func (b *bodyWatch) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	b.n += len(p)
	return len(p), nil
}

func (b *bodyWatch) Close() error { return nil }

// A Content-Length over the cap is refused before a byte is read; a body
// with no length (chunked) is read to one byte past the cap and no
// further. Both are 413. An unsigned request is 401 whatever its length,
// and unread.
func TestLyingContentLengthIs413Unread(t *testing.T) {
	a := newAdapter(t, &fakeHandler{}, nil, nil)
	mux := http.NewServeMux()
	a.Routes(mux)
	send := func(h http.Header, length int64) (int, int) {
		body := &bodyWatch{}
		r := httptest.NewRequest(http.MethodPost, "/discord/interactions", nil)
		r.Body, r.ContentLength = body, length
		for k, v := range h {
			r.Header[k] = v
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec.Code, body.n
	}
	good := signed(t, testNow, fixture(t, "ping.json"))
	for _, length := range []int64{maxBody + 1, 1 << 40} {
		if code, n := send(good, length); code != http.StatusRequestEntityTooLarge || n != 0 {
			t.Errorf("Content-Length %d: status %d, %d bytes read", length, code, n)
		}
		if code, n := send(http.Header{}, length); code != http.StatusUnauthorized || n != 0 {
			t.Errorf("unsigned, Content-Length %d: status %d, %d bytes read", length, code, n)
		}
	}
	if code, n := send(good, -1); code != http.StatusRequestEntityTooLarge || n > maxBody+1 {
		t.Errorf("no Content-Length: status %d, %d bytes read, want 413 after at most %d", code, n, maxBody+1)
	}
}

// Over a real connection, an interaction announcing a huge body is
// answered 413 at once, without the server waiting for the body.
func TestHugeContentLengthAnsweredBeforeTheBody(t *testing.T) {
	a := newAdapter(t, &fakeHandler{}, nil, nil)
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := fixture(t, "ping.json")
	h := signed(t, testNow, body)
	fmt.Fprintf(conn, "POST /discord/interactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
		"X-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %s\r\nContent-Length: %d\r\n\r\n%s",
		h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp"), 1<<30, body)
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

// The cap holds what Discord genuinely sends: a button, or a form opened
// from one, carries the message it is on, and the longest message we
// render, whatever its characters and however Discord escapes them,
// fits with room for the rest of the interaction.
func TestBodyCapHoldsWhatDiscordEchoes(t *testing.T) {
	member := map[string]any{"user": map[string]any{"id": "555000222", "username": strings.Repeat("u", 32), "global_name": strings.Repeat("🟢", 32)},
		"roles": strings.Split(strings.Repeat("123456789012345678,", 250), ","), "nick": strings.Repeat("🟢", 32), "permissions": "1071698660929"}
	for _, ch := range []string{"é", "▓", "🟢", "\"", "<", bot.UserText("*")} {
		var blocks []bot.Block
		blocks = append(blocks, bot.Block{Text: strings.Repeat(ch+" ", 1500)})
		for i := range 60 {
			var bs []bot.Button
			for j := range 5 {
				bs = append(bs, bot.Button{Label: strings.Repeat(ch, maxButtonLabel), Command: fmt.Sprintf("update eds/%d.%d %s", i, j, strings.Repeat(ch, 60))})
			}
			blocks = append(blocks, bot.Block{Title: strings.Repeat(ch, 200), Text: strings.Repeat(ch+" ", 500), Buttons: bs,
				Fields: []bot.Field{{Name: strings.Repeat(ch, 50), Value: strings.Repeat(ch, 300)}}})
		}
		for _, dm := range []string{"", "812345678901234567"} {
			for i, m := range render(bot.Reply{Blocks: blocks}, dm) {
				ix := map[string]any{"type": 3, "id": "1200000000000000005", "token": strings.Repeat("t", 200), "member": member,
					"message": map[string]any{"content": m.Content, "embeds": m.Embeds, "components": m.Components},
					"data":    map[string]any{"component_type": 2, "custom_id": strings.Repeat(ch, maxCustomID)}}
				for _, js := range jsonforms.Both(t, ix) {
					if len(js) > maxBody {
						t.Errorf("%q: a button on message %d arrives as %d bytes; the cap is %d", ch, i, len(js), maxBody)
					}
				}
			}
		}
	}
}
