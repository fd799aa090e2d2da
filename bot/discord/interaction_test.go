package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

func opt(name string, typ int, value any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": value}
}

type args = map[string]string

// TestCommandOptionsAreNamedArgs checks every verb's typed options reach
// the command layer as its named arguments, whatever order the user
// filled them in, and never as text to parse again.
func TestCommandOptionsAreNamedArgs(t *testing.T) {
	const str, integer, boolean, user = 3, 4, 5, 6
	cases := []struct {
		sub  string
		opts []map[string]any
		want args
		text string // the same command typed
	}{
		{"update", []map[string]any{opt("note", str, "Board signed off"), opt("progress", integer, 40), opt("target", str, "eds/1.1"), opt("status", str, "on-track")},
			args{"target": "eds/1.1", "progress": "40", "status": "on-track", "note": "Board signed off"}, "update eds/1.1 40% on-track -- Board signed off"},
		{"update", []map[string]any{opt("target", str, "eds/1.1"), opt("status", str, "done")}, args{"target": "eds/1.1", "status": "done"}, "update eds/1.1 done"},
		{"update", []map[string]any{opt("target", str, "5.2"), opt("progress", integer, 0)}, args{"target": "5.2", "progress": "0"}, "update 5.2 0%"},
		{"update", []map[string]any{opt("target", str, "5.2"), opt("note", str, "on-track")}, args{"target": "5.2", "note": "on-track"}, "update 5.2 -- on-track"},
		{"update", []map[string]any{opt("target", str, "5.2"), opt("note", str, "40% of staff said on-track")}, args{"target": "5.2", "note": "40% of staff said on-track"}, "update 5.2 -- 40% of staff said on-track"},
		{"rate", []map[string]any{opt("grade", str, "achieving"), opt("target", str, "eds/2.1")}, args{"target": "eds/2.1", "grade": "achieving"}, "rate eds/2.1 achieving"},
		{"assign", []map[string]any{opt("user", user, "555000333"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "user": "555000333"}, "assign eds/1.1 <@555000333>"},
		{"due", []map[string]any{opt("target", str, "eds/1.1"), opt("date", str, "2026-03-31")}, args{"target": "eds/1.1", "date": "2026-03-31"}, "due eds/1.1 2026-03-31"},
		{"due", []map[string]any{opt("target", str, "eds/1.1"), opt("date", str, "none")}, args{"target": "eds/1.1", "date": "none"}, "due eds/1.1 none"},
		{"list", nil, args{}, "list"},
		{"list", []map[string]any{opt("filter", str, "overdue")}, args{"filter": "overdue"}, "list overdue"},
		{"show", []map[string]any{opt("target", str, "nhse-2024-26/5.2")}, args{"target": "nhse-2024-26/5.2"}, "show nhse-2024-26/5.2"},
		{"history", []map[string]any{opt("count", integer, 3), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "count": "3"}, "history eds/1.1 3"},
		{"history", []map[string]any{opt("target", str, "eds/1.1")}, args{"target": "eds/1.1"}, "history eds/1.1"},
		{"snooze", []map[string]any{opt("reason", str, "waiting for survey"), opt("until", str, "2w"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "until": "2w", "reason": "waiting for survey"}, "snooze eds/1.1 2w waiting for survey"},
		{"snooze", []map[string]any{opt("target", str, "eds/1.1"), opt("until", str, "2026-12-01")}, args{"target": "eds/1.1", "until": "2026-12-01"}, "snooze eds/1.1 2026-12-01"},
		{"add", []map[string]any{opt("title", str, "Staff network chairs"), opt("code", str, "1.9"), opt("objective", str, "eds/1")}, args{"objective": "eds/1", "code": "1.9", "title": "Staff network chairs"}, "add eds/1 1.9 Staff network chairs"},
		{"import", []map[string]any{opt("framework", str, "eds")}, args{"framework": "eds"}, "import eds"},
		{"digest", []map[string]any{opt("action", str, "here")}, args{"action": "here"}, "digest here"},
		{"digest", []map[string]any{opt("cron", str, "0 8 * * FRI"), opt("action", str, "here")}, args{"action": "here", "cron": "0 8 * * FRI"}, "digest here 0 8 * * FRI"},
		{"digest", []map[string]any{opt("action", str, "off")}, args{"action": "off"}, "digest off"},
		{"digest", []map[string]any{opt("action", str, "now")}, args{"action": "now"}, "digest now"},
		{"assign", []map[string]any{opt("target", str, "eds/1.1"), opt("unassign", boolean, true)}, args{"target": "eds/1.1", "unassign": "true"}, "assign eds/1.1 none"},
		{"assign", []map[string]any{opt("target", str, "eds/1.1"), opt("user", user, "555000333"), opt("unassign", boolean, false)}, args{"target": "eds/1.1", "user": "555000333", "unassign": "false"}, "assign eds/1.1 <@555000333>"},
		{"rate", []map[string]any{opt("target", str, "eds/2.1"), opt("grade", str, "none")}, args{"target": "eds/2.1", "grade": "none"}, "rate eds/2.1 none"},
		{"reminders", nil, args{}, "reminders"},
		{"reminders", []map[string]any{opt("cron", str, "0 10 * * MON-FRI")}, args{"cron": "0 10 * * MON-FRI"}, "reminders 0 10 * * MON-FRI"},
		{"timezone", nil, args{}, "timezone"},
		{"timezone", []map[string]any{opt("name", str, "Europe/London")}, args{"name": "Europe/London"}, "timezone Europe/London"},
		{"help", nil, args{}, "help"},
		{"help", []map[string]any{opt("verb", str, "update")}, args{"verb": "update"}, "help update"},
		{"frameworks", nil, args{}, "frameworks"},
		{"undo", nil, args{}, "undo"},
		{"edit", []map[string]any{opt("title", str, "Staff networks meet monthly"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "title": "Staff networks meet monthly"}, "edit eds/1.1 Staff networks meet monthly"},
		{"archive", []map[string]any{opt("target", str, "eds/1.1")}, args{"target": "eds/1.1"}, "archive eds/1.1"},
		{"restore", []map[string]any{opt("target", str, "eds/1.1")}, args{"target": "eds/1.1"}, "restore eds/1.1"},
		{"evidence", []map[string]any{opt("title", str, "Board paper"), opt("url", str, "https://nhs.uk/p.pdf"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "url": "https://nhs.uk/p.pdf", "title": "Board paper"}, "evidence eds/1.1 https://nhs.uk/p.pdf Board paper"},
		{"cycle", nil, args{}, "cycle"},
		{"report", nil, args{}, "report"},
		{"org", nil, args{}, "org"},
		{"publish-check", nil, args{}, "publish-check"},
		{"report", []map[string]any{opt("cycle", str, "2026/27"), opt("framework", str, "eds")}, args{"framework": "eds", "cycle": "2026/27"}, "report eds 2026/27"},
		{"cycle", []map[string]any{opt("action", str, "start"), opt("cycle", str, "2027/28")}, args{"action": "start", "cycle": "2027/28"}, "cycle start 2027/28"},
		{"admins", nil, args{}, "admins"},
		{"admins", []map[string]any{opt("user", user, "555000333"), opt("action", str, "add")}, args{"action": "add", "user": "555000333"}, "admins add <@555000333>"},
		{"vote", []map[string]any{opt("grade", str, "achieving"), opt("target", str, "eds/2.1")}, args{"target": "eds/2.1", "grade": "achieving"}, "vote eds/2.1 achieving"},
		{"panel", []map[string]any{opt("action", str, "open"), opt("rest", str, "eds/2")}, args{"action": "open", "rest": "eds/2"}, "panel open eds/2"},
		{"service", nil, args{}, "service"},
		{"people", nil, args{}, "people"},
		{"people", []map[string]any{opt("person", str, "Amy Khan | EDI lead"), opt("user", user, "555000333"), opt("action", str, "set")}, args{"action": "set", "user": "555000333", "person": "Amy Khan | EDI lead"}, "people set <@555000333> Amy Khan | EDI lead"},
		{"use", nil, args{}, "use"},
		{"measure", []map[string]any{opt("settings", str, "percent baseline 30 2025 goal 20"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "settings": "percent baseline 30 2025 goal 20"}, "measure eds/1.1 percent baseline 30 2025 goal 20"},
		{"record", []map[string]any{opt("value", str, "25 staff survey"), opt("period", str, "2026"), opt("target", str, "eds/1.1")}, args{"target": "eds/1.1", "period": "2026", "value": "25 staff survey"}, "record eds/1.1 2026 25 staff survey"},
		{"trend", []map[string]any{opt("target", str, "eds/1.1")}, args{"target": "eds/1.1"}, "trend eds/1.1"},
		{"action", []map[string]any{opt("action", str, "list"), opt("ref", str, "mine")}, args{"action": "list", "ref": "mine"}, "action list mine"},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.sub] = true
		t.Run(c.sub+" "+fmt.Sprint(c.want), func(t *testing.T) {
			fh := &fakeHandler{}
			a := newAdapter(t, fh, nil, nil)
			body := withOptions(t, c.sub, c.opts)
			decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
			reqs := fh.requests()
			if len(reqs) != 1 || reqs[0].Verb != c.sub || reqs[0].Text != "" || !reflect.DeepEqual(reqs[0].Args, map[string]string(c.want)) {
				t.Fatalf("handler got %+v, want verb %q with args %v", reqs, c.sub, c.want)
			}

			// Through the real command layer, the options do what the
			// typed command does.
			structured := newCommandEnv(t)
			a = newAdapter(t, structured, nil, nil)
			decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
			// A command slower than the deferral runs on after the answer.
			if err := a.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			typed := newCommandEnv(t)
			req := reqs[0]
			req.Verb, req.Args, req.Text = "", nil, c.text
			typed.Handle(t.Context(), req)
			if len(structured.replies) != 1 || !reflect.DeepEqual(structured.replies, typed.replies) {
				t.Errorf("options answered %+v\ntyped %q answered %+v", structured.replies, c.text, typed.replies)
			}
			if s, ty := structured.state(t), typed.state(t); s != ty {
				t.Errorf("options left %s\ntyped %q left %s", s, c.text, ty)
			}
		})
	}
	for _, v := range (commands.Language{}).Commands() {
		if !covered[v.Name] {
			t.Errorf("verb %q has no options case", v.Name)
		}
	}
}

func TestCommandRequestAndReply(t *testing.T) {
	fh := &fakeHandler{reply: func(r bot.Request) bot.Reply {
		return bot.Reply{
			Blocks: []bot.Block{
				{Text: "<@555000111> updated `eds/1.1`: 40% on track"},
				{
					Title: "`eds/1.1` Data collection", Text: view.Note("Board signed off the *data* plan"), Colour: view.StatusColour(framework.OnTrack),
					Fields:  []bot.Field{{Name: "Progress", Value: view.ProgressBar(40), Inline: true}},
					Buttons: []bot.Button{{Label: "Log update", Command: "update eds/1.1", Form: true, Style: "primary"}},
				},
			},
			Command: "update",
		}
	}}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "command_update.json")
	rec := post(t, a, body, signed(t, testNow, body))
	resp := decodeResponse(t, rec)

	want := bot.Request{
		Workspace: "discord:81234", Channel: "90001", User: "555000111", UserName: "Priya (EDI lead)",
		Verb: "update", Args: args{"target": "eds/1.1", "progress": "40", "status": "on-track", "note": "Board signed off the data plan"},
		ID: "1200000000000000002", Once: "interaction:1200000000000000002", OnceFor: replayTTL,
	}
	if got := fh.requests(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("request %+v\nwant    %+v", got, want)
	}
	if resp.Type != 4 || resp.Data.Flags != 0 {
		t.Fatalf("response type %d flags %d, want 4 and public", resp.Type, resp.Data.Flags)
	}
	// The text block is the content; the block with a title is an embed.
	if resp.Data.Content != "<@555000111> updated `eds/1.1`: 40% on track" {
		t.Errorf("content %q", resp.Data.Content)
	}
	wantEmbed := `{"title":"` + "`eds/1.1`" + ` Data collection","description":"“Board signed off the \\*data\\* plan”","color":3061373,"fields":[{"name":"Progress","value":"▓▓▓▓░░░░░░ 40%","inline":true}]}`
	if len(resp.Data.Embeds) != 1 || string(resp.Data.Embeds[0]) != wantEmbed {
		t.Errorf("embeds %s\nwant %s", resp.Data.Embeds, wantEmbed)
	}
	if len(resp.Data.Components) != 1 || !strings.Contains(string(resp.Data.Components[0]), `"custom_id":"form:update eds/1.1"`) {
		t.Errorf("components %s, want the form button", resp.Data.Components)
	}
	// The mention names Priya without notifying her: the reply lists no
	// one to notify.
	var wire struct {
		Data wireMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &wire); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, "response", wire.Data)
	if am := wire.Data.AllowedMentions; len(am.Users) != 0 {
		t.Errorf("allowed_mentions %+v, want no users", am)
	}
}

func TestPlatformAdmin(t *testing.T) {
	cases := []struct {
		perms string
		admin bool
	}{
		{"0", false},
		{"1071698660929", false}, // a typical member: send messages, read history, ...
		{"8", true},              // Administrator
		{"32", true},             // Manage Server
		{"2248473465835113", true},
	}
	for _, c := range cases {
		t.Run(c.perms, func(t *testing.T) {
			fh := &fakeHandler{}
			a := newAdapter(t, fh, nil, nil)
			body := editFixture(t, "command_update.json", func(m map[string]any) {
				m["member"].(map[string]any)["permissions"] = c.perms
			})
			decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
			if got := fh.requests()[0].PlatformAdmin; got != c.admin {
				t.Fatalf("PlatformAdmin = %v, want %v", got, c.admin)
			}
		})
	}
}

func TestCommandInDM(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "command_dm.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Type != 4 || resp.Data.Flags != 64 || resp.Data.Content != dmMessage {
		t.Fatalf("DM answered %+v, want the ephemeral servers-only error", resp)
	}
	if n := len(fh.requests()); n != 0 {
		t.Fatalf("handler called %d times for a DM", n)
	}
}

func TestErrorRepliesAreEphemeral(t *testing.T) {
	fh := &fakeHandler{reply: func(bot.Request) bot.Reply {
		return bot.Reply{Blocks: []bot.Block{{Text: "unknown target `9.9`: try `/target list`"}}, Code: framework.ENOTFOUND}
	}}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "command_update.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Data.Flags != 64 || resp.Data.Content != "unknown target `9.9`: try `/target list`" {
		t.Fatalf("error reply %+v, want ephemeral with the message", resp.Data)
	}
}

