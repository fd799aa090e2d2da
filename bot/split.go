package bot

import "strings"

// SpanSplitter splits one line of markup that renders too long for a
// platform's message into pieces that each fit. It breaks after a space,
// so a word, a code span, a link and a user reference stay whole, and
// renders each piece alone, so a bold or struck run broken in two is
// closed and reopened and each piece reads as styled. Only a token that
// alone renders wider than the limit is broken inside itself, as the
// platform's Break says; nothing is ever cut off.
//
// The platforms differ in how they render, how they count a limit
// (Slack's characters, Discord's UTF-16 units) and how they break a
// token; the splitting is the same, so it is written once, here.
type SpanSplitter struct {
	// Limit is the most one piece may measure.
	Limit int
	// Render renders spans as one piece, at the start of a line.
	Render func([]Span) string
	// Width measures rendered text as the platform counts its limit.
	Width func(string) int
	// Break breaks a token that alone measures over Limit into tokens
	// that each measure within it.
	Break func(Span) []Span
	// BreakApart puts each token Break made in a piece of its own,
	// rather than packing them with the tokens around them.
	BreakApart bool
}

// Split splits a line's spans into rendered pieces, each within Limit;
// the first within first when that is room for some of it, so a line
// can start in what is left of a message already begun.
func (s SpanSplitter) Split(spans []Span, first int) []string {
	var pieces []string
	var cur []Span
	size, room := 0, min(first, s.Limit)
	flush := func() {
		if len(cur) > 0 {
			pieces = append(pieces, s.Render(mergeText(cur)))
		}
		cur, size, room = nil, 0, s.Limit
	}
	add := func(tk Span, w int) {
		if size+w > room {
			if len(cur) == 0 {
				room = s.Limit // no room left where it started: start afresh
			} else {
				flush()
			}
		}
		cur = append(cur, tk)
		size += w
	}
	var toks []Span
	for _, sp := range spans {
		toks = appendWords(toks[:0], sp)
		for _, tk := range toks {
			// Rendered alone and at a line's start, a token is at least
			// as long as it is inside a run of tokens: the sum bounds
			// the piece.
			w := s.Width(s.Render([]Span{tk}))
			if w <= s.Limit {
				add(tk, w)
				continue
			}
			parts := s.Break(tk)
			if s.BreakApart {
				flush()
				for _, p := range parts {
					pieces = append(pieces, s.Render([]Span{p}))
				}
				continue
			}
			for _, p := range parts {
				add(p, s.Width(s.Render([]Span{p})))
			}
		}
	}
	flush()
	return pieces
}

// appendWords appends sp to out, a text span split after each run of
// spaces, so each word keeps its trailing spaces.
func appendWords(out []Span, sp Span) []Span {
	if sp.Kind != SpanText {
		return append(out, sp)
	}
	for rest := sp.Text; rest != ""; {
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		for end < len(rest) && rest[end] == ' ' {
			end++
		}
		w := sp
		w.Text = rest[:end]
		out = append(out, w)
		rest = rest[end:]
	}
	return out
}

// mergeText joins adjacent text spans of one style, as Parse would have,
// so that escaping sees the text as a whole: "1" and ". x" apart hide a
// list from it.
func mergeText(spans []Span) []Span {
	out := make([]Span, 0, len(spans))
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.Kind == SpanText && out[n-1].Kind == SpanText && out[n-1].Bold == sp.Bold && out[n-1].Strike == sp.Strike {
			out[n-1].Text += sp.Text
			continue
		}
		out = append(out, sp)
	}
	return out
}
