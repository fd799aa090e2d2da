package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
)

// RFC 8032 test 1: the key pair signs requests as Discord would.
const (
	testSeed   = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	testPublic = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	testAppID  = "1100000000000000001"
)

var testNow = time.Unix(1763900000, 0)

func testPrivateKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	seed, err := hex.DecodeString(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// signed returns Discord's signature headers for body at ts.
func signed(t testing.TB, ts time.Time, body []byte) http.Header {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(testPrivateKey(t), append([]byte(stamp), body...))
	h := http.Header{}
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	h.Set("X-Signature-Timestamp", stamp)
	return h
}

// flip flips one bit of the signature in h.
func flip(h http.Header) http.Header {
	sig, _ := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	sig[10] ^= 0x01
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	return h
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeHandler records requests and answers with reply (or a default).
type fakeHandler struct {
	commands.Language // the real command language: registration, forms
	mu                sync.Mutex
	reqs              []bot.Request
	reply             func(bot.Request) bot.Reply
}

func (h *fakeHandler) Handle(_ context.Context, r bot.Request) bot.Reply {
	h.mu.Lock()
	h.reqs = append(h.reqs, r)
	h.mu.Unlock()
	if h.reply != nil {
		return h.reply(r)
	}
	reply := bot.Say("ok: "+bot.Escape(describe(r)), false)
	reply.Command = "test"
	return reply
}

// describe is a request in one line: its text, or its verb and named
// arguments in name order.
func describe(r bot.Request) string {
	if r.Verb == "" {
		return r.Text
	}
	parts := []string{r.Verb}
	for _, k := range slices.Sorted(maps.Keys(r.Args)) {
		parts = append(parts, k+"="+strconv.Quote(r.Args[k]))
	}
	return strings.Join(parts, " ")
}

func (h *fakeHandler) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

// completingHandler is a fakeHandler that also autocompletes.
type completingHandler struct {
	*fakeHandler
	complete func(ws, prefix string, limit int) []bot.Choice
}

func (h completingHandler) Complete(_ context.Context, ws, prefix string, limit int) []bot.Choice {
	return h.complete(ws, prefix, limit)
}

// recorded is one request that reached the fake Discord API.
type recorded struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

func (r recorded) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s: body %q: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

// fakeDiscord is a stand-in for Discord's REST API. answer, when set,
// writes the response; the default is 200 with "{}".
type fakeDiscord struct {
	*httptest.Server
	got    chan recorded
	answer func(w http.ResponseWriter, r recorded, n int)
	mu     sync.Mutex
	n      int
}

func newFakeDiscord(t testing.TB, answer func(w http.ResponseWriter, r recorded, n int)) *fakeDiscord {
	f := &fakeDiscord{got: make(chan recorded, 1000), answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := recorded{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body}
		f.mu.Lock()
		f.n++
		n := f.n
		f.mu.Unlock()
		f.got <- rec
		if f.answer != nil {
			f.answer(w, rec, n)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(f.Close)
	return f
}

// next waits for the next request to reach the fake API.
func (f *fakeDiscord) next(t testing.TB) recorded {
	t.Helper()
	select {
	case r := <-f.got:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no request reached the fake Discord API")
		return recorded{}
	}
}

// none checks that no (further) request reached the fake API.
func (f *fakeDiscord) none(t testing.TB) {
	t.Helper()
	select {
	case r := <-f.got:
		t.Fatalf("unexpected request %s %s: %s", r.Method, r.Path, r.Body)
	default:
	}
}

func newAdapter(t testing.TB, h bot.Handler, api *fakeDiscord, mod func(*Options)) *Adapter {
	t.Helper()
	opts := Options{
		PublicKey: testPublic, BotToken: "test-token", AppID: testAppID,
		Handler: h, Now: func() time.Time { return testNow },
	}
	if api != nil {
		opts.APIURL = api.URL
	} else {
		// A test that does not watch the API must not reach Discord
		// either: whatever it calls (a follow-up, a DM button's
		// membership check) is answered 200 here.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("{}"))
		}))
		t.Cleanup(srv.Close)
		opts.APIURL = srv.URL
	}
	if mod != nil {
		mod(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Drain(context.Background()) })
	return a
}

// post sends a signed interaction to the adapter's HTTP endpoint.
func post(t testing.TB, a *Adapter, body []byte, h http.Header) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	a.Routes(mux)
	req := httptest.NewRequest("POST", "/discord/interactions", bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// interactionResponse is the wire form of an interaction response, as
// Discord reads it.
type interactionResponse struct {
	Type int `json:"type"`
	Data struct {
		Content    string            `json:"content"`
		Flags      int               `json:"flags"`
		Embeds     []json.RawMessage `json:"embeds"`
		Components []json.RawMessage `json:"components"`
		Choices    []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
		CustomID string `json:"custom_id"`
		Title    string `json:"title"`
	} `json:"data"`
}

func decodeResponse(t testing.TB, rec *httptest.ResponseRecorder) interactionResponse {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var r interactionResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response %q: %v", rec.Body, err)
	}
	return r
}

func decodeInteraction(t testing.TB, body []byte) *discordgo.InteractionCreate {
	t.Helper()
	var ix discordgo.Interaction
	if err := json.Unmarshal(body, &ix); err != nil {
		t.Fatal(err)
	}
	return &discordgo.InteractionCreate{Interaction: &ix}
}

// withOptions replaces the update fixture's subcommand with sub and opts.
func withOptions(t testing.TB, sub string, opts []map[string]any) []byte {
	t.Helper()
	return editFixture(t, "command_update.json", func(m map[string]any) {
		m["data"].(map[string]any)["options"] = []map[string]any{{"name": sub, "type": 1, "options": opts}}
	})
}

func editFixture(t testing.TB, name string, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
