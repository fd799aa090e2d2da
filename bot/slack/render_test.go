package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

func TestRenderLimits(t *testing.T) {
	var blocks []bot.Block
	for i := range 80 {
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("eds/%d", i), Text: "⚪ not-started"})
	}
	msg := render(bot.Reply{Ephemeral: true, Text: "80 targets", Blocks: blocks})
	if len(msg.Blocks) != maxBlocks {
		t.Fatalf("%d blocks, want %d", len(msg.Blocks), maxBlocks)
	}
	last, ok := msg.Blocks[maxBlocks-1].(*slack.ContextBlock)
	if !ok {
		t.Fatalf("last block is %T, want context", msg.Blocks[maxBlocks-1])
	}
	if txt := last.ContextElements.Elements[0].(*slack.TextBlockObject).Text; txt != "…and 31 more, narrow the list" {
		t.Errorf("context %q", txt)
	}
	if msg.Text != "80 targets" {
		t.Errorf("fallback %q", msg.Text)
	}

	// Exactly 50 fit with no note.
	if got := renderBlocks(blocks[:50], maxBlocks); len(got) != 50 {
		t.Errorf("50 blocks rendered as %d", len(got))
	} else if _, ok := got[49].(*slack.SectionBlock); !ok {
		t.Errorf("50th block is %T", got[49])
	}

	long := strings.Repeat("é", 5000)
	sec := renderBlock(bot.Block{Text: long})[0].(*slack.SectionBlock)
	if n := utf8.RuneCountInString(sec.Text.Text); n != maxSectionText {
		t.Errorf("section text %d chars, want %d", n, maxSectionText)
	}
	// Plain text with no blocks splits into several sections, losing nothing.
	tb := textBlocks(strings.Repeat("line of text\n", 600), maxBlocks)
	var total int
	for _, b := range tb {
		s := b.(*slack.SectionBlock).Text.Text
		if utf8.RuneCountInString(s) > maxSectionText {
			t.Errorf("section over limit")
		}
		total += strings.Count(s, "line of text")
	}
	if len(tb) < 3 || total != 600 {
		t.Errorf("%d sections, %d lines", len(tb), total)
	}
}

func TestRenderBlock(t *testing.T) {
	var fields []bot.Field
	for i := range 12 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("F%d", i), Value: "v", Inline: true})
	}
	fields = append(fields, bot.Field{Name: "Note", Value: "full width"})
	out := renderBlock(bot.Block{Title: "eds/1.1", Text: "🟠 at-risk", Fields: fields, Colour: "#ecb22e",
		Buttons: []bot.Button{{Label: "Log update", Command: "update eds/1.1", Form: true, Style: "primary"}, {Label: "Snooze", Command: "snooze eds/1.1 7d", Style: "danger"}}})
	if len(out) != 3 {
		t.Fatalf("%d blocks, want section, overflow fields section, actions", len(out))
	}
	first := out[0].(*slack.SectionBlock)
	if first.Text.Text != "*eds/1.1*\n🟠 at-risk\n*Note*: full width" || len(first.Fields) != 10 {
		t.Errorf("first section %q with %d fields", first.Text.Text, len(first.Fields))
	}
	if len(out[1].(*slack.SectionBlock).Fields) != 2 {
		t.Error("overflow fields lost")
	}
	js, _ := json.Marshal(out[2])
	for _, want := range []string{`"action_id":"form-0"`, `"value":"update eds/1.1"`, `"style":"primary"`, `"action_id":"cmd-1"`, `"style":"danger"`, `"type":"actions"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("actions lack %s: %s", want, js)
		}
	}
}

func TestRenderEmptyBlocksUsesText(t *testing.T) {
	msg := render(bot.Reply{Text: "unknown target `9.9`: try `/target list`", Ephemeral: true, Code: "not found"})
	if len(msg.Blocks) != 1 || msg.Blocks[0].(*slack.SectionBlock).Text.Text != "unknown target `9.9`: try `/target list`" {
		t.Errorf("blocks %+v", msg.Blocks)
	}
	if render(bot.Reply{}).Blocks != nil {
		t.Error("empty reply got blocks")
	}
}
