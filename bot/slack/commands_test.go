package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	return m
}

func TestCommandReplies(t *testing.T) {
	for _, c := range []struct {
		name      string
		ephemeral bool
		want      string
		owner     string // how the owner field reads
	}{
		// Only the requester sees a query, so the owner is a mention;
		// an update is seen by the channel, so the owner is named
		// without being notified.
		{"query is ephemeral", true, "ephemeral", "*Owner*\n<@U2CERLKJA>"},
		{"update is in channel", false, "in_channel", "*Owner*\n@Road Runner"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSlack(t)
			f.names["U2CERLKJA"] = "Road Runner"
			rec := &recorder{answer: func(r bot.Request) bot.Reply {
				return bot.Reply{Ephemeral: c.ephemeral, Command: "update",
					Blocks: []bot.Block{{Title: "eds/1.1 Data", Text: "🟢 on-track, 40%", Fields: []bot.Field{{Name: "Owner", Value: "<@U2CERLKJA>", Inline: true}}}}}
			}}
			a := newTestAdapter(t, f, rec, nil)
			req := signed("/slack/commands", readFile(t, "command_update.form"))
			w := serve(a, req)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			m := decode(t, w.Body.Bytes())
			checkLimits(t, m)
			if m["response_type"] != c.want {
				t.Errorf("response_type %v, want %s", m["response_type"], c.want)
			}
			if m["text"] != "eds/1.1 Data" {
				t.Errorf("text fallback %v", m["text"])
			}
			blocks, _ := m["blocks"].([]any)
			if len(blocks) != 1 {
				t.Fatalf("blocks %v", m["blocks"])
			}
			sec := blocks[0].(map[string]any)
			if sec["type"] != "section" || sec["text"].(map[string]any)["text"] != "*eds/1.1 Data*\n🟢 on-track, 40%" || sec["text"].(map[string]any)["verbatim"] != true {
				t.Errorf("section %v", sec)
			}
			if fields, _ := sec["fields"].([]any); len(fields) != 1 || fields[0].(map[string]any)["text"] != c.owner {
				t.Errorf("fields %v, want %q", sec["fields"], c.owner)
			}
			// One users.info answers both the admin check and the name.
			if n := len(f.calls("users.info")); n != 1 {
				t.Errorf("users.info called %d times, want 1", n)
			}
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("handler ran %d times", len(reqs))
			}
			// The name is the display name users.info gives, not the
			// payload's user_name handle.
			want := bot.Request{Workspace: "slack:T1DC2JH3J", Channel: "C0LAN2Q65", User: "U2CERLKJA", UserName: "Road Runner",
				Text: "update eds/1.1 40% on-track Held two listening events", ID: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
				Once: "sig:" + req.Header.Get("X-Slack-Signature"), OnceFor: replayTTL}
			if !reflect.DeepEqual(reqs[0], want) {
				t.Errorf("request\n got %+v\nwant %+v", reqs[0], want)
			}
		})
	}
}

// An ephemeral reply names nobody without notifying them, so it asks
// users.info nothing beyond the requester's admin check.
func TestEphemeralReplyLooksUpNoNames(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{answer: func(r bot.Request) bot.Reply {
		return say("owners: <@U0AAA>, <@U0BBB>, <@U0CCC>", true)
	}}
	a := newTestAdapter(t, f, rec, nil)
	w := serve(a, signed("/slack/commands", readFile(t, "command_update.form")))
	m := decode(t, w.Body.Bytes())
	if txt := m["blocks"].([]any)[0].(map[string]any)["text"].(map[string]any)["text"]; txt != "owners: <@U0AAA>, <@U0BBB>, <@U0CCC>" {
		t.Errorf("text %v", txt)
	}
	if calls := f.calls("users.info"); len(calls) != 1 || calls[0].Form.Get("user") != "U2CERLKJA" {
		t.Errorf("users.info calls %+v, want only the requester's admin check", calls)
	}
}

