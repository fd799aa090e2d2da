package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

func TestButtonRunsCommandAsPresser(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	rec := &recorder{answer: func(r bot.Request) bot.Reply {
		return say("Snoozed `eds/1.1` until 2026-11-30", true)
	}}
	a := newTestAdapter(t, f, rec, nil)
	req := signed("/slack/interactions", payloadForm(t, "block_actions.json", h.srv.URL))
	w := serve(a, req)
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("ack: %d %q", w.Code, w.Body)
	}
	got := h.next(t)
	if got["text"] != "Snoozed eds/1.1 until 2026-11-30" || got["response_type"] != "ephemeral" || got["replace_original"] != false {
		t.Errorf("reply %v", got)
	}
	if txt := checkLimits(t, got); txt != "Snoozed `eds/1.1` until 2026-11-30\n" {
		t.Errorf("blocks say %q", txt)
	}
	reqs := rec.requests()
	want := bot.Request{Workspace: "slack:T1DC2JH3J", Channel: "C0LAN2Q65", User: "U2CERLKJA", UserName: "Name U2CERLKJA", // users.info's display name
		Text: "snooze eds/1.1 7d", ID: "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
		Once: "sig:" + req.Header.Get("X-Slack-Signature"), OnceFor: replayTTL}
	if len(reqs) != 1 || !reflect.DeepEqual(reqs[0], want) {
		t.Fatalf("requests %+v", reqs)
	}
}

// A button's reply longer than one message follows up through
// response_url in as many messages as it needs, in order.
func TestButtonLongReplyFollowsUpInParts(t *testing.T) {
	f := newFakeSlack(t)
	h := newHooks(t)
	var blocks []bot.Block
	for i := range 120 {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("target %03d", i)})
	}
	a := newTestAdapter(t, f, &recorder{answer: func(bot.Request) bot.Reply { return bot.Reply{Ephemeral: true, Blocks: blocks} }}, nil)
	serve(a, signed("/slack/interactions", payloadForm(t, "block_actions.json", h.srv.URL)))
	var text string
	for range 3 {
		m := h.next(t)
		text += checkLimits(t, m)
		if m["response_type"] != "ephemeral" || m["replace_original"] != false {
			t.Errorf("follow-up %v", m)
		}
	}
	var want string
	for i := range 120 {
		want += fmt.Sprintf("target %03d\n", i)
	}
	if text != want {
		t.Errorf("the follow-ups do not hold the reply in order")
	}
}

