package discord

import (
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// Splitting rendered markup to fit Discord's limits: at line breaks
// first, then between words, never inside an entity, and never cutting
// anything off.

// markdownLines renders markup as lines of markdown, each at most max
// wide, all bold when bold is set (a title shown in a description).
// Markup styles end at the end of a line and no entity spans two, so
// each line renders alone; a line too wide is split between words (see
// splitLine), never inside an entity.
func markdownLines(markup string, d dialect, max int, bold bool) []string {
	if markup == "" {
		return nil
	}
	var out []string
	for _, line := range strings.Split(markup, "\n") {
		spans := spansOf(line)
		if bold {
			for i := range spans {
				spans[i].Bold = true
			}
		}
		if s := renderSpans(spans, d); width(s) <= max {
			out = append(out, s)
			continue
		}
		out = append(out, splitLine(spans, d, max)...)
	}
	return out
}

// splitLine breaks a line's spans into pieces at most max wide, at
// spaces where it can (see bot.SpanSplitter). Each piece renders alone,
// styles reopened.
func splitLine(spans []bot.Span, d dialect, max int) []string {
	s := bot.SpanSplitter{
		Limit:  max,
		Render: func(spans []bot.Span) string { return renderSpans(spans, d) },
		Width:  width,
		Break:  func(sp bot.Span) []bot.Span { return breakToken(sp, d, max) },
	}
	return s.Split(spans, max)
}

// markerRoom is the most that style markers (with the zero-width space
// before a closing ~~) and a line-start escape add to a span's text.
const markerRoom = 10

// breakToken breaks a token wider than max into tokens that each fit: a
// word or code into pieces of characters. A link or user reference too
// wide for any message says so instead.
func breakToken(sp bot.Span, d dialect, max int) []bot.Span {
	var out []bot.Span
	switch sp.Kind {
	case bot.SpanText:
		// Escaping at most doubles a character's width.
		for _, part := range cutRunes(sp.Text, (max-markerRoom)/2) {
			w := sp
			w.Text = part
			out = append(out, w)
		}
	case bot.SpanCode:
		fence := len(code(sp.Text)) - len(sp.Text) // fences and padding, in bytes of ASCII
		for _, part := range cutRunes(sp.Text, max-markerRoom-fence-2) {
			c := sp
			c.Text = part
			out = append(out, c)
		}
	default:
		what := "a link"
		if sp.Kind == bot.SpanUser {
			what = "a user reference"
		}
		out = append(out, bot.Span{Kind: bot.SpanText, Text: "(" + what + " too long for Discord to show)", Bold: sp.Bold, Strike: sp.Strike})
	}
	return out
}

// cutRunes cuts s into pieces of at most n UTF-16 units, on character
// boundaries.
func cutRunes(s string, n int) []string {
	n = max(n, 2)
	var out []string
	start, w := 0, 0
	for i, r := range s {
		rw := 1
		if r > 0xffff {
			rw = 2
		}
		if w+rw > n {
			out = append(out, s[start:i])
			start, w = i, 0
		}
		w += rw
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// packLines joins lines into chunks at most max wide, breaking only
// between lines. Every line must be at most max wide.
func packLines(lines []string, max int) []string {
	var chunks []string
	var b strings.Builder
	size := 0
	for i, l := range lines {
		w := width(l)
		if i > 0 && size+1+w > max {
			chunks = append(chunks, b.String())
			b.Reset()
			size = 0
		} else if i > 0 {
			b.WriteByte('\n')
			size++
		}
		b.WriteString(l)
		size += w
	}
	if len(lines) > 0 {
		chunks = append(chunks, b.String())
	}
	return chunks
}