func TestAutocomplete(t *testing.T) {
	var gotWS, gotPrefix string
	var gotLimit int
	h := completingHandler{fakeHandler: &fakeHandler{}, complete: func(ws, prefix string, limit int) []bot.Choice {
		gotWS, gotPrefix, gotLimit = ws, prefix, limit
		var cs []bot.Choice
		for i := 1; i <= 30; i++ {
			cs = append(cs, bot.Choice{Value: fmt.Sprintf("eds/1.%d", i), Label: fmt.Sprintf("eds/1.%d ", i) + strings.Repeat("Long title ", i)})
		}
		return cs
	}}
	a := newAdapter(t, h, nil, nil)
	body := fixture(t, "autocomplete.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if gotWS != "discord:81234" || gotPrefix != "eds/1" || gotLimit != 25 {
		t.Errorf("Complete(%q, %q, %d)", gotWS, gotPrefix, gotLimit)
	}
	if resp.Type != 8 || len(resp.Data.Choices) != 25 {
		t.Fatalf("type %d with %d choices, want 8 with 25", resp.Type, len(resp.Data.Choices))
	}
	if c := resp.Data.Choices[0]; c.Name != "eds/1.1 Long title" || c.Value != "eds/1.1" {
		t.Errorf("first choice %+v", c)
	}
	for _, c := range resp.Data.Choices {
		if n := len([]rune(c.Name)); n > 100 || !strings.HasPrefix(c.Name, c.Value+" Long") {
			t.Errorf("choice %q (%d chars) for %q", c.Name, n, c.Value)
		}
	}
	if len(h.requests()) != 0 {
		t.Error("autocomplete ran a command")
	}

	// Without a Completer, autocomplete answers no choices.
	plain := newAdapter(t, &fakeHandler{}, nil, nil)
	resp = decodeResponse(t, post(t, plain, body, signed(t, testNow, body)))
	if resp.Type != 8 || len(resp.Data.Choices) != 0 {
		t.Fatalf("without Completer: %+v", resp)
	}
}