func TestFormButtonOpensModal(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	w := serve(a, signed("/slack/interactions", payloadForm(t, "block_actions_form.json", "https://hooks.slack.com")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if n := len(rec.requests()); n != 0 {
		t.Fatalf("a form button ran the command %d times before the form was filled", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	calls := f.calls("views.open")
	if len(calls) != 1 {
		t.Fatalf("views.open called %d times", len(calls))
	}
	c := calls[0].JSON
	if c["trigger_id"] != "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3" {
		t.Errorf("trigger_id %v", c["trigger_id"])
	}
	view := c["view"].(map[string]any)
	var meta formMeta
	if err := json.Unmarshal([]byte(view["private_metadata"].(string)), &meta); err != nil || meta != (formMeta{Command: "update eds/1.1", Channel: "C0LAN2Q65"}) {
		t.Errorf("private_metadata %v (%v)", view["private_metadata"], err)
	}
	if view["callback_id"] != formCallback || view["type"] != "modal" {
		t.Errorf("view %v", view)
	}
	u, _ := commands.Language{}.Command("update")
	note, _ := u.Arg("note")
	if note.MaxLen != 1000 {
		t.Errorf("update takes notes of %d characters", note.MaxLen)
	}
	kinds := map[string]string{}
	for _, b := range view["blocks"].([]any) {
		b := b.(map[string]any)
		if b["type"] == "input" {
			if b["optional"] != true {
				t.Errorf("block %v is not optional", b["block_id"])
			}
			el := b["element"].(map[string]any)
			kinds[b["block_id"].(string)] = el["type"].(string)
			if b["block_id"] == "progress" && (el["min_value"] != "0" || el["max_value"] != "100") {
				t.Errorf("progress bounds %v", el)
			}
			if b["block_id"] == "status" && len(el["options"].([]any)) != 5 {
				t.Errorf("status options %v", el["options"])
			}
			// The note allows exactly what the command layer keeps.
			if b["block_id"] == "note" && el["max_length"] != float64(note.MaxLen) {
				t.Errorf("note max_length %v, the update verb takes %d", el["max_length"], note.MaxLen)
			}
		}
	}
	want := map[string]string{"progress": "number_input", "status": "static_select", "note": "plain_text_input"}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("block %s is %q, want %q", k, kinds[k], v)
		}
	}
}

func TestViewSubmission(t *testing.T) {
	cases := []struct {
		name       string
		reply      bot.Reply
		wantErrors map[string]any // nil: success, modal closes
	}{
		{"success posts in channel", say("🟠 `eds/1.1`: 40%, at-risk", false), nil},
		{"progress error", failed("invalid", "progress", "progress must be 0 to 100"),
			map[string]any{"progress": "progress must be 0 to 100"}},
		{"status error", failed("invalid", "status", "a done target is at 100%"),
			map[string]any{"status": "a done target is at 100%"}},
		{"other error goes under note", failed("forbidden", "target", "only the owner can update this"),
			map[string]any{"note": "only the owner can update this"}},
		{"long error is cut visibly", failed("invalid", "note", strings.Repeat("too long ", 30)),
			map[string]any{"note": strings.TrimSpace(strings.Repeat("too long ", 30)[:maxFormError-1]) + "…"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeSlack(t)
			rec := &recorder{answer: func(bot.Request) bot.Reply { return c.reply }}
			a := newTestAdapter(t, f, rec, nil)
			w := serve(a, signed("/slack/interactions", payloadForm(t, "view_submission.json", "https://hooks.slack.com")))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			reqs := rec.requests()
			want := map[string]string{"target": "eds/1.1", "progress": "40", "status": "at-risk", "note": "Held two listening events"}
			if len(reqs) != 1 || reqs[0].Verb != "update" || !reflect.DeepEqual(reqs[0].Args, want) || reqs[0].Text != "" || reqs[0].Channel != "C0LAN2Q65" {
				t.Fatalf("requests %+v", reqs)
			}
			if c.wantErrors == nil {
				if w.Body.Len() != 0 {
					t.Fatalf("success should close the modal with an empty body, got %q", w.Body)
				}
				deadline := time.Now().Add(5 * time.Second)
				for len(f.calls("chat.postMessage")) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				posts := f.calls("chat.postMessage")
				if len(posts) != 1 || posts[0].Form.Get("channel") != "C0LAN2Q65" || posts[0].Form.Get("text") != "🟠 eds/1.1: 40%, at-risk" {
					t.Fatalf("posts %+v", posts)
				}
				return
			}
			m := decode(t, w.Body.Bytes())
			if m["response_action"] != "errors" {
				t.Fatalf("response %v", m)
			}
			errs := m["errors"].(map[string]any)
			if len(errs) != len(c.wantErrors) {
				t.Fatalf("errors %v, want %v", errs, c.wantErrors)
			}
			for k, v := range c.wantErrors {
				if errs[k] != v {
					t.Errorf("errors[%s] = %v, want %v", k, errs[k], v)
				}
			}
			if n := len(f.calls("chat.postMessage")); n != 0 {
				t.Errorf("an error posted %d messages", n)
			}
		})
	}
}

// failed is an error reply about a field.
func failed(code, field, msg string) bot.Reply {
	r := bot.Say(msg, true)
	r.Code, r.Field = code, field
	return r
}

func TestFormAnswers(t *testing.T) {
	ic, err := parseInteraction([]byte(payloadForm(t, "view_submission.json", "")))
	if err != nil {
		t.Fatal(err)
	}
	st := ic.View.State
	form, _ := commands.Language{}.Form("update eds/1.1")
	want := map[string]string{"progress": "40", "status": "at-risk", "note": "Held two listening events"}
	if got := formAnswers(form, st); !reflect.DeepEqual(got, want) {
		t.Errorf("all answers: %v", got)
	}
	delete(st.Values, "progress")
	delete(st.Values, "note")
	verb, args, ok := commands.Language{}.FormArgs("update eds/1.1", formAnswers(form, st))
	if !ok || verb != "update" || !reflect.DeepEqual(args, map[string]string{"target": "eds/1.1", "status": "at-risk"}) {
		t.Errorf("status only: %q %v %v", verb, args, ok)
	}
	if got := formAnswers(form, nil); len(got) != 0 {
		t.Errorf("no state: %v", got)
	}
}

// A form's answers reach the command layer as named arguments, so they do
// what the same update typed with `--` before the note does: a note that
// reads like a status stays a note.
func TestViewSubmissionRunsAsTyped(t *testing.T) {
	run := func(t *testing.T, req func(*Adapter, *commands.Handler) bot.Reply) (bot.Reply, framework.Target, framework.Update) {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		fws, err := catalog.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { return now }})
		if r := h.Handle(t.Context(), bot.Request{Workspace: "slack:T1DC2JH3J", User: "UADMIN", PlatformAdmin: true, Text: "import eds"}); r.Code != "" {
			t.Fatal(r.Text())
		}
		var replies []bot.Reply
		a := newTestAdapter(t, newFakeSlack(t), &recorder{answer: func(r bot.Request) bot.Reply {
			reply := h.Handle(t.Context(), r)
			replies = append(replies, reply)
			return reply
		}}, nil)
		reply := req(a, h)
		if reply.Text() == "" && len(replies) == 1 {
			reply = replies[0]
		}
		tg, err := st.Target(t.Context(), "slack:T1DC2JH3J", "eds/1.1")
		if err != nil {
			t.Fatal(err)
		}
		us, err := st.Updates(t.Context(), "slack:T1DC2JH3J", "eds/1.1", 1)
		if err != nil || len(us) != 1 {
			t.Fatalf("updates %+v, %v", us, err)
		}
		return reply, tg, us[0]
	}
	form, formTarget, formUpdate := run(t, func(a *Adapter, _ *commands.Handler) bot.Reply {
		body := strings.Replace(payloadForm(t, "view_submission.json", "https://hooks.slack.com"), "Held+two+listening+events", "on-track", 1)
		if w := serve(a, signed("/slack/interactions", body)); w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("form answered %d %q", w.Code, w.Body)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		return bot.Reply{}
	})
	typed, typedTarget, typedUpdate := run(t, func(_ *Adapter, h *commands.Handler) bot.Reply {
		return h.Handle(t.Context(), bot.Request{Workspace: "slack:T1DC2JH3J", Channel: "C0LAN2Q65", User: "U2CERLKJA", UserName: "roadrunner",
			Text: "update eds/1.1 40% at-risk -- on-track"})
	})
	if !reflect.DeepEqual(form, typed) {
		t.Errorf("form answered %+v\ntyped answered %+v", form, typed)
	}
	if formTarget.Progress != 40 || formTarget.Status != framework.AtRisk || formUpdate.Note != "on-track" ||
		!reflect.DeepEqual(formTarget, typedTarget) || formUpdate.Note != typedUpdate.Note {
		t.Errorf("form left %+v %q\ntyped left %+v %q", formTarget, formUpdate.Note, typedTarget, typedUpdate.Note)
	}
}

// Slack wants the interaction acknowledged within 3 s; views.open may
// take as long itself, so it must not hold the acknowledgement.
func TestFormButtonAcksBeforeSlowViewsOpen(t *testing.T) {
	f := newFakeSlack(t)
	release := make(chan struct{})
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "views.open" {
			<-release
		}
		return false
	}
	a := newTestAdapter(t, f, &recorder{}, nil)
	done := make(chan int, 1)
	go func() {
		done <- serve(a, signed("/slack/interactions", payloadForm(t, "block_actions_form.json", "https://hooks.slack.com"))).Code
	}()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	case <-time.After(time.Second):
		t.Error("acknowledgement waited for views.open")
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(f.calls("views.open")); n != 1 {
		t.Errorf("views.open called %d times", n)
	}
}
