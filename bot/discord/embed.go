package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// unit is what must travel in one message: an embed and the buttons
// shown under it.
type unit struct {
	embed *discordgo.MessageEmbed // nil for buttons alone
	rows  [][]discordgo.Button
}

// blockUnits renders a block as embeds, with its buttons under the first.
//
// Nothing is cut. A title that Discord would not show faithfully in an
// embed title (too long, or holding a link or a user, which titles show
// raw) is the description's first line, in bold. A field that does not
// fit Discord's field limits is a "Name: value" line of the description.
// A description longer than an embed allows continues, at a line break,
// in more embeds titled "(continued)"; fields go on the last, and more
// than fit go on more. More than five rows of buttons go with the second
// embed, and so on.
func blockUnits(b bot.Block, dmGuild string) []unit {
	col := colour(b.Colour)
	title, lines := "", []string(nil)
	if b.Title != "" {
		var ok bool
		if title, ok = embedTitle(b.Title, maxEmbedTitle); !ok {
			title, lines = "", markdownLines(b.Title, inEmbed, maxEmbedDesc, true)
		}
	}
	lines = append(lines, markdownLines(b.Text, inEmbed, maxEmbedDesc, false)...)
	var fields []*discordgo.MessageEmbedField
	for _, f := range b.Fields {
		if ef, ok := embedField(f); ok {
			fields = append(fields, ef)
			continue
		}
		lines = append(lines, markdownLines(bot.Bold(f.Name+":")+" "+f.Value, inEmbed, maxEmbedDesc, false)...)
	}
	rows, notes := buttonRows(b.Buttons, dmGuild)
	for _, n := range notes {
		lines = append(lines, markdownLines(n, inEmbed, maxEmbedDesc, false)...)
	}

	var embeds []*discordgo.MessageEmbed
	for i, d := range packLines(lines, maxEmbedDesc) {
		embeds = append(embeds, &discordgo.MessageEmbed{Title: continued(title, i > 0), Description: d, Color: col})
	}
	if len(embeds) == 0 && title != "" {
		embeds = append(embeds, &discordgo.MessageEmbed{Title: title, Color: col})
	}
	for _, f := range fields {
		var last *discordgo.MessageEmbed
		if n := len(embeds); n > 0 {
			last = embeds[n-1]
		}
		if last == nil || len(last.Fields) == maxFields || embedSize(last)+width(f.Name)+width(f.Value) > maxEmbedTotal {
			last = &discordgo.MessageEmbed{Title: continued(title, len(embeds) > 0), Color: col}
			embeds = append(embeds, last)
		}
		last.Fields = append(last.Fields, f)
	}

	units := make([]unit, len(embeds))
	for i, e := range embeds {
		units[i].embed = e
	}
	for i := 0; i*maxRows < len(rows); i++ {
		group := rows[i*maxRows : min((i+1)*maxRows, len(rows))]
		switch {
		case i < len(units):
			units[i].rows = group
		case len(embeds) == 0:
			units = append(units, unit{rows: group})
		default:
			units = append(units, unit{embed: &discordgo.MessageEmbed{Title: continued(title, true), Color: col}, rows: group})
		}
	}
	return units
}

// embedTitle renders markup for an embed title or field name, if it can
// be one faithfully: one line of text and code, at most max wide.
func embedTitle(markup string, max int) (string, bool) {
	if strings.Contains(markup, "\n") {
		return "", false
	}
	spans := spansOf(markup)
	if !plainTitle(spans) {
		return "", false
	}
	s := renderSpans(spans, inTitle)
	return s, width(s) <= max
}

// continued is the title of an embed that continues a block.
func continued(title string, more bool) string {
	switch {
	case !more:
		return title
	case title != "" && width(title)+len(" (continued)") <= maxEmbedTitle:
		return title + " (continued)"
	default:
		return "(continued)"
	}
}

// embedField renders a field, if it fits Discord's field limits.
func embedField(f bot.Field) (*discordgo.MessageEmbedField, bool) {
	const none = "\u200b" // Discord requires a name and a value; a zero-width space shows none
	name, value := none, none
	if strings.TrimSpace(f.Name) != "" {
		var ok bool
		if name, ok = embedTitle(f.Name, maxFieldName); !ok {
			return nil, false
		}
	}
	if strings.TrimSpace(f.Value) != "" {
		value = strings.Join(markdownLines(f.Value, inEmbed, maxFieldValue, false), "\n")
		if width(value) > maxFieldValue {
			return nil, false
		}
	}
	return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: f.Inline}, true
}