func TestComponentClick(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "component.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	reqs := fh.requests()
	if len(reqs) != 1 || reqs[0].Text != "update eds/1.1 done" || reqs[0].User != "555000222" || reqs[0].Workspace != "discord:81234" {
		t.Fatalf("requests %+v", reqs)
	}
	if resp.Type != 4 || resp.Data.Content != "ok: update eds/1.1 done" {
		t.Fatalf("response %+v", resp)
	}
}

func TestFormButtonOpensModal(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := editFixture(t, "component.json", func(m map[string]any) {
		m["data"].(map[string]any)["custom_id"] = "form:update eds/1.1"
	})
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Type != 9 || resp.Data.CustomID != "form:update eds/1.1" || resp.Data.Title != "Log an update: eds/1.1" {
		t.Fatalf("modal %+v", resp)
	}
	raw, _ := json.Marshal(resp.Data.Components)
	for _, id := range []string{`"custom_id":"progress"`, `"custom_id":"status"`, `"custom_id":"note"`} {
		if !strings.Contains(string(raw), id) {
			t.Errorf("modal lacks %s: %s", id, raw)
		}
	}
	// The form takes exactly what the update verb takes.
	u, _ := commands.Language{}.Command("update")
	note, _ := u.Arg("note")
	progress, _ := u.Arg("progress")
	inputs := map[string]int{}
	for _, row := range resp.Data.Components {
		var r struct {
			Components []struct {
				CustomID  string `json:"custom_id"`
				MaxLength int    `json:"max_length"`
			} `json:"components"`
		}
		if err := json.Unmarshal(row, &r); err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Components {
			inputs[c.CustomID] = c.MaxLength
		}
	}
	if inputs["note"] != note.MaxLen || inputs["progress"] != len(fmt.Sprint(progress.Max))+1 {
		t.Errorf("modal max lengths %v, want note %d and progress %d%%", inputs, note.MaxLen, progress.Max)
	}
	if len(fh.requests()) != 0 {
		t.Error("opening the form ran a command")
	}
}

