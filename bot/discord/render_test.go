package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

func TestRenderPlainText(t *testing.T) {
	msgs := render(bot.Reply{Text: "line one\nline two"}, "")
	if len(msgs) != 1 || msgs[0].Content != "line one\nline two" || len(msgs[0].Embeds) != 0 {
		t.Fatalf("%+v", msgs)
	}
	if got := render(bot.Reply{}, "")[0].Content; got == "" {
		t.Error("an empty reply renders an empty message, which Discord refuses")
	}
}

func TestRenderTruncates(t *testing.T) {
	long := strings.Repeat("word ", 1000) // 5000 characters
	msgs := render(bot.Reply{Text: long}, "")
	c := msgs[0].Content
	if n := utf8.RuneCountInString(c); n > maxContent || n < maxContent-400 {
		t.Fatalf("content has %d characters", n)
	}
	if !strings.HasSuffix(c, "word…") {
		t.Errorf("content ends %q, want a cut at a word with …", c[len(c)-12:])
	}
	// Multi-byte text is cut on characters, not bytes.
	if got := truncate(strings.Repeat("é", 300), 256); utf8.RuneCountInString(got) != 256 || !utf8.ValidString(got) {
		t.Errorf("truncate gave %d characters", utf8.RuneCountInString(got))
	}
}

func TestRenderEmbeds(t *testing.T) {
	var fields []bot.Field
	for i := range 30 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("f%d", i), Value: strings.Repeat("v", 2000)})
	}
	r := bot.Reply{
		Text: "summary <@1>\nmore detail",
		Blocks: []bot.Block{
			{Title: strings.Repeat("T", 300), Text: "body", Colour: "#ecb22e", Fields: fields[:3]},
			{}, // empty: no embed
			{Title: "bad colour", Colour: "red"},
		},
		Details: []bot.Block{{Title: "detail", Fields: fields}},
	}
	msgs := render(r, "")
	if msgs[0].Content != "summary <@1>" {
		t.Errorf("content %q, want the first line", msgs[0].Content)
	}
	var all []*discordgo.MessageEmbed
	for _, m := range msgs {
		if len(m.Embeds) > maxEmbeds {
			t.Errorf("message with %d embeds", len(m.Embeds))
		}
		size := 0
		for _, e := range m.Embeds {
			size += embedSize(e)
		}
		if size > maxEmbedTotal {
			t.Errorf("message with %d embed characters", size)
		}
		all = append(all, m.Embeds...)
	}
	if len(all) != 3 {
		t.Fatalf("%d embeds, want 3", len(all))
	}
	if n := utf8.RuneCountInString(all[0].Title); n > maxEmbedTitle {
		t.Errorf("title has %d characters", n)
	}
	if all[0].Color != 0xecb22e || all[1].Color != 0 {
		t.Errorf("colours %x %x", all[0].Color, all[1].Color)
	}
	if n := len(all[2].Fields); n > maxFields {
		t.Errorf("%d fields", n)
	}
	if last := all[2].Fields[len(all[2].Fields)-1]; last.Name != "…" || !strings.HasSuffix(last.Value, "more not shown") {
		t.Errorf("last field %+v, want a count of the fields left out", last)
	}
	for _, f := range all[2].Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Fatalf("field value has %d characters", utf8.RuneCountInString(f.Value))
		}
	}
	// 25 fields of 1024 characters do not fit in one message's 6000.
	if len(msgs) < 2 {
		t.Errorf("%d messages, want the details to spill over", len(msgs))
	}
}

func TestRenderButtons(t *testing.T) {
	var many []bot.Button
	for i := range 7 {
		many = append(many, bot.Button{Label: fmt.Sprintf("b%d", i), Command: fmt.Sprintf("show eds/1.%d", i)})
	}
	blocks := []bot.Block{
		{Title: "a", Buttons: many}, // 7 buttons: rows of 5 and 2
		{Title: "b", Buttons: []bot.Button{
			{Label: "dup", Command: "show eds/1.0"}, // same custom id as above: dropped
			{Label: "long", Command: "add eds/1 1.9 " + strings.Repeat("x", 100)},
			{Label: "", Command: "update eds/1.1 done", Style: "danger"},
			{Label: "form", Command: "update eds/1.1", Form: true, Style: "primary"},
		}},
		{Title: "c", Buttons: []bot.Button{{Label: "c1", Command: "list"}}},
		{Title: "d", Buttons: []bot.Button{{Label: "d1", Command: "list mine"}}},
		{Title: "e", Buttons: []bot.Button{{Label: "e1", Command: "list overdue"}}}, // a sixth row: dropped
	}
	rows := render(bot.Reply{Text: "x", Blocks: blocks}, "")[0].Components
	if len(rows) != maxRows {
		t.Fatalf("%d rows, want %d", len(rows), maxRows)
	}
	var ids []string
	for _, row := range rows {
		bs := row.(discordgo.ActionsRow).Components
		if len(bs) > maxButtonsInRow {
			t.Errorf("row with %d buttons", len(bs))
		}
		for _, b := range bs {
			ids = append(ids, b.(discordgo.Button).CustomID)
		}
	}
	want := "cmd:show eds/1.0 cmd:show eds/1.1 cmd:show eds/1.2 cmd:show eds/1.3 cmd:show eds/1.4 cmd:show eds/1.5 cmd:show eds/1.6 cmd:update eds/1.1 done form:update eds/1.1 cmd:list cmd:list mine"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("custom ids\n got %s\nwant %s", got, want)
	}
	b := rows[2].(discordgo.ActionsRow).Components
	if d := b[0].(discordgo.Button); d.Label != "update eds/1.1 done" || d.Style != discordgo.DangerButton {
		t.Errorf("unlabelled danger button %+v", d)
	}
	if f := b[1].(discordgo.Button); f.Style != discordgo.PrimaryButton {
		t.Errorf("form button style %v", f.Style)
	}
}

func TestParseCustomID(t *testing.T) {
	cases := []struct {
		id, kind, guild, command string
		ok                       bool
	}{
		{"cmd:update eds/1.1 done", "cmd", "", "update eds/1.1 done", true},
		{"form:update eds/1.1", "form", "", "update eds/1.1", true},
		{"cmd@81234:snooze eds/1.1 7d", "cmd", "81234", "snooze eds/1.1 7d", true},
		{"form@81234:update eds/1.1", "form", "81234", "update eds/1.1", true},
		{"cmd@x1:list", "", "", "", false},
		{"other:list", "", "", "", false},
		{"cmd:", "", "", "", false},
		{"cmd", "", "", "", false},
	}
	for _, c := range cases {
		kind, guild, command, ok := parseCustomID(c.id)
		if kind != c.kind || guild != c.guild || command != c.command || ok != c.ok {
			t.Errorf("parseCustomID(%q) = %q %q %q %v", c.id, kind, guild, command, ok)
		}
	}
	for _, b := range []bot.Button{{Command: "update eds/1.1"}, {Command: "update eds/1.1", Form: true}} {
		for _, g := range []string{"", "81234"} {
			_, guild, command, ok := parseCustomID(customID(b, g))
			if !ok || guild != g || command != b.Command {
				t.Errorf("round trip of %+v in %q: %q %q %v", b, g, guild, command, ok)
			}
		}
	}
}
