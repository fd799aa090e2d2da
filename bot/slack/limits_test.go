package slack

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// bigReply is the worst a command could answer: hundreds of targets with
// long titles, many fields, long notes full of characters that need
// escaping, and more buttons than fit.
func bigReply() bot.Reply {
	long := strings.Repeat("Équité & <inclusion> ", 300)
	var blocks []bot.Block
	for i := range 300 {
		b := bot.Block{Title: fmt.Sprintf("eds/%d.%d %s", i/10, i, long[:400]), Text: long}
		for j := range 14 {
			b.Fields = append(b.Fields, bot.Field{Name: fmt.Sprintf("F%d %s", j, long[:100]), Value: long, Inline: j%2 == 0})
		}
		for j := range 30 {
			b.Buttons = append(b.Buttons, bot.Button{Label: long[:200], Command: fmt.Sprintf("update eds/%d.%d %d%% -- %s", i/10, i, j, long), Form: j%3 == 0})
		}
		blocks = append(blocks, b)
	}
	return bot.Reply{Text: long + long, Blocks: blocks, Details: blocks}
}

func checkSlackBlocks(t *testing.T, where string, blocks []slack.Block, max int) {
	t.Helper()
	if len(blocks) > max {
		t.Errorf("%s: %d blocks", where, len(blocks))
	}
	text := func(o *slack.TextBlockObject, n int, what string) {
		if o != nil && utf8.RuneCountInString(o.Text) > n {
			t.Errorf("%s: %s of %d chars", where, what, utf8.RuneCountInString(o.Text))
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			text(b.Text, maxSectionText, "section text")
			if len(b.Fields) > maxFields {
				t.Errorf("%s: %d fields", where, len(b.Fields))
			}
			for _, f := range b.Fields {
				text(f, maxFieldText, "field")
			}
			if b.Text == nil && len(b.Fields) == 0 {
				t.Errorf("%s: empty section", where)
			}
		case *slack.ActionBlock:
			if n := len(b.Elements.ElementSet); n > maxButtons || n == 0 {
				t.Errorf("%s: %d elements", where, n)
			}
			ids := map[string]bool{}
			for _, el := range b.Elements.ElementSet {
				bt := el.(*slack.ButtonBlockElement)
				text(bt.Text, maxButtonText, "button text")
				if utf8.RuneCountInString(bt.Value) > maxButtonValue {
					t.Errorf("%s: button value of %d chars", where, utf8.RuneCountInString(bt.Value))
				}
				if ids[bt.ActionID] {
					t.Errorf("%s: action id %s repeats", where, bt.ActionID)
				}
				ids[bt.ActionID] = true
			}
		}
	}
}

func TestBigRepliesStayInBlockKitLimits(t *testing.T) {
	r := bigReply()
	msg := render(r)
	checkSlackBlocks(t, "reply", msg.Blocks, maxBlocks)
	if n := utf8.RuneCountInString(msg.Text); n > maxMessageText {
		t.Errorf("text of %d chars", n)
	}
	for i, p := range detailParts(r.Details) {
		checkSlackBlocks(t, fmt.Sprintf("thread part %d", i), p.Blocks, maxBlocks)
	}
	checkSlackBlocks(t, "home", renderBlocks(r.Blocks, maxHomeBlocks), maxHomeBlocks)
	checkSlackBlocks(t, "text only", textBlocks(r.Text, maxBlocks), maxBlocks)
}

// A button whose command does not fit in a value is left out: pressing a
// cut command would run something else.
func TestButtonTooLongIsDropped(t *testing.T) {
	bs := []bot.Button{{Label: "ok", Command: "snooze eds/1.1 7d"}, {Label: "long", Command: "update eds/1.1 -- " + strings.Repeat("x", maxButtonValue)}}
	out := renderBlock(bot.Block{Title: "eds/1.1", Buttons: bs})
	act := out[len(out)-1].(*slack.ActionBlock)
	if n := len(act.Elements.ElementSet); n != 1 {
		t.Fatalf("%d buttons, want the one that fits", n)
	}
	if v := act.Elements.ElementSet[0].(*slack.ButtonBlockElement).Value; v != "snooze eds/1.1 7d" {
		t.Errorf("value %q", v)
	}
	// With no button that fits there is no empty actions block.
	if out := renderBlock(bot.Block{Title: "eds/1.1", Buttons: bs[1:]}); len(out) != 1 {
		t.Errorf("%d blocks, want the section alone", len(out))
	}
}

func TestButtonWithoutLabelShowsCommand(t *testing.T) {
	out := renderBlock(bot.Block{Buttons: []bot.Button{{Command: "snooze eds/1.1 7d"}}})
	bt := out[0].(*slack.ActionBlock).Elements.ElementSet[0].(*slack.ButtonBlockElement)
	if bt.Text.Text != "snooze eds/1.1 7d" {
		t.Errorf("label %q", bt.Text.Text)
	}
}
