package discord

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// Discord's message limits, in characters.
const (
	maxContent      = 2000
	maxEmbeds       = 10
	maxEmbedTotal   = 6000
	maxEmbedTitle   = 256
	maxEmbedDesc    = 4096
	maxFields       = 25
	maxFieldName    = 256
	maxFieldValue   = 1024
	maxButtonsInRow = 5
	maxRows         = 5
	maxButtonLabel  = 80
	maxCustomID     = 100
)

// message is one Discord message: a reply, a follow-up or a post.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// allowedMentions lets user mentions ping, and never @everyone or roles,
// whatever a note someone typed says.
func allowedMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}
}

// render turns a Reply into one or more messages. The first carries the
// content and the buttons; embeds that do not fit in it (more than 10, or
// more than 6000 characters) spill into further messages.
//
// With no blocks the content is the whole Text. With blocks the embeds
// carry the body, so the content is only Text's first line, a summary that
// keeps mentions in it pinging (mentions inside embeds do not).
//
// dmGuild is set when the message goes to a DM: a click there carries no
// server, so the buttons carry it instead.
func render(r bot.Reply, dmGuild string) []message {
	content := r.Summary()
	first := message{
		Content:    truncate(content, maxContent),
		Embeds:     []*discordgo.MessageEmbed{},
		Components: buttons(r.Blocks, dmGuild),
	}
	msgs := []message{first}
	size := 0
	for _, b := range append(append([]bot.Block{}, r.Blocks...), r.Details...) {
		e := embed(b)
		if e == nil {
			continue
		}
		n := embedSize(e)
		cur := &msgs[len(msgs)-1]
		if len(cur.Embeds) >= maxEmbeds || size+n > maxEmbedTotal {
			msgs = append(msgs, message{Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}})
			cur, size = &msgs[len(msgs)-1], 0
		}
		cur.Embeds = append(cur.Embeds, e)
		size += n
	}
	if msgs[0].Content == "" && len(msgs[0].Embeds) == 0 {
		// Discord refuses an empty message.
		msgs[0].Content = "(no reply)"
	}
	return msgs
}

func embed(b bot.Block) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:       truncate(b.Title, maxEmbedTitle),
		Description: truncate(b.Text, maxEmbedDesc),
		Color:       colour(b.Colour),
	}
	// One embed may not exceed the whole message's 6000 characters: fields
	// that do not fit are counted in a last field instead. reserve keeps
	// room for that field.
	const reserve = 40
	size := embedSize(e)
	for i, f := range b.Fields {
		name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
		if name == "" {
			name = "\u200b" // Discord requires a name; a zero-width space shows none
		}
		if value == "" {
			value = "-"
		}
		field := &discordgo.MessageEmbedField{Name: truncate(name, maxFieldName), Value: truncate(value, maxFieldValue), Inline: f.Inline}
		n := utf8.RuneCountInString(field.Name) + utf8.RuneCountInString(field.Value)
		if len(e.Fields) == maxFields-1 && i < len(b.Fields)-1 || size+n > maxEmbedTotal-reserve {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "…", Value: fmt.Sprintf("%d more not shown", len(b.Fields)-i)})
			break
		}
		e.Fields = append(e.Fields, field)
		size += n
	}
	if e.Title == "" && e.Description == "" && len(e.Fields) == 0 {
		return nil
	}
	return e
}

// embedSize counts what Discord counts against the 6000 limit.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// colour converts "#rrggbb" to Discord's integer colour; 0 (none) when
// the value is not one.
func colour(hex string) int {
	hex = strings.TrimPrefix(strings.TrimSpace(hex), "#")
	if len(hex) != 6 {
		return 0
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0
	}
	return int(v)
}

// buttons lays each block's buttons out in rows of five, starting a new
// row per block so they stay beside their block, up to five rows. Discord
// rejects a message whose custom ids repeat, so repeats are dropped.
func buttons(blocks []bot.Block, dmGuild string) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	seen := map[string]bool{}
	for _, b := range blocks {
		var row []discordgo.MessageComponent
		flush := func() {
			if len(row) > 0 && len(rows) < maxRows {
				rows = append(rows, discordgo.ActionsRow{Components: row})
			}
			row = nil
		}
		for _, bt := range b.Buttons {
			id := customID(bt, dmGuild)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			label := strings.TrimSpace(bt.Label)
			if label == "" {
				label = bt.Command
			}
			row = append(row, discordgo.Button{Label: truncate(label, maxButtonLabel), Style: buttonStyle(bt.Style), CustomID: id})
			if len(row) == maxButtonsInRow {
				flush()
			}
		}
		flush()
	}
	return rows
}

func buttonStyle(s string) discordgo.ButtonStyle {
	switch s {
	case "primary":
		return discordgo.PrimaryButton
	case "danger":
		return discordgo.DangerButton
	default:
		return discordgo.SecondaryButton
	}
}

// customID encodes a button as "cmd:<command>" or "form:<command>"; in a
// DM, as "cmd@<guild>:<command>". It returns "" when the command does not
// fit in Discord's 100 characters: a button that ran a cut command would
// do the wrong thing.
func customID(b bot.Button, dmGuild string) string {
	kind := "cmd"
	if b.Form {
		kind = "form"
	}
	if dmGuild != "" {
		kind += "@" + dmGuild
	}
	cmd := strings.TrimSpace(b.Command)
	if cmd == "" {
		return ""
	}
	id := kind + ":" + cmd
	if utf8.RuneCountInString(id) > maxCustomID {
		return ""
	}
	return id
}

// parseCustomID splits a custom id made by customID. guild is "" unless
// the id was made for a DM.
func parseCustomID(id string) (kind, guild, command string, ok bool) {
	head, command, ok := strings.Cut(id, ":")
	if !ok || strings.TrimSpace(command) == "" {
		return "", "", "", false
	}
	kind, guild, _ = strings.Cut(head, "@")
	if kind != "cmd" && kind != "form" {
		return "", "", "", false
	}
	for _, c := range guild {
		if c < '0' || c > '9' {
			return "", "", "", false
		}
	}
	return kind, guild, strings.TrimSpace(command), true
}

// truncate shortens s to at most n characters, cutting at a line or word
// break near the end when there is one, and marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := len(r)
	for i := len(r) - 1; i >= len(r)*4/5; i-- {
		if r[i] == '\n' || r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \n") + "…"
}