func TestModalSubmit(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "modal_submit.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	want := bot.Request{
		Workspace: "discord:81234", Channel: "90099", User: "555000222", UserName: "Sam",
		Verb: "update", Args: args{"target": "eds/1.1", "progress": "65%", "status": "at-risk", "note": "Waiting on HR data\nfor Q3"},
		ID: "1200000000000000006", Once: "interaction:1200000000000000006", OnceFor: replayTTL,
	}
	if got := fh.requests(); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("request %+v\nwant    %+v", got, want)
	}
	if resp.Type != 4 {
		t.Fatalf("response %+v", resp)
	}

	// Empty fields are left out.
	fh2 := &fakeHandler{}
	a2 := newAdapter(t, fh2, nil, nil)
	body = editFixture(t, "modal_submit.json", func(m map[string]any) {
		rows := m["data"].(map[string]any)["components"].([]any)
		rows[0].(map[string]any)["components"].([]any)[0].(map[string]any)["value"] = ""
		rows[2].(map[string]any)["components"].([]any)[0].(map[string]any)["value"] = "  "
	})
	decodeResponse(t, post(t, a2, body, signed(t, testNow, body)))
	if got := fh2.requests()[0]; got.Verb != "update" || got.Text != "" || !reflect.DeepEqual(got.Args, map[string]string{"target": "eds/1.1", "status": "at-risk"}) {
		t.Fatalf("request %+v", got)
	}
}

