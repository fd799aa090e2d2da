package console

import (
	"strings"
	"unicode"

	"github.com/targetbot/targetbot/bot"
)

// Terminal styles (SGR): on, and off again.
const (
	boldOn, boldOff     = "\x1b[1m", "\x1b[22m"
	dimOn, dimOff       = "\x1b[2m", "\x1b[22m"
	strikeOn, strikeOff = "\x1b[9m", "\x1b[29m"
)

// ansi renders markup for a terminal: bold as bold, struck text dim and
// struck through, code dim, links as "label (url)", users as @id. Text
// is made inert first, so nothing typed can move the cursor or recolour
// the terminal.
func ansi(markup string) string {
	var b strings.Builder
	for _, sp := range bot.Parse(markup) {
		var s string
		switch sp.Kind {
		case bot.SpanText:
			s = inert(sp.Text)
		case bot.SpanCode:
			s = dimOn + inert(sp.Text) + dimOff
		case bot.SpanLink:
			s = inert(sp.Text)
			if sp.Text != sp.URL {
				s += " (" + inert(sp.URL) + ")"
			}
		case bot.SpanUser:
			s = "@" + inert(sp.Text)
		}
		if sp.Strike {
			s = dimOn + strikeOn + s + strikeOff + dimOff
		}
		if sp.Bold {
			s = boldOn + s + boldOff
		}
		b.WriteString(s)
	}
	return b.String()
}

// inert replaces control characters other than newline and tab (C0, DEL
// and C1: bells, escapes, cursor moves) and bidirectional overrides with U+FFFD, so text printed on
// a terminal is only text.
func inert(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f) ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 // bidi overrides reorder what a terminal shows
}
