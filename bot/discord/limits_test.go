package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// A reply as big as a command could make: hundreds of targets with long
// titles, many fields, long notes and more buttons than fit. Every
// message rendered from it must be one Discord accepts.
func TestBigRepliesStayInDiscordLimits(t *testing.T) {
	long := strings.Repeat("Équité @everyone ", 400)
	var blocks []bot.Block
	for i := range 300 {
		b := bot.Block{Title: fmt.Sprintf("eds/%d %s", i, long[:600]), Text: long, Colour: "#ffffff"}
		for j := range 40 {
			b.Fields = append(b.Fields, bot.Field{Name: long[:300], Value: long, Inline: j%2 == 0})
		}
		for j := range 12 {
			b.Buttons = append(b.Buttons, bot.Button{Label: long[:100], Command: fmt.Sprintf("snooze eds/%d %dd", i, j), Form: j%2 == 0})
		}
		blocks = append(blocks, b)
	}
	runes := utf8.RuneCountInString
	for _, dm := range []string{"", "81234"} {
		msgs := render(bot.Reply{Text: long, Blocks: blocks, Details: blocks}, dm)
		ids := map[string]bool{}
		for i, m := range msgs {
			where := fmt.Sprintf("dm=%q message %d", dm, i)
			if runes(m.Content) > maxContent || len(m.Embeds) > maxEmbeds || m.Content == "" && len(m.Embeds) == 0 {
				t.Errorf("%s: content %d chars, %d embeds", where, runes(m.Content), len(m.Embeds))
			}
			total := 0
			for _, e := range m.Embeds {
				total += embedSize(e)
				if runes(e.Title) > maxEmbedTitle || runes(e.Description) > maxEmbedDesc || len(e.Fields) > maxFields {
					t.Errorf("%s: embed title %d, description %d, %d fields", where, runes(e.Title), runes(e.Description), len(e.Fields))
				}
				for _, f := range e.Fields {
					if runes(f.Name) > maxFieldName || runes(f.Value) > maxFieldValue || f.Name == "" || f.Value == "" {
						t.Errorf("%s: field %d/%d chars", where, runes(f.Name), runes(f.Value))
					}
				}
			}
			if total > maxEmbedTotal {
				t.Errorf("%s: embeds total %d chars", where, total)
			}
			if len(m.Components) > maxRows {
				t.Errorf("%s: %d rows", where, len(m.Components))
			}
			for _, row := range m.Components {
				cs := row.(discordgo.ActionsRow).Components
				if len(cs) == 0 || len(cs) > maxButtonsInRow {
					t.Errorf("%s: row of %d", where, len(cs))
				}
				for _, c := range cs {
					b := c.(discordgo.Button)
					if runes(b.Label) > maxButtonLabel || runes(b.CustomID) > maxCustomID || ids[b.CustomID] {
						t.Errorf("%s: button %q / %q", where, b.Label, b.CustomID)
					}
					ids[b.CustomID] = true
				}
			}
		}
	}
}