// A form's answers reach the command layer as named arguments: a note
// that reads like a status stays a note, as if typed after `--`.
func TestModalAnswersRunAsTyped(t *testing.T) {
	body := editFixture(t, "modal_submit.json", func(m map[string]any) {
		rows := m["data"].(map[string]any)["components"].([]any)
		rows[0].(map[string]any)["components"].([]any)[0].(map[string]any)["value"] = "40"
		rows[2].(map[string]any)["components"].([]any)[0].(map[string]any)["value"] = "done"
	})
	structured := newCommandEnv(t)
	a := newAdapter(t, structured, nil, nil)
	decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	typed := newCommandEnv(t)
	typed.Handle(t.Context(), bot.Request{Workspace: "discord:81234", Channel: "90099", User: "555000222", UserName: "Sam",
		ID: "1200000000000000006", Text: "update eds/1.1 40% at-risk -- done"})
	if len(structured.replies) != 1 || structured.replies[0].Code != "" || !reflect.DeepEqual(structured.replies, typed.replies) {
		t.Fatalf("form answered %+v\ntyped answered %+v", structured.replies, typed.replies)
	}
	if s, ty := structured.state(t), typed.state(t); s != ty || !strings.Contains(s, `eds/1.1 "" owner= due=none at-risk 40%`) {
		t.Errorf("form left %s\ntyped left %s", s, ty)
	}

	// A form whose command the command layer cannot read is refused
	// before anything runs.
	fh := &fakeHandler{}
	a = newAdapter(t, fh, nil, nil)
	body = editFixture(t, "modal_submit.json", func(m map[string]any) {
		m["data"].(map[string]any)["custom_id"] = "form@81234:show eds/1.1 eds/1.2"
	})
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Data.Flags != 64 || !strings.Contains(resp.Data.Content, "no longer supported") || len(fh.requests()) != 0 {
		t.Errorf("unreadable form: %+v, requests %+v", resp.Data, fh.requests())
	}
}

