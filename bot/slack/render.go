package slack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// Block Kit limits, from Slack's reference. Going over any of them makes
// Slack reject the whole message, so rendering splits content into more
// sections, more blocks and more messages; it never cuts it. These are
// the only place the bot knows them: the command layer says what to
// show, however long.
const (
	maxBlocks      = 50   // blocks in a message
	maxHomeBlocks  = 100  // blocks in a Home tab view
	maxSectionText = 3000 // characters in a section's text
	maxFieldText   = 2000 // characters in one section field
	maxFields      = 10   // fields in one section
	maxButtons     = 25   // elements in one actions block
	maxButtonText  = 75   // characters on a button
	maxButtonValue = 2000 // characters in a button's value
	// maxMessageChars budgets the text of one message's blocks. Slack
	// answers msg_blocks_too_long past about 12,000 characters in all,
	// a limit it does not document exactly, so we keep well inside it.
	maxMessageChars = 11000
	// maxSectionChars bounds a section's text and fields together, so
	// ten long fields cannot make one block bigger than a message.
	maxSectionChars = 5000
	// maxFallback bounds the notification text: it is a preview of the
	// first line, and the blocks hold the whole message.
	maxFallback = 300
)

// Action id prefixes on buttons. Slack wants action ids unique within a
// block, so each button gets "<prefix>-<index>".
const (
	actionCommand = "cmd"
	actionForm    = "form"
)

// message is the JSON body of a command response, a response_url
// follow-up or a socket-mode ack for a slash command, and what Post
// sends with chat.postMessage.
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

// limits are what one message, or one view, may hold.
type limits struct {
	blocks int // blocks
	chars  int // characters of text in all its blocks
}

var messageLimits = limits{blocks: maxBlocks, chars: maxMessageChars}

// piece is one rendered Slack block, with what packing needs to know.
type piece struct {
	block slack.Block
	size  int    // characters of text it adds to its message
	lead  string // markup of the first line it shows, for a notification; "" for none
}

// render turns a reply's Blocks into the messages that show them, in
// order. Most replies are one message; a long one is several, each
// within every limit, with nothing left out. The first message's
// notification text is the reply's summary; later ones preview their
// own first line. Details are rendered by renderDetails.
func render(r bot.Reply, m *mentions) []message {
	return renderBlocks(r.Blocks, m, responseType(r), r.Summary())
}

// renderDetails renders a reply's Details as messages of their own: a
// digest's thread.
func renderDetails(r bot.Reply, m *mentions) []message {
	return renderBlocks(r.Details, m, "", "")
}

// renderBlocks renders blocks as messages of response type rtype, the
// first notifying with summary (markup) when it is not "".
func renderBlocks(blocks []bot.Block, m *mentions, rtype, summary string) []message {
	var out []message
	for i, ps := range pack(renderGroups(blocks, m), messageLimits) {
		text := ""
		if i == 0 && summary != "" {
			text = plainText(summary, m, maxFallback)
		}
		for _, p := range ps {
			if text != "" {
				break
			}
			text = plainText(p.lead, m, maxFallback)
		}
		msg := message{ResponseType: rtype, Text: text}
		for _, p := range ps {
			msg.Blocks = append(msg.Blocks, p.block)
		}
		out = append(out, msg)
	}
	return out
}

