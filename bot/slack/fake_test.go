package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// apiCall is one request the fake Web API received.
type apiCall struct {
	Method string
	Form   url.Values     // form-encoded calls
	JSON   map[string]any // JSON calls (views.open, views.publish)
}

// fakeSlack is an httptest Web API. Handlers are per method; a method
// without one answers {"ok":true} plus a plausible result.
type fakeSlack struct {
	srv *httptest.Server
	mu  sync.Mutex
	log []apiCall
	// handle, when set, may answer a call itself and return true.
	handle func(w http.ResponseWriter, c apiCall, n int) bool
	admins map[string]bool
	// names are display names users.info gives; a user without one
	// gets "Name <id>".
	names map[string]string
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{admins: map[string]bool{}, names: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	c := apiCall{Method: strings.TrimPrefix(r.URL.Path, "/")}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.log = append(f.log, c)
	n := 0
	for _, p := range f.log {
		if p.Method == c.Method {
			n++
		}
	}
	handle := f.handle
	f.mu.Unlock()
	if handle != nil && handle(w, c, n) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch c.Method {
	case "users.info":
		u := c.Form.Get("user")
		f.mu.Lock()
		admin := f.admins[u]
		name, ok := f.names[u]
		f.mu.Unlock()
		if !ok {
			name = "Name " + u
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": map[string]any{"id": u, "name": strings.ToLower(u), "is_admin": admin,
			"profile": map[string]any{"display_name": name, "real_name": "Real " + u}}})
	case "chat.postMessage":
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": "1700000000." + strconv.Itoa(100000+n)})
	case "conversations.open":
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}})
	default:
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
}

// calls returns the calls made to method so far.
func (f *fakeSlack) calls(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.log {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// hooks is a fake response_url endpoint: it records each posted JSON body.
type hooks struct {
	srv    *httptest.Server
	bodies chan map[string]any
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{bodies: make(chan map[string]any, 64)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		m["_path"] = r.URL.Path
		h.bodies <- m
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hooks) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m := <-h.bodies:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no post to response_url")
		return nil
	}
}

// recorder is a fake bot.Handler that records requests and answers with
// reply (or reply(req) when answer is set).
type recorder struct {
	commands.Language // the real command language: forms
	mu                sync.Mutex
	reqs              []bot.Request
	answer            func(bot.Request) bot.Reply
	delay             time.Duration
}

func (r *recorder) Handle(ctx context.Context, req bot.Request) bot.Reply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	if r.delay > 0 {
		time.Sleep(r.delay)
	}
	if r.answer != nil {
		return r.answer(req)
	}
	reply := bot.Say("ok: "+bot.Escape(req.Text), true)
	reply.Command = "help"
	return reply
}

func (r *recorder) requests() []bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Request(nil), r.reqs...)
}

// testClock is "now" for signed requests in tests.
var testClock = time.Unix(1531420618, 0)

func newTestAdapter(t *testing.T, f *fakeSlack, h bot.Handler, mod func(*Options)) *Adapter {
	t.Helper()
	opts := Options{
		SigningSecret: testSecret,
		BotToken:      "xoxb-test",
		APIURL:        f.srv.URL,
		Handler:       h,
		Now:           func() time.Time { return testClock },
		PostInterval:  time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Drain(ctx); err != nil {
			t.Error(err)
		}
	})
	return a
}

// signed builds a request signed as Slack would sign it at testClock.
func signed(path, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testClock.Unix(), 10))
	r.Header.Set("X-Slack-Signature", Sign(testSecret, testClock.Unix(), []byte(body)))
	return r
}

func serve(a *Adapter, r *http.Request) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	a.Routes(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// payloadForm wraps an interaction JSON as Slack posts it, pointing its
// response_url at the fake hooks server.
func payloadForm(t *testing.T, name, hooksURL string) string {
	t.Helper()
	js := strings.ReplaceAll(readFile(t, name), "https://hooks.slack.com", hooksURL)
	return url.Values{"payload": {js}}.Encode()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// posted returns chat.postMessage calls as payloads: their form fields,
// with blocks decoded from JSON, as checkLimits reads them.
func (f *fakeSlack) posted(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range f.calls("chat.postMessage") {
		out = append(out, formPayload(t, c.Form))
	}
	return out
}

// formPayload turns a form-encoded chat.postMessage into a payload map.
func formPayload(t *testing.T, form url.Values) map[string]any {
	t.Helper()
	p := map[string]any{}
	for k := range form {
		p[k] = form.Get(k)
	}
	if b := form.Get("blocks"); b != "" {
		var blocks []any
		if err := json.Unmarshal([]byte(b), &blocks); err != nil {
			t.Fatalf("blocks are not JSON: %v: %s", err, b)
		}
		p["blocks"] = blocks
	}
	return p
}

// say is a reply of one block of markup, with a command name.
func say(markup string, ephemeral bool) bot.Reply {
	r := bot.Say(markup, ephemeral)
	r.Command = "test"
	return r
}

// invocation makes the nth distinct invocation of a slash command form:
// Slack gives each its own trigger id, so each is signed differently and
// none is a replay of another.
func invocation(body string, n int) string {
	form, err := url.ParseQuery(body)
	if err != nil {
		panic(err)
	}
	form.Set("trigger_id", form.Get("trigger_id")+"."+strconv.Itoa(n))
	return form.Encode()
}