// A reply longer than one message: the first is the HTTP answer, the
// rest follow through response_url, in order, with the same
// response_type, and together they hold every line.
func TestLongCommandReplyFollowsUpInOrder(t *testing.T) {
	for _, ephemeral := range []bool{true, false} {
		f := newFakeSlack(t)
		h := newHooks(t)
		var lines []string
		for i := range 700 {
			lines = append(lines, fmt.Sprintf("line %03d of a long list of targets", i))
		}
		rec := &recorder{answer: func(r bot.Request) bot.Reply {
			return bot.Reply{Ephemeral: ephemeral, Blocks: []bot.Block{{Title: "All targets (700)", Text: strings.Join(lines, "\n")}}}
		}}
		a := newTestAdapter(t, f, rec, nil)
		w := serve(a, signed("/slack/commands", hooksForm(t, h)))
		first := decode(t, w.Body.Bytes())
		msgs := []map[string]any{first}
		for len(msgs) < 3 {
			msgs = append(msgs, h.next(t))
		}
		if err := a.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		select {
		case extra := <-h.bodies:
			t.Fatalf("a 4th message: %v", extra["text"])
		default:
		}
		var got []string
		want := responseType(bot.Reply{Ephemeral: ephemeral})
		for i, m := range msgs {
			got = append(got, strings.Split(strings.TrimSuffix(checkLimits(t, m), "\n"), "\n")...)
			if m["response_type"] != want {
				t.Errorf("message %d: response_type %v, want %s", i, m["response_type"], want)
			}
			if i > 0 && m["replace_original"] != false {
				t.Errorf("follow-up %d would replace the original", i)
			}
		}
		if strings.Join(got, "\n") != "*All targets (700)*\n"+strings.Join(lines, "\n") {
			t.Errorf("ephemeral %v: the messages do not hold every line in order (%d lines)", ephemeral, len(got))
		}
	}
}

// response_url takes five follow-ups: without a bot token to post the
// rest with, a reply longer than the answer and five follow-ups ends
// with a message saying how many more there were.
func TestCommandReplyOverFollowUpLimitSaysSo(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	var blocks []bot.Block
	for i := range 8 * maxBlocks {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("target %d", i)})
	}
	rec := &recorder{answer: func(r bot.Request) bot.Reply { return bot.Reply{Ephemeral: true, Blocks: blocks} }}
	a := newTestAdapter(t, f, rec, func(o *Options) { o.BotToken = "" })
	serve(a, signed("/slack/commands", hooksForm(t, h)))
	var last map[string]any
	for range maxResponseURLUses {
		last = h.next(t)
		checkLimits(t, last)
	}
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(h.bodies) != 0 {
		t.Fatalf("%d more follow-ups than response_url allows", len(h.bodies))
	}
	if txt, _ := last["text"].(string); !strings.Contains(txt, "3 more messages did not fit") {
		t.Errorf("last follow-up %q does not say what was left out", txt)
	}
}

// hooksForm is the slash command fixture with its response_url pointing
// at h.
func hooksForm(t *testing.T, h *hooks) string {
	return strings.ReplaceAll(readFile(t, "command_update.form"), "https%3A%2F%2Fhooks.slack.com", strings.ReplaceAll(h.srv.URL, ":", "%3A"))
}

func TestSlowCommandFollowsUp(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	// The handler outlasts the answer's deadline by far, so a loaded
	// machine cannot make the answer look as if it waited.
	rec := &recorder{delay: 1500 * time.Millisecond, answer: func(r bot.Request) bot.Reply {
		return say("digest posted", false)
	}}
	a := newTestAdapter(t, f, rec, func(o *Options) { o.FollowUpAfter = 50 * time.Millisecond })
	body := hooksForm(t, h)
	start := time.Now()
	w := serve(a, signed("/slack/commands", body))
	if d := time.Since(start); d > time.Second {
		t.Errorf("answered after %v; should not wait for the handler", d)
	}
	m := decode(t, w.Body.Bytes())
	if m["response_type"] != "ephemeral" || m["text"] != workingText {
		t.Fatalf("interim answer %v", m)
	}
	got := h.next(t)
	if got["text"] != "digest posted" || got["response_type"] != "in_channel" || got["replace_original"] != false {
		t.Errorf("follow-up %v", got)
	}
	if got["_path"] != "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN" {
		t.Errorf("follow-up went to %v", got["_path"])
	}
}

