package discord

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

func TestRenderPlainText(t *testing.T) {
	msgs := render(bot.Say("line one\nline *two*", false), "")
	if len(msgs) != 1 || msgs[0].Content != "line one\nline **two**" || len(msgs[0].Embeds) != 0 || len(msgs[0].Components) != 0 {
		t.Fatalf("%+v", msgs)
	}
	if got := render(bot.Reply{}, "")[0].Content; got == "" {
		t.Error("an empty reply renders an empty message, which Discord refuses")
	}
}

// Content longer than a message continues in more messages, split at
// line breaks, and a line longer than a message between words: nothing
// is cut, and no entity is split.
func TestRenderSplitsContent(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, fmt.Sprintf("line %d *bold* `code` <https://nhs.uk|link> <@123>", i))
	}
	lines = append(lines, strings.Repeat("wörd ", 1000)) // one line of 5000 characters
	msgs := render(bot.Say(strings.Join(lines, "\n"), false), "")
	if len(msgs) < 10 {
		t.Fatalf("%d messages", len(msgs))
	}
	var got []string
	for i, m := range msgs {
		checkLimits(t, fmt.Sprint("message ", i), wire(t, m))
		if strings.HasPrefix(m.Content, "\n") || strings.HasSuffix(m.Content, "\n") {
			t.Errorf("message %d starts or ends with a blank line", i)
		}
		got = append(got, strings.Split(m.Content, "\n")...)
	}
	for i := range 300 {
		if want := fmt.Sprintf("line %d **bold** `code` link (<https://nhs.uk>) <@123>", i); got[i] != want {
			t.Fatalf("line %d is %q, want %q", i, got[i], want)
		}
	}
	if tail := strings.Join(got[300:], ""); tail != strings.Repeat("wörd ", 1000) || len(got) < 303 {
		t.Errorf("the long line came back in %d pieces, %d characters", len(got)-300, width(tail))
	}
}

func TestRenderEmbeds(t *testing.T) {
	var fields []bot.Field
	for i := range 30 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("f%d", i), Value: fmt.Sprintf("v%d", i), Inline: true})
	}
	var text []string
	for i := range 200 {
		text = append(text, fmt.Sprintf("%03d %s", i, strings.Repeat("x", 60)))
	}
	r := bot.Reply{
		Blocks: []bot.Block{
			{Title: strings.Repeat("T", 300), Text: "body", Colour: "#ecb22e", Fields: fields[:2]},
			{}, // empty: no embed
			{Title: "bad colour", Colour: "red"},
			{Title: "Owned by <@555>", Text: "owner"},
			{Title: "big field", Fields: []bot.Field{{Name: "note", Value: strings.Repeat("n", 1500)}}},
		},
		Details: []bot.Block{
			{Title: "many fields", Fields: fields},
			{Title: "long text", Text: strings.Join(text, "\n"), Colour: "#2eb67d"},
		},
	}
	msgs := render(r, "")
	var all []wireEmbed
	for i, m := range msgs {
		w := wire(t, m)
		checkLimits(t, fmt.Sprint("message ", i), w)
		all = append(all, w.Embeds...)
	}
	titles := func() []string {
		var ts []string
		for _, e := range all {
			ts = append(ts, e.Title)
		}
		return ts
	}
	want := []string{"", "bad colour", "", "big field", "many fields", "many fields (continued)", "long text", "long text (continued)", "long text (continued)", "long text (continued)"}
	if got := titles(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("titles %q\nwant   %q", got, want)
	}
	// A title too long for an embed title, or holding a mention (which
	// titles show raw), is the description's first line, in bold.
	if d := all[0].Description; d != "**"+strings.Repeat("T", 300)+"**\nbody" || all[0].Color != 0xecb22e || len(all[0].Fields) != 2 {
		t.Errorf("long title: %+v", all[0])
	}
	if all[1].Color != 0 {
		t.Errorf("bad colour gave %x", all[1].Color)
	}
	if d := all[2].Description; d != "**Owned by <@555>**\nowner" {
		t.Errorf("title with a mention: %q", d)
	}
	// A field too big for a field is a line of the description.
	if e := all[3]; len(e.Fields) != 0 || e.Description != "**note:** "+strings.Repeat("n", 1500) {
		t.Errorf("big field: %d fields, description %.30q", len(e.Fields), e.Description)
	}
	// 30 fields: 25, then 5 more in a continuation.
	if len(all[4].Fields) != 25 || len(all[5].Fields) != 5 || all[5].Fields[4].Name != "f29" || !all[5].Fields[4].Inline {
		t.Errorf("fields split %d + %d", len(all[4].Fields), len(all[5].Fields))
	}
	// 200 lines of 64 characters: four embeds, split between lines, in order.
	var back []string
	for _, e := range all[6:] {
		if e.Color != 0x2eb67d {
			t.Errorf("continuation lost its colour")
		}
		back = append(back, strings.Split(e.Description, "\n")...)
	}
	if strings.Join(back, "\n") != strings.Join(text, "\n") {
		t.Errorf("long text came back as %d lines", len(back))
	}
	// Details start below the top message.
	if len(msgs) < 2 || len(msgs[0].Embeds) != 4 {
		t.Errorf("top message has %d embeds, want the 4 blocks", len(msgs[0].Embeds))
	}
}

