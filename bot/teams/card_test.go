package teams

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// roundTrip is a card as the Connector receives it.
func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRenderBlock(t *testing.T) {
	tg := &framework.Target{Framework: "eds", Code: "1.1", Title: "Services are commissioned", Status: framework.AtRisk, Progress: 40}
	r := bot.Reply{Blocks: []bot.Block{{
		Title:   view.Ref(tg.Ref()) + " " + view.Title(tg.Title, 0),
		Text:    "line one\nline *two*\n\nafter a gap",
		Fields:  []bot.Field{{Name: "Status", Value: view.Status(tg.Status), Inline: true}, {Name: "Owner", Value: view.Owner(priya.AAD)}},
		Colour:  view.StatusColour(tg.Status),
		Buttons: append(view.TargetButtons(tg), bot.Button{Label: "Snooze", Command: "snooze eds/1.1 7d", Style: "danger"}),
	}}}
	env := &renderEnv{names: map[string]string{priya.AAD: "Priya Shah"}, notify: map[string]bool{}, lang: commands.Language{}}
	top, details := env.render(r)
	if len(top) != 1 || len(details) != 0 {
		t.Fatalf("cards %d + %d, want 1 + 0", len(top), len(details))
	}
	card := roundTrip(t, top[0])
	if card["type"] != "AdaptiveCard" || card["version"] != "1.5" || card["$schema"] != cardSchema {
		t.Errorf("card header %v", card)
	}
	cont := card["body"].([]any)[0].(map[string]any)
	if cont["type"] != "Container" || cont["style"] != "warning" {
		t.Errorf("container %v, want a warning-styled container", cont)
	}
	items := cont["items"].([]any)
	var texts []string
	for _, it := range items[:len(items)-1] {
		tb := it.(map[string]any)
		if tb["type"] != "TextBlock" || tb["wrap"] != true {
			t.Errorf("item %v", tb)
		}
		texts = append(texts, tb["text"].(string))
	}
	want := []string{"\\`eds/1.1\\` Services are commissioned", "line one", "line **two**", "after a gap", "**Status:** 🟠 at-risk", "**Owner:** Priya Shah"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n got %q\nwant %q", texts, want)
	}
	if items[0].(map[string]any)["weight"] != "Bolder" || items[3].(map[string]any)["spacing"] != "Medium" {
		t.Errorf("title or gap: %v %v", items[0], items[3])
	}
	actions := items[len(items)-1].(map[string]any)["actions"].([]any)
	if len(actions) != 3 {
		t.Fatalf("actions %v", actions)
	}
	form := actions[0].(map[string]any)
	if form["type"] != "Action.ShowCard" || form["title"] != "Log update" {
		t.Errorf("form button %v", form)
	}
	inputs := form["card"].(map[string]any)["body"].([]any)
	progress, status, note := inputs[1].(map[string]any), inputs[2].(map[string]any), inputs[3].(map[string]any)
	if progress["type"] != "Input.Number" || progress["min"] != 0.0 || progress["max"] != 100.0 || progress["id"] != "progress-1" {
		t.Errorf("progress input %v", progress)
	}
	if status["type"] != "Input.ChoiceSet" || len(status["choices"].([]any)) != len(framework.Statuses) {
		t.Errorf("status input %v", status)
	}
	if note["type"] != "Input.Text" || note["isMultiline"] != true || note["maxLength"] != 1000.0 {
		t.Errorf("note input %v", note)
	}
	save := form["card"].(map[string]any)["actions"].([]any)[0].(map[string]any)
	if d := save["data"].(map[string]any); save["type"] != "Action.Submit" || d["command"] != "update eds/1.1" || d["form"] != "1" {
		t.Errorf("form submit %v", save)
	}
	done, snooze := actions[1].(map[string]any), actions[2].(map[string]any)
	if done["type"] != "Action.Submit" || done["data"].(map[string]any)["command"] != "update eds/1.1 done" || done["style"] != "positive" {
		t.Errorf("done button %v", done)
	}
	if snooze["style"] != "destructive" {
		t.Errorf("snooze button %v", snooze)
	}
}

// Each form in a reply has its own input ids: a card with a form per
// target must not mix their answers.
func TestFormsHaveDistinctIDs(t *testing.T) {
	r := bot.Reply{Blocks: []bot.Block{
		{Text: "a", Buttons: view.ReminderButtons("eds/1.1", "7d")},
		{Text: "b", Buttons: view.ReminderButtons("eds/1.2", "7d")},
	}}
	top, _ := (&renderEnv{lang: commands.Language{}}).render(r)
	js, _ := marshal(top)
	for _, id := range []string{`"progress-1"`, `"progress-2"`, `"form":"1"`, `"form":"2"`} {
		if strings.Count(string(js), id) != 1 {
			t.Errorf("%s appears %d times", id, strings.Count(string(js), id))
		}
	}
}

func TestContainerStyle(t *testing.T) {
	tests := map[string]string{
		view.StatusColour(framework.OnTrack): "good", view.StatusColour(framework.AtRisk): "warning",
		view.StatusColour(framework.OffTrack): "attention", view.StatusColour(framework.Done): "accent",
		view.StatusColour(framework.NotStarted): "", view.Alert: "attention", view.Warning: "warning",
		view.RatingColour(framework.Rating("undeveloped")): "attention", view.RatingColour(framework.Rating("developing")): "warning",
		view.RatingColour(framework.Rating("achieving")): "good", view.RatingColour(framework.Rating("excelling")): "accent",
		"": "", "#zzzzzz": "", "red": "",
	}
	for colour, want := range tests {
		if got := containerStyle(colour); got != want {
			t.Errorf("containerStyle(%q) = %q, want %q", colour, got, want)
		}
	}
}

// A reply too long for one activity becomes several, each under Teams'
// limit, with every line in order: nothing is cut.
func TestLongReplySplits(t *testing.T) {
	var blocks []bot.Block
	var lines []string
	for i := range 400 {
		line := fmt.Sprintf("🟠 `eds/%d.1` target number %d with a long enough title to fill the card quickly", i, i)
		lines = append(lines, line)
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("Objective %d", i), Text: line, Colour: "#ecb22e"})
	}
	huge := strings.Repeat("x ", 30000) // one line longer than a card
	blocks = append(blocks, bot.Block{Text: strings.Join(lines, "\n") + "\n" + huge})
	a := &Adapter{opts: Options{AppID: testAppID}}
	env := &renderEnv{}
	top, details := env.render(bot.Reply{Blocks: blocks[:10], Details: blocks[10:]})
	if len(top) != 1 || len(details) < 4 {
		t.Fatalf("cards %d + %d", len(top), len(details))
	}
	var all strings.Builder
	for _, c := range append(top, details...) {
		act, _ := marshal(a.outgoing("19:general@thread.tacv2", c, "summary"))
		if len(act) > 28*1024 {
			t.Errorf("activity of %d bytes, over Teams' 28 KB", len(act))
		}
		all.WriteString(cardTexts(roundTrip(t, c)))
	}
	got := all.String()
	pos := 0
	for i := range 400 {
		for _, want := range []string{fmt.Sprintf("Objective %d\n", i), fmt.Sprintf("target number %d ", i)} {
			j := strings.Index(got[pos:], want)
			if j < 0 {
				t.Fatalf("%q missing or out of order", want)
			}
			pos += j
		}
	}
	if n := strings.Count(got, "x "); n < 30000 {
		t.Errorf("the long line kept %d of 30000 words", n)
	}
}
