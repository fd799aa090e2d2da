package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/targetbot/targetbot/bot"
)

// Slack's documented limits, written out again here so the tests check
// the renderer against Slack rather than against its own constants.
const (
	slackMaxBlocks      = 50
	slackMaxViewBlocks  = 100
	slackMaxSectionText = 3000
	slackMaxFieldText   = 2000
	slackMaxFields      = 10
	slackMaxElements    = 25
	slackMaxButtonText  = 75
	slackMaxButtonValue = 2000
	slackMaxBlocksText  = 12000 // msg_blocks_too_long
	slackMaxText        = 40000
)

// chars counts as Slack's limits do, erring long: UTF-16 code units.
func chars(s string) int { return len(utf16.Encode([]rune(s))) }

// checkLimits fails t unless payload, a message or view exactly as sent
// to Slack (decoded JSON), is within every Block Kit limit. It returns
// the payload's block text, each text object on its own line, for
// further checks.
func checkLimits(t *testing.T, payload map[string]any) string {
	t.Helper()
	where := fmt.Sprintf("payload %.60q", fmt.Sprint(payload["text"]))
	maxBlocks := slackMaxBlocks
	blocks, _ := payload["blocks"].([]any)
	if s, ok := payload["blocks"].(string); ok { // a form field
		if err := json.Unmarshal([]byte(s), &blocks); err != nil {
			t.Fatalf("%s: blocks are not JSON: %v", where, err)
		}
	}
	if v, ok := payload["view"].(map[string]any); ok {
		where = fmt.Sprintf("%s view", v["type"])
		blocks, _ = v["blocks"].([]any)
		maxBlocks = slackMaxViewBlocks
	} else {
		text, _ := payload["text"].(string)
		if text == "" && len(blocks) == 0 {
			t.Errorf("%s: neither text nor blocks", where)
		}
		if chars(text) > slackMaxText {
			t.Errorf("%s: text of %d chars", where, chars(text))
		}
	}
	if len(blocks) > maxBlocks {
		t.Errorf("%s: %d blocks, limit %d", where, len(blocks), maxBlocks)
	}
	var all strings.Builder
	total := 0
	textOf := func(o any, limit int, what string) {
		obj, _ := o.(map[string]any)
		if obj == nil {
			return
		}
		s, _ := obj["text"].(string)
		if s == "" {
			t.Errorf("%s: empty %s", where, what)
		}
		if n := chars(s); n > limit {
			t.Errorf("%s: %s of %d chars, limit %d", where, what, n, limit)
		}
		total += chars(s)
		all.WriteString(s + "\n")
	}
	for i, b := range blocks {
		b := b.(map[string]any)
		switch b["type"] {
		case "section":
			fields, _ := b["fields"].([]any)
			if b["text"] == nil && len(fields) == 0 {
				t.Errorf("%s: block %d: section with neither text nor fields", where, i)
			}
			textOf(b["text"], slackMaxSectionText, "section text")
			if len(fields) > slackMaxFields {
				t.Errorf("%s: block %d: %d fields", where, i, len(fields))
			}
			for _, f := range fields {
				textOf(f, slackMaxFieldText, "field")
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > slackMaxElements {
				t.Errorf("%s: block %d: %d elements", where, i, len(els))
			}
			ids := map[any]bool{}
			for _, e := range els {
				e := e.(map[string]any)
				textOf(e["text"], slackMaxButtonText, "button text")
				if v, _ := e["value"].(string); chars(v) > slackMaxButtonValue {
					t.Errorf("%s: block %d: button value of %d chars", where, i, chars(v))
				}
				if ids[e["action_id"]] {
					t.Errorf("%s: block %d: action id %v repeats", where, i, e["action_id"])
				}
				ids[e["action_id"]] = true
			}
		case "context":
			els, _ := b["elements"].([]any)
			for _, e := range els {
				textOf(e, slackMaxSectionText, "context")
			}
		case "header":
			textOf(b["text"], 150, "header")
		default:
			t.Errorf("%s: block %d: unexpected type %v", where, i, b["type"])
		}
	}
	if total > slackMaxBlocksText {
		t.Errorf("%s: blocks hold %d chars of text, over Slack's %d", where, total, slackMaxBlocksText)
	}
	return all.String()
}

// asPayload is a rendered message as Slack receives it.
func asPayload(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// bigReply is the worst a command could answer: hundreds of targets with
// long titles, many fields, long notes full of characters that need
// escaping, one line longer than a section, and more buttons than fit.
func bigReply() bot.Reply {
	long := strings.Repeat(bot.UserText("Équité & <inclusion> *x* ")+"🟢 ", 150)
	var blocks []bot.Block
	for i := range 60 {
		b := bot.Block{Title: fmt.Sprintf("eds/%d.%d %s", i/10, i, long[:400]), Text: long + "\n" + strings.Repeat("short line\n", 40)}
		for j := range 14 {
			b.Fields = append(b.Fields, bot.Field{Name: fmt.Sprintf("F%d", j), Value: long[:1000*(j%3)+10], Inline: j%2 == 0})
		}
		for j := range 30 {
			b.Buttons = append(b.Buttons, bot.Button{Label: strings.Repeat("label ", 20), Command: fmt.Sprintf("update eds/%d.%d %d%%", i/10, i, j), Form: j%3 == 0})
		}
		blocks = append(blocks, b)
	}
	return bot.Reply{Blocks: blocks, Details: blocks}
}

func TestBigRepliesStayInBlockKitLimits(t *testing.T) {
	r := bigReply()
	msgs := render(r, liveMentions)
	if len(msgs) < 2 {
		t.Fatalf("%d messages; a reply this big needs several", len(msgs))
	}
	var buttons int
	for _, msg := range msgs {
		p := asPayload(t, msg)
		checkLimits(t, p)
		for _, b := range p["blocks"].([]any) {
			if els, ok := b.(map[string]any)["elements"].([]any); ok {
				buttons += len(els)
			}
		}
	}
	if buttons != 60*30 {
		t.Errorf("%d buttons rendered, want all %d", buttons, 60*30)
	}
	for _, msg := range renderDetails(r, liveMentions) {
		checkLimits(t, asPayload(t, msg))
	}
	checkLimits(t, asPayload(t, map[string]any{"view": map[string]any{"type": "home", "blocks": homeBlocks(r)}}))
}

// A button whose command does not fit in a value is left out, since
// pressing a cut command would run something else, and the block says
// so.
func TestButtonTooLongIsLeftOutVisibly(t *testing.T) {
	bs := []bot.Button{{Label: "ok", Command: "snooze eds/1.1 7d"}, {Label: "Long one", Command: "update eds/1.1 -- " + strings.Repeat("x", maxButtonValue)}}
	out := renderBlock(bot.Block{Title: "eds/1.1", Buttons: bs}, liveMentions)
	if len(out) != 2 {
		t.Fatalf("%d blocks, want the section and the actions", len(out))
	}
	js, _ := json.Marshal(out[1].block)
	if strings.Count(string(js), `"value"`) != 1 || !strings.Contains(string(js), `"value":"snooze eds/1.1 7d"`) {
		t.Errorf("actions %s, want the one button that fits", js)
	}
	sec, _ := json.Marshal(out[0].block)
	if !strings.Contains(string(sec), "The “Long one” button is left out") {
		t.Errorf("section does not say a button was left out: %s", sec)
	}
	// With no button that fits there is no empty actions block.
	if out := renderBlock(bot.Block{Title: "eds/1.1", Buttons: bs[1:]}, liveMentions); len(out) != 1 {
		t.Errorf("%d blocks, want the section alone", len(out))
	}
}

func TestButtonLabels(t *testing.T) {
	out := renderBlock(bot.Block{Buttons: []bot.Button{{Command: "snooze eds/1.1 7d"}, {Label: strings.Repeat("Mark eds/1.1 done ", 10), Command: "update eds/1.1 done"}}}, liveMentions)
	js, _ := json.Marshal(out[0].block)
	var act struct {
		Elements []struct {
			Text  struct{ Text string }
			Value string
		}
	}
	_ = json.Unmarshal(js, &act)
	if len(act.Elements) != 2 || act.Elements[0].Text.Text != "snooze eds/1.1 7d" {
		t.Fatalf("a button without a label shows its command: %s", js)
	}
	// A long label is cut, visibly, and the button runs its whole command.
	l := act.Elements[1].Text.Text
	if chars(l) > slackMaxButtonText || !strings.HasSuffix(l, "…") || !strings.HasPrefix(l, "Mark eds/1.1 done Mark") || act.Elements[1].Value != "update eds/1.1 done" {
		t.Errorf("long label %q (%d chars), value %q", l, chars(l), act.Elements[1].Value)
	}
}

func TestManyButtonsSplitIntoActionsBlocks(t *testing.T) {
	var bs []bot.Button
	for i := range 60 {
		bs = append(bs, bot.Button{Label: fmt.Sprint(i), Command: fmt.Sprintf("update eds/1.%d done", i)})
	}
	out := renderBlock(bot.Block{Title: "many", Buttons: bs}, liveMentions)
	if len(out) != 4 {
		t.Fatalf("%d blocks, want a section and 3 actions blocks (25, 25, 10)", len(out))
	}
	seen := 0
	for _, p := range out[1:] {
		js, _ := json.Marshal(p.block)
		seen += strings.Count(string(js), `"value"`)
	}
	if seen != 60 {
		t.Errorf("%d buttons, want 60", seen)
	}
}
