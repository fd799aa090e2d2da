package slack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// Block Kit limits, from Slack's reference. Going over any of them makes
// Slack reject the whole message, so rendering trims instead.
const (
	maxBlocks      = 50    // blocks in a message
	maxSectionText = 3000  // characters in a section's text
	maxFieldText   = 2000  // characters in one section field
	maxFields      = 10    // fields in one section
	maxButtons     = 25    // elements in one actions block
	maxButtonText  = 75    // characters on a button
	maxButtonValue = 2000  // characters in a button's value
	maxMessageText = 40000 // characters in a message's text fallback
)

// Action id prefixes on buttons. Slack wants action ids unique within a
// block, so each button gets "<prefix>-<index>".
const (
	actionCommand = "cmd"
	actionForm    = "form"
)

// message is the JSON body of a command response, a response_url
// follow-up or a socket-mode ack for a slash command.
type message struct {
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal *bool         `json:"replace_original,omitempty"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
}

// empty reports whether there is nothing to show; Slack rejects a
// message with neither text nor blocks.
func (m message) empty() bool { return m.Text == "" && len(m.Blocks) == 0 }

// responseType is Slack's name for who sees a reply.
func responseType(r bot.Reply) string {
	if r.Ephemeral {
		return slack.ResponseTypeEphemeral
	}
	return slack.ResponseTypeInChannel
}

// render turns a reply into a message: Block Kit blocks with Reply.Text as
// the fallback Slack shows in notifications and old clients.
func render(r bot.Reply) message {
	return message{
		ResponseType: responseType(r),
		Text:         truncateMrkdwn(mrkdwn(r.Summary()), maxMessageText),
		Blocks:       renderBlocks(r.Blocks, maxBlocks),
	}
}

// textBlocks splits text into section blocks of at most maxSectionText
// characters, breaking at line ends where it can, and never inside an
// entity or a mention.
func textBlocks(text string, limit int) []slack.Block {
	text = mrkdwn(text)
	var out []slack.Block
	for text != "" && len(out) < limit {
		chunk := text
		if utf8.RuneCountInString(chunk) > maxSectionText {
			chunk = prefixRunes(text, maxSectionText)
			if i := strings.LastIndexByte(chunk, '\n'); i > 0 {
				chunk = chunk[:i+1]
			} else if c := cutMarkup(chunk); c != "" {
				chunk = c
			}
		}
		text = text[len(chunk):]
		if s := strings.TrimSpace(chunk); s != "" {
			out = append(out, section(s))
		}
	}
	return out
}

// renderBlocks renders bot blocks into at most limit Slack blocks. When
// they do not all fit, the last block says how many were left out, so a
// long list tells its reader to narrow it rather than silently ending.
func renderBlocks(blocks []bot.Block, limit int) []slack.Block {
	var out []slack.Block
	for i, b := range blocks {
		rb := renderBlock(b)
		room := limit
		if i < len(blocks)-1 {
			room-- // keep space for the "and N more" line
		}
		if len(out)+len(rb) > room {
			n := len(blocks) - i
			note := fmt.Sprintf("…and %d more, narrow the list", n)
			out = append(out, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, note, false, false)))
			return out
		}
		out = append(out, rb...)
	}
	return out
}

// renderBlock turns one bot block into a section (title in bold, then the
// text and full-width fields), more sections for fields past Slack's ten,
// and an actions block for its buttons. Colour has no Block Kit
// equivalent; the command layer already puts the status or rating emoji
// in the text.
func renderBlock(b bot.Block) []slack.Block {
	var lines []string
	if b.Title != "" {
		lines = append(lines, "*"+mrkdwn(b.Title)+"*")
	}
	if b.Text != "" {
		lines = append(lines, mrkdwn(b.Text))
	}
	var inline []*slack.TextBlockObject
	for _, f := range b.Fields {
		if !f.Inline {
			lines = append(lines, "*"+mrkdwn(f.Name)+"*: "+mrkdwn(f.Value))
			continue
		}
		inline = append(inline, slack.NewTextBlockObject(slack.MarkdownType,
			truncateMrkdwn("*"+mrkdwn(f.Name)+"*\n"+mrkdwn(f.Value), maxFieldText), false, false))
	}
	var out []slack.Block
	text := strings.Join(lines, "\n")
	first := min(len(inline), maxFields)
	if text != "" || first > 0 {
		var txt *slack.TextBlockObject
		if text != "" {
			txt = slack.NewTextBlockObject(slack.MarkdownType, truncateMrkdwn(text, maxSectionText), false, false)
		}
		out = append(out, slack.NewSectionBlock(txt, inline[:first], nil))
	}
	for i := first; i < len(inline); i += maxFields {
		out = append(out, slack.NewSectionBlock(nil, inline[i:min(i+maxFields, len(inline))], nil))
	}
	if act := buttons(b.Buttons); act != nil {
		out = append(out, act)
	}
	return out
}

// buttons renders an actions block, or nil when no button fits. Each
// button's value is the command it runs, so pressing it needs no
// server-side state; a command too long for a value is left out, since
// a cut one would run something else.
func buttons(bs []bot.Button) *slack.ActionBlock {
	var els []slack.BlockElement
	for i, b := range bs {
		if len(els) == maxButtons {
			break
		}
		if b.Command == "" || utf8.RuneCountInString(b.Command) > maxButtonValue {
			continue
		}
		label := strings.TrimSpace(b.Label)
		if label == "" {
			label = b.Command // Slack refuses a button with no text
		}
		prefix := actionCommand
		if b.Form {
			prefix = actionForm
		}
		el := slack.NewButtonBlockElement(prefix+"-"+strconv.Itoa(i), b.Command,
			slack.NewTextBlockObject(slack.PlainTextType, truncate(label, maxButtonText), true, false))
		switch b.Style {
		case "primary":
			el.Style = slack.StylePrimary
		case "danger":
			el.Style = slack.StyleDanger
		}
		els = append(els, el)
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock("", els...)
}

// section is a section block of mrkdwn text, already escaped.
func section(md string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncateMrkdwn(md, maxSectionText), false, false), nil, nil)
}

// truncate shortens s to at most n characters (Slack counts characters,
// not bytes), marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return prefixRunes(s, n-1) + "…"
}

// prefixRunes returns the first n runes of s.
func prefixRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// plainFallback builds notification text for blocks that come without
// one, such as a digest's thread details.
func plainFallback(blocks []bot.Block) string {
	var parts []string
	for _, b := range blocks {
		switch {
		case b.Title != "":
			parts = append(parts, b.Title)
		case b.Text != "":
			parts = append(parts, b.Text)
		}
	}
	return truncateMrkdwn(mrkdwn(strings.Join(parts, "\n")), maxMessageText)
}