func TestDMButtonWithoutServer(t *testing.T) {
	fh := &fakeHandler{}
	a := newAdapter(t, fh, nil, nil)
	body := editFixture(t, "modal_submit.json", func(m map[string]any) {
		m["type"] = 3
		m["data"] = map[string]any{"component_type": 2, "custom_id": "cmd:update eds/1.1 done"}
	})
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Data.Content != dmMessage || resp.Data.Flags != 64 || len(fh.requests()) != 0 {
		t.Fatalf("response %+v, requests %+v", resp, fh.requests())
	}
}

// TestDeferred covers a handler slower than DeferAfter: the interaction is
// acknowledged with type 5 and the reply arrives through the webhook.
func TestDeferred(t *testing.T) {
	const token = "aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDAwMjp0b2tlbg"
	hook := "/webhooks/" + testAppID + "/" + token
	cases := []struct {
		name      string
		sub       string
		opts      []map[string]any
		reply     bot.Reply
		wantFlags int
		want      []string // method and path of each follow-up call
		wantBody  string
	}{
		{"update in channel", "update", []map[string]any{opt("target", 3, "eds/1.1"), opt("status", 3, "done")},
			bot.Say("`eds/1.1` is done", false), 0,
			[]string{"PATCH " + hook + "/messages/@original"}, `"content":"` + "`eds/1.1`" + ` is done"`},
		{"query ephemeral", "list", nil,
			bot.Say("3 targets", true), 64,
			[]string{"PATCH " + hook + "/messages/@original"}, `"content":"3 targets"`},
		{"update fails", "update", []map[string]any{opt("target", 3, "9.9")},
			bot.Reply{Blocks: []bot.Block{{Text: "unknown target"}}, Code: framework.ENOTFOUND, Ephemeral: true}, 0,
			[]string{"POST " + hook, "DELETE " + hook + "/messages/@original"}, `"flags":64`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
				if r.Method == "DELETE" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				_, _ = w.Write([]byte(`{"id":"1"}`))
			})
			release := make(chan struct{})
			fh := &fakeHandler{reply: func(bot.Request) bot.Reply { <-release; return c.reply }}
			a := newAdapter(t, fh, api, func(o *Options) { o.DeferAfter = 20 * time.Millisecond })
			body := withOptions(t, c.sub, c.opts)
			start := time.Now()
			resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
			if time.Since(start) > 2*time.Second {
				t.Fatalf("answered after %v", time.Since(start))
			}
			if resp.Type != 5 || resp.Data.Flags != c.wantFlags {
				t.Fatalf("deferred response type %d flags %d, want 5 and %d", resp.Type, resp.Data.Flags, c.wantFlags)
			}
			api.none(t)
			close(release)
			for i, want := range c.want {
				r := api.next(t)
				if got := r.Method + " " + r.Path; got != want {
					t.Fatalf("follow-up %d: %s, want %s", i, got, want)
				}
				if i == 0 && !strings.Contains(string(r.Body), c.wantBody) {
					t.Errorf("follow-up body %s lacks %s", r.Body, c.wantBody)
				}
				if r.Header.Get("Authorization") != "" {
					t.Error("webhook follow-up sent the bot token")
				}
			}
			_ = a.Drain(context.Background())
			api.none(t)
		})
	}
}

