package discord

import (
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// The bot's declared markup (bot/markup.go) rendered as Discord markdown.
//
// Text is backslash-escaped so nothing in it is live: Discord's escape
// rule takes any ASCII punctuation after a backslash literally, so an
// escape never shows. Escaping [ and ] means a masked link [label](url)
// can never form from text, so ( and ) need no escape; escaping < means
// no mention, channel, emoji or timestamp tag can; escaping @ means no
// @everyone or @here; * _ ~ ` | and > cover styles, code, spoilers and
// quotes. Headers, lists and subtext (# - + 1.) are live only at the
// start of a line, so they are escaped only there.
//
// A link whose label is its URL is written <url>: the angle brackets
// delimit it exactly (a bare URL would be cut at Discord's guess of where
// it ends) and keep Discord from adding a preview of someone's link to
// the bot's message. A labelled link, which only the bot writes, is a
// masked link [label](url) where Discord renders those (descriptions and
// field values), and "label (<url>)" elsewhere.
//
// User references are <@id>: whether they notify anyone is the
// message's allowed_mentions (see mentions), not the markdown.

// dialect is where rendered markdown goes: Discord renders a different
// subset in each place.
type dialect uint8

const (
	// inContent is message content: styles, code, mentions and <url>
	// links, but not masked links.
	inContent dialect = iota
	// inEmbed is an embed description or field value: masked links too.
	inEmbed
	// inTitle is an embed title or field name, where Discord renders
	// styles and code but shows mentions and links as raw text. A title
	// that holds either goes in the description instead (see titled).
	inTitle
)

// escaper escapes Discord markdown: "\\*_~`|<>[]@" anywhere, and at a
// line's start headers (#), lists (-, +, 1.) and subtext (-#).
var escaper = bot.NewMarkdownEscaper("\\*_~`|<>[]@", "#-+")

// escape makes text inert. lineStart says s begins a line.
func escape(s string, lineStart bool) string { return escaper.Escape(s, lineStart) }

// spansOf parses one line of markup, turning URLs inside text into links
// that show themselves, as bot.UserText does: Discord would link them
// anyway, and this way they are delimited exactly and not escaped.
func spansOf(line string) []bot.Span {
	var out []bot.Span
	for _, sp := range bot.Parse(line) {
		if sp.Kind != bot.SpanText || !strings.Contains(sp.Text, "http") {
			out = append(out, sp)
			continue
		}
		for _, sub := range bot.Parse(bot.UserText(sp.Text)) {
			sub.Bold, sub.Strike = sp.Bold, sp.Strike
			out = append(out, sub)
		}
	}
	return out
}

// renderSpans renders one line's spans. Strike is the outer style and
// bold the inner, each opened once for a run of spans that share it:
// Discord matches ** and ~~ lazily, so "**a****b**" would not read as
// two bold runs.
func renderSpans(spans []bot.Span, d dialect) string {
	var b strings.Builder
	var bold, strike bool // the styles open
	set := func(wantBold, wantStrike bool) {
		if bold && (!wantBold || strike != wantStrike) {
			b.WriteString("**")
			bold = false
		}
		if strike && !wantStrike {
			if strings.HasSuffix(b.String(), "~") {
				// "\~~~" would end the run a character early.
				b.WriteString("\u200b")
			}
			b.WriteString("~~")
			strike = false
		}
		if wantStrike && !strike {
			b.WriteString("~~")
			strike = true
		}
		if wantBold && !bold {
			b.WriteString("**")
			bold = true
		}
	}
	for _, sp := range spans {
		// Discord reads headers and lists after leading blanks.
		body := spanBody(sp, d, strings.TrimLeft(b.String(), " \t") == "")
		if body == "" {
			continue
		}
		// Code or a link holding a closing marker would end its style
		// inside itself, so it goes outside that style.
		set(sp.Bold && !strings.Contains(body, "**"), sp.Strike && !strings.Contains(body, "~~"))
		b.WriteString(body)
	}
	set(false, false)
	return b.String()
}

// spanBody is one span without its style markers.
func spanBody(sp bot.Span, d dialect, lineStart bool) string {
	switch sp.Kind {
	case bot.SpanCode:
		return code(sp.Text)
	case bot.SpanLink:
		switch {
		case d == inTitle && sp.Text == sp.URL:
			return escape(sp.URL, lineStart)
		case d == inTitle:
			return escape(sp.Text+" ("+sp.URL+")", lineStart)
		case sp.Text == sp.URL:
			return "<" + sp.URL + ">"
		case d == inContent:
			return escape(sp.Text, lineStart) + " (<" + sp.URL + ">)"
		default:
			// A ( or ) in the URL would end or confuse the masked link's
			// parentheses; percent-encoded they mean the same.
			u := strings.NewReplacer("(", "%28", ")", "%29").Replace(sp.URL)
			return "[" + escape(sp.Text, false) + "](" + u + ")"
		}
	case bot.SpanUser:
		// Discord's ids are snowflakes; anything else would show raw.
		if d == inTitle || !snowflake(sp.Text) {
			return escape("@"+sp.Text, lineStart)
		}
		return "<@" + sp.Text + ">"
	default:
		return escape(sp.Text, lineStart)
	}
}

// code shows s verbatim: fenced by one more backtick than its longest run
// of backticks, and padded with a space when it starts or ends with one.
// Code holding two backticks in a row needs a fence of three, which
// Discord shows as a code block rather than inline: still verbatim.
func code(s string) string {
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	pad := ""
	if s[0] == '`' || s[len(s)-1] == '`' {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

func snowflake(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// plainTitle reports whether spans render faithfully in a title: only
// text and code, which Discord styles there.
func plainTitle(spans []bot.Span) bool {
	for _, sp := range spans {
		if sp.Kind != bot.SpanText && sp.Kind != bot.SpanCode {
			return false
		}
	}
	return true
}

// width counts characters as Discord's limits might: in UTF-16 code
// units, which is never fewer than code points, so a payload within these
// counts is within Discord's whichever way it counts.
func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xffff {
			n++
		}
	}
	return n
}