// renderGroups renders each bot block as a group of Slack blocks.
func renderGroups(blocks []bot.Block, m *mentions) [][]piece {
	groups := make([][]piece, 0, len(blocks))
	for _, b := range blocks {
		if g := renderBlock(b, m); len(g) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// pack puts groups of blocks into messages within lim, in order. A
// group that does not fit in what is left of a message starts the next
// one, so a target's buttons stay with it; a group too big for any one
// message is split between as many as it needs.
func pack(groups [][]piece, lim limits) [][]piece {
	var out [][]piece
	var cur []piece
	size := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur, size = nil, 0
	}
	for _, g := range groups {
		gsize := 0
		for _, p := range g {
			gsize += p.size
		}
		whole := len(g) <= lim.blocks && gsize <= lim.chars
		if whole && (len(cur)+len(g) > lim.blocks || size+gsize > lim.chars) {
			flush()
		}
		for _, p := range g {
			if len(cur) > 0 && (len(cur) == lim.blocks || size+p.size > lim.chars) {
				flush()
			}
			cur = append(cur, p)
			size += p.size
		}
	}
	flush()
	return out
}

// renderBlock turns one bot block into Slack blocks: sections holding its
// title in bold, its text, and its full-width fields, as many as the
// text needs; its inline fields, ten to a section; and actions blocks
// for its buttons, twenty-five to a block. Colour has no Block Kit
// equivalent; the command layer puts a status or rating emoji in the
// text.
func renderBlock(b bot.Block, m *mentions) []piece {
	var lines []string
	if b.Title != "" {
		for _, l := range strings.Split(b.Title, "\n") {
			lines = append(lines, bot.Bold(l))
		}
	}
	if b.Text != "" {
		if lines == nil {
			lines = strings.Split(b.Text, "\n") // not copied: most blocks are text alone
		} else {
			lines = append(lines, strings.Split(b.Text, "\n")...)
		}
	}
	var fields []field
	for _, f := range b.Fields {
		if f.Inline {
			md := toMrkdwn(bot.Bold(f.Name)+"\n"+f.Value, m)
			// A field too long for one goes full width, where it can split.
			if n := slackLen(md); n <= maxFieldText && strings.TrimSpace(md) != "" {
				fields = append(fields, field{text: mrkdwnText(md), size: n, lead: f.Name + ": " + f.Value})
				continue
			}
		}
		lines = append(lines, strings.Split(bot.Bold(f.Name+":")+" "+f.Value, "\n")...)
	}
	actions, left := buttons(b.Buttons)
	for _, label := range left {
		lines = append(lines, fmt.Sprintf("(The %s button is left out: its command is longer than a Slack button can hold.)", bot.Escape("“"+label+"”")))
	}

	texts := sectionTexts(lines, m)
	out := make([]piece, 0, len(texts)+len(actions)+1) // the fields' sections may need more
	for _, c := range texts {
		out = append(out, piece{block: slack.NewSectionBlock(mrkdwnText(c.md), nil, nil), size: slackLen(c.md), lead: c.lead})
	}
	out = addFields(out, fields)
	return append(out, actions...)
}

// field is one rendered inline field.
type field struct {
	text *slack.TextBlockObject
	size int
	lead string
}

// addFields puts fields into sections: into the last of out while it has
// room, then into new sections of their own.
func addFields(out []piece, fields []field) []piece {
	for _, f := range fields {
		var last *piece
		if n := len(out); n > 0 {
			last = &out[n-1]
		}
		var sec *slack.SectionBlock
		if last != nil {
			sec, _ = last.block.(*slack.SectionBlock)
		}
		if sec == nil || len(sec.Fields) == maxFields || last.size+f.size > maxSectionChars {
			sec = slack.NewSectionBlock(nil, nil, nil)
			out = append(out, piece{block: sec, lead: f.lead})
			last = &out[len(out)-1]
		}
		sec.Fields = append(sec.Fields, f.text)
		last.size += f.size
	}
	return out
}

// buttons renders actions blocks of at most maxButtons buttons each. Each
// button's value is the command it runs, so pressing it needs no
// server-side state. A command too long for a value cannot be a button,
// since a cut one would run something else: its label is returned in
// left, for the block to say so.
func buttons(bs []bot.Button) (out []piece, left []string) {
	var els []slack.BlockElement
	size := 0
	flush := func() {
		if len(els) > 0 {
			out = append(out, piece{block: slack.NewActionBlock("", els...), size: size})
		}
		els, size = nil, 0
	}
	for i, b := range bs {
		label := strings.TrimSpace(b.Label)
		if label == "" {
			label = b.Command // Slack refuses a button with no text
		}
		if b.Command == "" {
			continue
		}
		if slackLen(b.Command) > maxButtonValue {
			left = append(left, label)
			continue
		}
		if len(els) == maxButtons {
			flush()
		}
		prefix := actionCommand
		if b.Form {
			prefix = actionForm
		}
		label = buttonLabel(label)
		el := slack.NewButtonBlockElement(prefix+"-"+strconv.Itoa(i), b.Command,
			slack.NewTextBlockObject(slack.PlainTextType, label, true, false))
		switch b.Style {
		case "primary":
			el.Style = slack.StylePrimary
		case "danger":
			el.Style = slack.StyleDanger
		}
		els = append(els, el)
		size += slackLen(label)
	}
	flush()
	return out, left
}

// buttonLabel fits a label on a button. The command layer keeps labels
// short; one that is not is cut with an ellipsis, which shows it was
// cut, and the button still runs its whole command. This is the one cut
// rendering makes.
func buttonLabel(s string) string {
	if slackLen(s) <= maxButtonText {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		k := slackLen(string(r))
		if n+k > maxButtonText-1 {
			break
		}
		b.WriteRune(r)
		n += k
	}
	return strings.TrimSpace(b.String()) + "…"
}

// mrkdwnText is a mrkdwn text object. It is verbatim: Slack then leaves
// the text as we wrote it, without turning bare URLs, channel names or
// @words into links and mentions of its own.
func mrkdwnText(md string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: md, Verbatim: true}
}

// section is a section block of mrkdwn, which must be within limits.
func section(md string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwnText(md), nil, nil)
}