// TestGatewayInteraction drives the Gateway's handler directly: it answers
// through discordgo's session, whose client reaches the fake API.
func TestGatewayInteraction(t *testing.T) {
	api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { w.WriteHeader(http.StatusNoContent) })
	fh := &fakeHandler{}
	a := newAdapter(t, fh, api, func(o *Options) { o.PublicKey = "" })
	ix := decodeInteraction(t, fixture(t, "command_update.json"))
	a.onInteraction(t.Context(), a.session, ix)
	r := api.next(t)
	if r.Method != "POST" || r.Path != "/interactions/1200000000000000002/aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDAwMjp0b2tlbg/callback" {
		t.Fatalf("callback %s %s", r.Method, r.Path)
	}
	m := r.json(t)
	if m["type"] != float64(4) || m["data"].(map[string]any)["content"] != `ok: update note="Board signed off the data plan" progress="40" status="on-track" target="eds/1.1"` {
		t.Fatalf("callback body %s", r.Body)
	}
}

func TestDMButtonCarriesServer(t *testing.T) {
	fh := &fakeHandler{reply: func(r bot.Request) bot.Reply {
		return bot.Reply{Blocks: []bot.Block{{Text: "snoozed"}, {Title: "`eds/1.1`", Buttons: []bot.Button{{Label: "Undo", Command: "undo"}}}}}
	}}
	a := newAdapter(t, fh, nil, nil)
	body := editFixture(t, "modal_submit.json", func(m map[string]any) {
		m["type"] = 3
		m["data"] = map[string]any{"component_type": 2, "custom_id": "cmd@81234:snooze eds/1.1 7d"}
	})
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	reqs := fh.requests()
	if len(reqs) != 1 || reqs[0].Workspace != "discord:81234" || reqs[0].Text != "snooze eds/1.1 7d" || reqs[0].PlatformAdmin {
		t.Fatalf("requests %+v", reqs)
	}
	if len(resp.Data.Components) != 1 || !strings.Contains(string(resp.Data.Components[0]), `"custom_id":"cmd@81234:undo"`) {
		t.Fatalf("components %s, want the server carried on", resp.Data.Components)
	}
}

// A reply longer than one message: the first message is the interaction
// response, the rest follow through the webhook in order, each as
// ephemeral as the reply, and only after the response has gone.
func TestLongReplyOverflowsIntoFollowUps(t *testing.T) {
	api := newFakeDiscord(t, nil)
	var blocks []bot.Block
	for i := range 12 {
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("objective %d", i)})
	}
	fh := &fakeHandler{reply: func(bot.Request) bot.Reply {
		return bot.Reply{Blocks: append([]bot.Block{{Text: "12 objectives"}}, blocks...), Details: []bot.Block{{Title: "details"}}, Ephemeral: true}
	}}
	a := newAdapter(t, fh, api, nil)
	body := withOptions(t, "list", nil)
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Data.Content != "12 objectives" || len(resp.Data.Embeds) != 10 || resp.Data.Flags != 64 {
		t.Fatalf("response %q with %d embeds, flags %d", resp.Data.Content, len(resp.Data.Embeds), resp.Data.Flags)
	}
	var titles []string
	for _, want := range []int{2, 1} {
		r := api.next(t)
		var m wireMessage
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		checkLimits(t, "follow-up", m)
		if r.Method != "POST" || r.Path != "/webhooks/"+testAppID+"/aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDAwMjp0b2tlbg" || len(m.Embeds) != want || m.Flags != 64 {
			t.Fatalf("follow-up %s %s %s", r.Method, r.Path, r.Body)
		}
		for _, e := range m.Embeds {
			titles = append(titles, e.Title)
		}
	}
	api.none(t)
	if got := strings.Join(titles, ","); got != "objective 10,objective 11,details" {
		t.Errorf("follow-ups hold %s", got)
	}
}

