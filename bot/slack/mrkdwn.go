package slack

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
)

// mentions decides how a user reference in a reply reads. Slack has no
// silent mention: <@U1> notifies U1 wherever it is posted. So a
// reference is live only where nobody else can see the message
// (ephemeral replies, views) or where the reply lists the user in
// Notify; everyone else is named as plain text, by the display name
// users.info gave, or by id when there is none.
type mentions struct {
	all    bool              // every reference may be live: ephemeral replies, views
	notify map[string]bool   // the users this message may notify
	names  map[string]string // display names of the others, looked up beforehand
}

// liveMentions treats every reference as live: for messages only their
// reader sees.
var liveMentions = &mentions{all: true}

// newMentions returns the mentions of a reply: all live when it is
// ephemeral, otherwise live for its Notify list only.
func newMentions(r bot.Reply, names map[string]string) *mentions {
	m := &mentions{all: r.Ephemeral, names: names}
	if len(r.Notify) > 0 {
		m.notify = make(map[string]bool, len(r.Notify))
		for _, id := range r.Notify {
			m.notify[id] = true
		}
	}
	return m
}

// live reports whether a reference to id renders as a Slack mention.
// Only ids shaped like Slack's own (U… or W…, upper case and digits) are
// ever live: anything else cannot be a user Slack knows.
func (m *mentions) live(id string) bool {
	return slackUserID(id) && (m.all || m.notify[id])
}

// appendUser appends the mrkdwn of a reference to id.
func (m *mentions) appendUser(b []byte, id string) []byte {
	if m.live(id) {
		b = append(b, "<@"...)
		b = append(b, id...)
		return append(b, '>')
	}
	name := m.names[id]
	if name == "" {
		name = id
	}
	// The common case, what escapeText would leave as it is.
	if !strings.ContainsAny(name, "&<>*_~`@") && !specialMention(name) {
		b = append(b, '@')
		return append(b, name...)
	}
	return append(b, escapeText(m.plain(id), false)...)
}

// plain is how a reference to id reads when it must not notify: "@Name",
// or "@id" when the name is unknown.
func (m *mentions) plain(id string) string {
	if name := m.names[id]; name != "" {
		return "@" + name
	}
	return "@" + id
}

// slackUserID reports whether id looks like a Slack user id.
func slackUserID(id string) bool {
	if len(id) < 2 || len(id) > 32 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// userIDs lists the users markup refers to.
func userIDs(markup string, into map[string]bool) {
	if !strings.Contains(markup, "<@") {
		return
	}
	for _, sp := range bot.Parse(markup) {
		if sp.Kind == bot.SpanUser {
			into[sp.Text] = true
		}
	}
}

// toMrkdwn translates the bot's markup (bot/markup.go) into Slack mrkdwn.
func toMrkdwn(markup string, m *mentions) string {
	// Markup with none of the markup's or mrkdwn's special characters
	// ("▓▓▓▓░░░░░░ 40% · 🟢 on track") reads the same in both.
	if !strings.ContainsAny(markup, plainBreakers) {
		return markup
	}
	return spansMrkdwn(bot.Parse(markup), m, true)
}

// plainBreakers are the bytes that make markup differ from its mrkdwn:
// the markup's own (\ * ~ ` < >) and those escapeText rewrites (& _ @).
const plainBreakers = "\\*~`<>&_@"

// spansMrkdwn translates spans into mrkdwn; lineStart says the first
// span begins a line. A run of spans in one style is wrapped in one pair
// of markers: *`eds/1.1` Title* rather than *`eds/1.1`* *Title*.
//
// It writes into one buffer: each run is written in place, and wrapped
// in its markers (styled's rule) when its style ends.
func spansMrkdwn(spans []bot.Span, m *mentions, lineStart bool) string {
	b := make([]byte, 0, 64)
	bold, strike := false, false
	runStart := 0
	flush := func() {
		if bold || strike {
			b = appendStyled(b, runStart, bold, strike)
		}
		runStart = len(b)
	}
	for _, sp := range spans {
		if sp.Bold != bold || sp.Strike != strike {
			flush()
			bold, strike = sp.Bold, sp.Strike
		}
		n := len(b)
		switch sp.Kind {
		case bot.SpanText:
			b = append(b, escapeText(sp.Text, lineStart)...)
		case bot.SpanCode:
			if sp.Text != "" { // `` would show its backticks
				b = append(b, '`')
				b = append(b, escapeCode(sp.Text)...)
				b = append(b, '`')
			}
		case bot.SpanLink:
			b = append(b, link(sp)...)
		case bot.SpanUser:
			b = m.appendUser(b, sp.Text)
		}
		if len(b) > n {
			lineStart = sp.Kind == bot.SpanText && strings.HasSuffix(sp.Text, "\n")
		}
	}
	flush()
	return string(b)
}

// appendStyled wraps the run b[start:] in Slack's bold and strike
// markers. Slack ignores a marker with white space on its inner side, so
// white space at either end stays outside the markers.
func appendStyled(b []byte, start int, bold, strike bool) []byte {
	run := b[start:]
	rest := bytes.TrimLeftFunc(run, unicode.IsSpace)
	inner := bytes.TrimRightFunc(rest, unicode.IsSpace)
	if len(inner) == 0 {
		return b
	}
	lead, trail := len(run)-len(rest), len(rest)-len(inner)
	body := append([]byte(nil), run[lead:]...) // inner, then trail
	b = b[:start+lead]
	if bold {
		b = append(b, '*')
	}
	if strike {
		b = append(b, '~')
	}
	b = append(b, body[:len(inner)]...)
	if strike {
		b = append(b, '~')
	}
	if bold {
		b = append(b, '*')
	}
	return append(b, body[len(inner):len(inner)+trail]...)
}

// link renders a link span: <url> when it shows its URL, <url|label>
// otherwise. Parse only makes links of http and https URLs holding none
// of < > | or white space, so the URL cannot break out of the brackets;
// the label is escaped so it cannot either.
func link(sp bot.Span) string {
	if sp.Text == sp.URL {
		return "<" + sp.URL + ">"
	}
	return "<" + sp.URL + "|" + escapeLabel(sp.Text) + ">"
}

// plainText renders markup as escaped plain text, for the notification
// fallback: styles dropped, code as its text, links as their label,
// users as m says. It stops after about limit characters, at a space
// where it can, and ends with … when it stopped early: the message
// itself, in its blocks, is whole.
func plainText(markup string, m *mentions, limit int) string {
	var b strings.Builder
	b.Grow(min(len(markup), limit*4) + 16) // once, where the text is not escaped much
	n := 0
	for _, sp := range bot.Parse(markup) {
		raw := sp.Text
		if sp.Kind == bot.SpanUser {
			if m.live(sp.Text) {
				b.WriteString("<@" + sp.Text + ">")
				n += len(sp.Text) + 3
				continue
			}
			raw = m.plain(sp.Text)
		}
		raw = strings.ReplaceAll(raw, "\n", " ")
		if left := limit - n; utf8.RuneCountInString(raw) > left {
			cut := prefixRunes(raw, max(left, 0))
			if i := strings.LastIndexByte(cut, ' '); i > 0 {
				cut = cut[:i]
			}
			b.WriteString(escapeText(cut, n == 0))
			b.WriteString("…")
			break
		}
		b.WriteString(escapeText(raw, n == 0))
		n += utf8.RuneCountInString(raw)
	}
	return strings.TrimSpace(b.String())
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
