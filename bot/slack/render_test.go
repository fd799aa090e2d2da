package slack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// sectionTexts returns the text of every section in msgs, in order.
func sectionTextsOf(msgs []message) []string {
	var out []string
	for _, m := range msgs {
		for _, b := range m.Blocks {
			if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
				out = append(out, s.Text.Text)
			}
		}
	}
	return out
}

// A list longer than a message is split into as many messages as it
// needs, each within every limit, and no target is left out.
func TestRenderSplitsIntoMessages(t *testing.T) {
	var blocks []bot.Block
	for i := range 80 {
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("eds/%d", i), Text: "⚪ not-started"})
	}
	msgs := render(bot.Reply{Ephemeral: true, Blocks: blocks}, liveMentions)
	if len(msgs) != 2 || len(msgs[0].Blocks) != maxBlocks || len(msgs[1].Blocks) != 30 {
		t.Fatalf("%d messages; want 50 blocks then 30", len(msgs))
	}
	for i, m := range msgs {
		checkLimits(t, asPayload(t, m))
		if m.ResponseType != "ephemeral" {
			t.Errorf("message %d is %q", i, m.ResponseType)
		}
	}
	all := strings.Join(sectionTextsOf(msgs), "\n")
	for i := range 80 {
		if !strings.Contains(all, fmt.Sprintf("*eds/%d*\n", i)) {
			t.Errorf("eds/%d is missing", i)
		}
	}
	if msgs[0].Text != "eds/0" || msgs[1].Text != "eds/50" {
		t.Errorf("notification texts %q, %q; want each message's first line", msgs[0].Text, msgs[1].Text)
	}
}

// One block whose text is hundreds of lines splits at line ends into
// several sections, and those into several messages by the ~11,000
// character budget; nothing is cut.
func TestRenderSplitsLongTextAtLines(t *testing.T) {
	var lines []string
	for i := range 600 {
		lines = append(lines, fmt.Sprintf("• `eds/%d.1` line of text %d", i, i))
	}
	msgs := render(bot.Reply{Blocks: []bot.Block{{Title: "All targets (600)", Text: strings.Join(lines, "\n")}}}, liveMentions)
	if len(msgs) < 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	var got []string
	for _, s := range sectionTextsOf(msgs) {
		got = append(got, strings.Split(s, "\n")...)
	}
	want := append([]string{"*All targets (600)*"}, lines...)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines were lost, reordered or broken: got %d, want %d", len(got), len(want))
	}
	for _, m := range msgs {
		checkLimits(t, asPayload(t, m))
	}
}

// A single line longer than a section splits after a space, never inside
// an entity, a mention, a link or a code span, and a bold run is closed
// and reopened across the split.
func TestRenderSplitsLongLineAtSpaces(t *testing.T) {
	word := "<https://example.org/a|a link> `code & more` <@U1ABC> A&E *bold words here* "
	line := strings.Repeat(word, 100)
	msgs := render(bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Text: line}}}, liveMentions)
	secs := sectionTextsOf(msgs)
	if len(secs) < 3 {
		t.Fatalf("%d sections", len(secs))
	}
	tokens := regexp.MustCompile("<[^<>]*>|&[a-z]+;|`[^`]*`|\\*[^*]+\\*")
	var joined []string
	for _, s := range secs {
		if chars(s) > maxSectionText {
			t.Errorf("section of %d chars", chars(s))
		}
		rest := tokens.ReplaceAllString(s, "")
		if strings.ContainsAny(rest, "<>&`*") {
			t.Errorf("a section holds a broken entity, link, code span or bold run: %q", rest)
		}
		joined = append(joined, s)
	}
	whole := toMrkdwn(line, liveMentions)
	if norm(strings.Join(joined, " ")) != norm(whole) {
		t.Error("splitting lost or changed text")
	}
	if n := strings.Count(strings.Join(joined, ""), "<https://example.org/a|a link>"); n != 100 {
		t.Errorf("%d links survived, want 100", n)
	}
}

// norm is mrkdwn with its style markers and white space removed, so text
// split into parts can be compared with the text whole.
func norm(md string) string {
	md = strings.NewReplacer(zwsp+"*"+zwsp, "\x01", zwsp+"~"+zwsp, "\x02", zwsp+"`"+zwsp, "\x03").Replace(md)
	md = strings.NewReplacer("*", "", "~", "", "`", "", zwsp, "").Replace(md)
	return strings.Join(strings.Fields(md), "")
}