func TestHandlerPanicIsAnInternalError(t *testing.T) {
	fh := &fakeHandler{reply: func(bot.Request) bot.Reply { panic("boom") }}
	a := newAdapter(t, fh, nil, nil)
	body := fixture(t, "command_update.json")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Data.Flags != 64 || !strings.HasPrefix(resp.Data.Content, "something went wrong on our side") {
		t.Fatalf("response %+v", resp.Data)
	}
}

// Autocomplete must answer within Discord's 3 s whatever the store does,
// and a Completer that panics must not take the process down (on the
// Gateway nothing recovers it).
func TestAutocompleteSlowOrPanicking(t *testing.T) {
	body := fixture(t, "autocomplete.json")
	release := make(chan struct{})
	defer close(release)
	slow := completingHandler{fakeHandler: &fakeHandler{}, complete: func(ws, prefix string, limit int) []bot.Choice {
		select {
		case <-release:
		case <-time.After(3 * time.Second):
		}
		return []bot.Choice{{Value: "eds/1.1"}}
	}}
	a := newAdapter(t, slow, nil, func(o *Options) { o.DeferAfter = 100 * time.Millisecond })
	start := time.Now()
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if d := time.Since(start); d > time.Second {
		t.Errorf("autocomplete answered after %v", d)
	}
	if resp.Type != 8 || len(resp.Data.Choices) != 0 {
		t.Errorf("slow completer: %+v", resp)
	}

	panicky := completingHandler{fakeHandler: &fakeHandler{}, complete: func(ws, prefix string, limit int) []bot.Choice {
		panic("store exploded")
	}}
	a = newAdapter(t, panicky, nil, nil)
	resp = decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Type != 8 || len(resp.Data.Choices) != 0 {
		t.Errorf("panicking completer: %+v", resp)
	}
}

// Discord refuses a follow-up to an interaction it has not seen
// answered: over HTTP the response goes out when the handler returns, so
// follow-ups wait for that.
func TestFollowUpsWaitForTheResponse(t *testing.T) {
	api := newFakeDiscord(t, nil)
	var blocks []bot.Block
	for i := range 11 {
		blocks = append(blocks, bot.Block{Title: fmt.Sprint("objective ", i)})
	}
	a := newAdapter(t, &fakeHandler{reply: func(bot.Request) bot.Reply { return bot.Reply{Blocks: blocks} }}, api, nil)
	ctx, responded := withAnswered(t.Context())
	ix := decodeInteraction(t, withOptions(t, "list", nil)).Interaction
	var first *discordgo.InteractionResponse
	if err := a.interact(ctx, ix, func(_ context.Context, r *discordgo.InteractionResponse) error { first = r; return nil }); err != nil {
		t.Fatal(err)
	}
	if first == nil || len(first.Data.Embeds) != 10 {
		t.Fatalf("response %+v", first)
	}
	time.Sleep(100 * time.Millisecond)
	api.none(t)
	responded()
	if r := api.next(t); r.Method != "POST" || !strings.Contains(string(r.Body), "objective 10") {
		t.Fatalf("follow-up %s %s", r.Method, r.Body)
	}
}

// A request is named as the server shows its user: their nickname there,
// else their global display name, else their username.
func TestRequestUserName(t *testing.T) {
	u := func(global string) *discordgo.User {
		return &discordgo.User{ID: "555000111", Username: "priya.s", GlobalName: global}
	}
	for _, tt := range []struct {
		ix   discordgo.Interaction
		want string
	}{
		{discordgo.Interaction{Member: &discordgo.Member{Nick: "Priya (EDI lead)", User: u("Priya")}}, "Priya (EDI lead)"},
		{discordgo.Interaction{Member: &discordgo.Member{User: u("Priya")}}, "Priya"},
		{discordgo.Interaction{Member: &discordgo.Member{User: u("")}}, "priya.s"},
		{discordgo.Interaction{User: u("Priya")}, "Priya"}, // a DM: no member
	} {
		if r := request(&tt.ix, "81234", "list"); r.UserName != tt.want || r.User != "555000111" {
			t.Errorf("%+v: user %q named %q, want %q", tt.ix.Member, r.User, r.UserName, tt.want)
		}
	}
}