func TestRenderButtons(t *testing.T) {
	var many []bot.Button
	for i := range 7 {
		many = append(many, bot.Button{Label: fmt.Sprintf("b%d", i), Command: fmt.Sprintf("show eds/1.%d", i)})
	}
	long := "add eds/1 1.9 " + strings.Repeat("x", 100)
	blocks := []bot.Block{
		{Title: "a", Buttons: many}, // 7 buttons: rows of 5 and 2
		{Title: "b", Buttons: []bot.Button{
			{Label: "dup", Command: "show eds/1.0"}, // already in this message: not repeated
			{Label: "Add 1.9", Command: long},       // too long for a custom id: said in the text
			{Label: "", Command: "update eds/1.1 done", Style: "danger"},
			{Label: "form", Command: "update eds/1.1", Form: true, Style: "primary"},
		}},
		{Title: "c", Buttons: []bot.Button{{Label: "c1", Command: "list"}}},
		{Title: "d", Buttons: []bot.Button{{Label: "d1", Command: "list mine"}}},
		{Title: "e", Buttons: []bot.Button{{Label: strings.Repeat("e", 100), Command: "list overdue"}}}, // a sixth row: in the next message, with its block
	}
	msgs := render(bot.Reply{Blocks: blocks}, "")
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	var got []string
	for i, m := range msgs {
		w := wire(t, m)
		checkLimits(t, fmt.Sprint("message ", i), w)
		var titles []string
		for _, e := range w.Embeds {
			titles = append(titles, e.Title)
		}
		_, ids := w.buttons()
		got = append(got, strings.Join(titles, ",")+": "+strings.Join(ids, " "))
	}
	want := []string{
		"a,b,c,d: cmd:show eds/1.0 cmd:show eds/1.1 cmd:show eds/1.2 cmd:show eds/1.3 cmd:show eds/1.4 cmd:show eds/1.5 cmd:show eds/1.6 cmd:update eds/1.1 done form:update eds/1.1 cmd:list cmd:list mine",
		"e: cmd:list overdue",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	rows := msgs[0].Components
	b := rows[2].(discordgo.ActionsRow).Components
	if d := b[0].(discordgo.Button); d.Label != "update eds/1.1 done" || d.Style != discordgo.DangerButton {
		t.Errorf("unlabelled danger button %+v", d)
	}
	if f := b[1].(discordgo.Button); f.Style != discordgo.PrimaryButton {
		t.Errorf("form button style %v", f.Style)
	}
	if d := msgs[0].Embeds[1].Description; d != "“Add 1.9” does not fit in a Discord button: type `/target "+long+"`" {
		t.Errorf("the too-long button says %q", d)
	}
	if l := msgs[1].Components[0].(discordgo.ActionsRow).Components[0].(discordgo.Button).Label; l != strings.Repeat("e", 79)+"…" {
		t.Errorf("long label %q", l)
	}
}

// Discord takes at most 100 users to notify; past that, a message may
// notify those its content mentions, the only ones a mention notifies.
func TestNotifiable(t *testing.T) {
	if got := notifiable([]string{"1", "2"}, ""); len(got) != 2 {
		t.Errorf("%v", got)
	}
	var many []string
	for i := range 150 {
		many = append(many, fmt.Sprint(1000+i))
	}
	if got := notifiable(many, "<@1003> and <@1149>"); strings.Join(got, ",") != "1003,1149" {
		t.Errorf("%v", got)
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