// A word longer than a section, which has no space to split at, is
// broken inside itself rather than cut.
func TestRenderBreaksHugeWord(t *testing.T) {
	word := strings.Repeat("&", 4000) + strings.Repeat("é", 4000)
	msgs := render(bot.Reply{Blocks: []bot.Block{{Text: "*" + word + "*"}}}, liveMentions)
	secs := sectionTextsOf(msgs)
	var amps, es int
	for _, s := range secs {
		if chars(s) > maxSectionText {
			t.Errorf("section of %d chars", chars(s))
		}
		if !strings.HasPrefix(s, "*") || !strings.HasSuffix(s, "*") {
			t.Errorf("a part is not bold: %.20q…", s)
		}
		amps += strings.Count(s, "&amp;")
		es += strings.Count(s, "é")
	}
	if amps != 4000 || es != 4000 {
		t.Errorf("%d &amp; and %d é, want 4000 of each", amps, es)
	}
}

func TestRenderBlock(t *testing.T) {
	var fields []bot.Field
	for i := range 12 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("F%d", i), Value: "v", Inline: true})
	}
	fields = append(fields, bot.Field{Name: "Note", Value: "full width"})
	out := renderBlock(bot.Block{Title: "eds/1.1", Text: "🟠 at-risk", Fields: fields, Colour: "#ecb22e",
		Buttons: []bot.Button{{Label: "Log update", Command: "update eds/1.1", Form: true, Style: "primary"}, {Label: "Snooze", Command: "snooze eds/1.1 7d", Style: "danger"}}}, liveMentions)
	if len(out) != 3 {
		t.Fatalf("%d blocks, want section, overflow fields section, actions", len(out))
	}
	first := out[0].block.(*slack.SectionBlock)
	if first.Text.Text != "*eds/1.1*\n🟠 at-risk\n*Note:* full width" || len(first.Fields) != 10 || !first.Text.Verbatim {
		t.Errorf("first section %q with %d fields", first.Text.Text, len(first.Fields))
	}
	if f := first.Fields[0]; f.Text != "*F0*\nv" || f.Type != "mrkdwn" {
		t.Errorf("field %+v", f)
	}
	if len(out[1].block.(*slack.SectionBlock).Fields) != 2 {
		t.Error("overflow fields lost")
	}
	js, _ := json.Marshal(out[2].block)
	for _, want := range []string{`"action_id":"form-0"`, `"value":"update eds/1.1"`, `"style":"primary"`, `"action_id":"cmd-1"`, `"style":"danger"`, `"type":"actions"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("actions lack %s: %s", want, js)
		}
	}
}

// An inline field too long for a field goes full width, where it can
// split, instead of being cut.
func TestLongInlineFieldGoesFullWidth(t *testing.T) {
	long := strings.Repeat("word ", 1000)
	out := renderBlock(bot.Block{Title: "t", Fields: []bot.Field{{Name: "Note", Value: long, Inline: true}}}, liveMentions)
	var text string
	for _, p := range out {
		sec := p.block.(*slack.SectionBlock)
		if len(sec.Fields) != 0 {
			t.Errorf("the field stayed inline")
		}
		text += sec.Text.Text + " "
	}
	if strings.Count(text, "word") != 1000 || !strings.HasPrefix(text, "*t*\n*Note:* word") {
		t.Errorf("field text lost: %d words", strings.Count(text, "word"))
	}
}

func TestRenderEmpty(t *testing.T) {
	if msgs := render(bot.Reply{}, liveMentions); len(msgs) != 0 {
		t.Errorf("an empty reply rendered %d messages", len(msgs))
	}
	msgs := render(bot.Say("unknown target `9.9`: try `/target list`", true), liveMentions)
	if len(msgs) != 1 || msgs[0].Text != "unknown target 9.9: try /target list" || sectionTextsOf(msgs)[0] != "unknown target `9.9`: try `/target list`" {
		t.Errorf("messages %+v", msgs)
	}
}

// The notification text is a short, plain preview of the first line;
// the blocks hold the message whole.
func TestFallbackIsPlainSummary(t *testing.T) {
	r := bot.Reply{Blocks: []bot.Block{{Title: "📊 Targets digest", Text: "line two"}}}
	if got := render(r, liveMentions)[0].Text; got != "📊 Targets digest" {
		t.Errorf("fallback %q", got)
	}
	long := bot.Reply{Blocks: []bot.Block{{Text: strings.Repeat("*word* & ", 200)}}}
	got := render(long, liveMentions)[0].Text
	if chars(unescapeCommand(got)) > maxFallback+1 || !strings.HasSuffix(got, "…") || strings.Contains(got, "*w") || !strings.HasPrefix(got, "word &amp; word") {
		t.Errorf("long fallback %q", got)
	}
}
