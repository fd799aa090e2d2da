package discord

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// Discord's message limits, in characters (counted by width). They live
// here alone: the command layer says what to show, however long, and the
// renderer splits it into as many embeds and messages as it takes.
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
	maxMentionUsers = 100 // allowed_mentions.users
)

// message is one Discord message: a reply, a follow-up or a post.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Users may be notified by the message; no one else, and never
	// @everyone, @here or a role.
	Users []string
}

// mentions is allowed_mentions for a message that may notify users.
// Parse is empty rather than absent: nothing in the text pings by itself.
func mentions(users []string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: users}
}

// render turns a Reply into the messages that show all of it, in order.
//
// Leading blocks that are only text are the content, split at line breaks
// into more messages when longer than Discord allows. Every other block
// is one or more embeds (see blockUnits), with its buttons in the same
// message. Embeds fill a message up to Discord's limits and spill into
// the next; Details start a message of their own, below the top one.
//
// dmGuild is set when the message goes to a DM: a click there carries no
// server, so the buttons carry it instead.
func render(r bot.Reply, dmGuild string) []message {
	l := layout{}
	blocks := r.Blocks
	var content []string
	for len(blocks) > 0 && textOnly(blocks[0]) {
		content = append(content, blocks[0].Text)
		blocks = blocks[1:]
	}
	if len(content) > 0 {
		lines := markdownLines(strings.Join(content, "\n\n"), inContent, maxContent, false)
		for _, c := range packLines(lines, maxContent) {
			l.newMessage().Content = c
		}
	}
	for _, b := range blocks {
		for _, u := range blockUnits(b, dmGuild) {
			l.add(u)
		}
	}
	l.open = false // details start below the top message
	for _, b := range r.Details {
		for _, u := range blockUnits(b, dmGuild) {
			l.add(u)
		}
	}
	if len(l.msgs) == 0 {
		// Discord refuses an empty message.
		l.newMessage().Content = "(no reply)"
	}
	for i := range l.msgs {
		l.msgs[i].Users = notifiable(r.Notify, l.msgs[i].Content)
	}
	return l.msgs
}

// textOnly reports whether a block is just text, which reads best as
// plain message content.
func textOnly(b bot.Block) bool {
	return b.Title == "" && len(b.Fields) == 0 && b.Colour == "" && len(b.Buttons) == 0 && strings.TrimSpace(b.Text) != ""
}

// notifiable is allowed_mentions.users for one message: notify, which
// Discord takes up to 100 of; past that, those the content mentions, the
// only place a mention notifies from.
func notifiable(notify []string, content string) []string {
	if len(notify) <= maxMentionUsers {
		return append([]string(nil), notify...)
	}
	var users []string
	for _, u := range notify {
		if len(users) < maxMentionUsers && strings.Contains(content, "<@"+u+">") {
			users = append(users, u)
		}
	}
	return users
}

// layout packs units into messages.
type layout struct {
	msgs []message
	open bool            // the last message may take more units
	size int             // embed characters in the last message
	ids  map[string]bool // custom ids in the last message, which Discord requires unique
}

func (l *layout) newMessage() *message {
	l.msgs = append(l.msgs, message{Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}})
	l.open, l.size, l.ids = true, 0, map[string]bool{}
	return &l.msgs[len(l.msgs)-1]
}

// add puts u in the last message if it fits there, else in a new one.
// A button already in the message is the same action, so it is not
// repeated; in a new message it is.
func (l *layout) add(u unit) {
	var m *message
	rows := u.rows
	if l.open {
		m = &l.msgs[len(l.msgs)-1]
		rows = l.unseen(u.rows)
		if u.embed != nil && (len(m.Embeds) == maxEmbeds || l.size+embedSize(u.embed) > maxEmbedTotal) ||
			len(m.Components)+len(rows) > maxRows {
			m = nil
		}
	}
	if m == nil {
		m, rows = l.newMessage(), u.rows
	}
	if u.embed != nil {
		m.Embeds = append(m.Embeds, u.embed)
		l.size += embedSize(u.embed)
	}
	for _, row := range rows {
		cs := make([]discordgo.MessageComponent, len(row))
		for i, b := range row {
			cs[i] = b
			l.ids[b.CustomID] = true
		}
		m.Components = append(m.Components, discordgo.ActionsRow{Components: cs})
	}
}

// unseen is rows without the buttons already in the last message.
func (l *layout) unseen(rows [][]discordgo.Button) [][]discordgo.Button {
	var out [][]discordgo.Button
	for _, row := range rows {
		var keep []discordgo.Button
		for _, b := range row {
			if !l.ids[b.CustomID] {
				keep = append(keep, b)
			}
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out
}

// embedSize counts what Discord counts against the 6000 limit.
func embedSize(e *discordgo.MessageEmbed) int {
	n := width(e.Title) + width(e.Description)
	for _, f := range e.Fields {
		n += width(f.Name) + width(f.Value)
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