func TestPlatformAdminFromUsersInfoIsCached(t *testing.T) {
	f := newFakeSlack(t)
	f.admins["U2CERLKJA"] = true
	rec := &recorder{}
	now := testClock
	a := newTestAdapter(t, f, rec, func(o *Options) {
		o.Now = func() time.Time { return now }
		o.AdminCacheTTL = time.Minute
	})
	body := readFile(t, "command_update.form")
	for i := range 3 {
		serve(a, signed("/slack/commands", invocation(body, i)))
	}
	for i, r := range rec.requests() {
		if !r.PlatformAdmin {
			t.Errorf("request %d: PlatformAdmin false for a workspace admin", i)
		}
	}
	if n := len(f.calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1 (cached)", n)
	}
	// After the TTL the answer is asked again, and a demotion shows.
	f.mu.Lock()
	f.admins["U2CERLKJA"] = false
	f.mu.Unlock()
	now = now.Add(2 * time.Minute)
	w := signed("/slack/commands", body)
	w.Header.Set("X-Slack-Request-Timestamp", "1531420738")
	w.Header.Set("X-Slack-Signature", Sign(testSecret, 1531420738, []byte(body)))
	serve(a, w)
	reqs := rec.requests()
	if reqs[len(reqs)-1].PlatformAdmin {
		t.Error("stale admin flag after TTL")
	}
	if n := len(f.calls("users.info")); n != 2 {
		t.Errorf("users.info called %d times, want 2", n)
	}
}

func TestUsersInfoFailureMeansNotAdmin(t *testing.T) {
	f := newFakeSlack(t)
	f.admins["U2CERLKJA"] = true
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "users.info" {
			_, _ = w.Write([]byte(`{"ok":false,"error":"missing_scope"}`))
			return true
		}
		return false
	}
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	for i := range 2 {
		if w := serve(a, signed("/slack/commands", invocation(readFile(t, "command_update.form"), i))); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	}
	if r := rec.requests(); len(r) != 2 || r[0].PlatformAdmin || r[1].PlatformAdmin {
		t.Fatalf("requests %+v", r)
	}
	// A failing Web API is not asked again on every command.
	if n := len(f.calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1 (failure cached)", n)
	}
}

func TestNoBotTokenAsksNoOne(t *testing.T) {
	f := newFakeSlack(t)
	f.admins["U2CERLKJA"] = true
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, func(o *Options) { o.BotToken = "" })
	if w := serve(a, signed("/slack/commands", readFile(t, "command_update.form"))); w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if r := rec.requests(); len(r) != 1 || r[0].PlatformAdmin {
		t.Fatalf("requests %+v", r)
	}
	if n := len(f.calls("users.info")); n != 0 {
		t.Errorf("users.info called %d times without a bot token", n)
	}
}

func TestCommandMissingTeamIs400(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	w := serve(a, signed("/slack/commands", "command=%2Ftarget&text=help"))
	if w.Code != http.StatusBadRequest || len(rec.requests()) != 0 {
		t.Fatalf("status %d, handler runs %d", w.Code, len(rec.requests()))
	}
}

func TestHandlerPanicIsInternalError(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply { panic("boom") }), nil)
	w := serve(a, signed("/slack/commands", readFile(t, "command_update.form")))
	m := decode(t, w.Body.Bytes())
	if m["response_type"] != "ephemeral" || !strings.Contains(m["text"].(string), "went wrong") {
		t.Fatalf("answer %v", m)
	}
}

func TestEmptyReplyIsEmpty200(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{answer: func(bot.Request) bot.Reply { return bot.Reply{} }}, nil)
	w := serve(a, signed("/slack/commands", readFile(t, "command_update.form")))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("status %d body %q", w.Code, w.Body)
	}
}

// Without a name from users.info (no bot token, or the call failing), a
// user an in-channel reply refers to is named by id, as plain text:
// never a live mention.
func TestNamesFallBackToIDs(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*fakeSlack, *Options)
	}{
		{"no bot token", func(_ *fakeSlack, o *Options) { o.BotToken = "" }},
		{"users.info fails", func(f *fakeSlack, _ *Options) {
			f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
				if c.Method == "users.info" {
					_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
					return true
				}
				return false
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSlack(t)
			rec := &recorder{answer: func(bot.Request) bot.Reply { return say("assigned to <@U0OWNER> by <@U2CERLKJA>", false) }}
			a := newTestAdapter(t, f, rec, func(o *Options) { c.mod(f, o) })
			m := decode(t, serve(a, signed("/slack/commands", readFile(t, "command_update.form"))).Body.Bytes())
			if txt := checkLimits(t, m); txt != "assigned to @U0OWNER by @U2CERLKJA\n" {
				t.Errorf("text %q", txt)
			}
			// The request is named by the payload's user_name instead.
			if reqs := rec.requests(); len(reqs) != 1 || reqs[0].UserName != "roadrunner" {
				t.Errorf("requests %+v, want one named roadrunner", reqs)
			}
		})
	}
}
