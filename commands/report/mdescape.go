package report

import (
	"strings"
	"unicode"
)

// Text people typed is made inert in Markdown by escaping only what
// Markdown would read as markup where the text lands, so that a report
// pasted into a word processor shows no backslashes in ordinary prose:
// a pipe only in a table cell, a hash only where it could start or end
// a heading, a < only where it could open a tag or an autolink, a star
// or underscore only where it could start or end emphasis. GitHub-style
// autolinks of bare URLs are left as they are: they link only the text
// they show.

// mdPlace is where text lands in a Markdown document.
type mdPlace int

const (
	placeProse   mdPlace = iota // mid-line, outside a table: a list item's text, a quoted note
	placeCell                   // in a table cell
	placeLine                   // at the start of a paragraph's line
	placeHeading                // an ATX heading's text, after its #s
	placeLabel                  // a link's label, between its brackets, in a table cell or not
)

// asciiPunct are the characters a backslash escapes in CommonMark.
const asciiPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

func isPunct(r rune) bool { return r < 0x80 && strings.ContainsRune(asciiPunct, r) }

// escapeMD makes s, folded onto one line, inert at place p.
func escapeMD(s string, p mdPlace) string {
	rs := []rune(oneLine(s))
	esc := make([]bool, len(rs)) // which runes get a backslash
	at := func(i int) rune {
		if i < 0 || i >= len(rs) {
			return 0 // the edge: whatever the report puts beside it
		}
		return rs[i]
	}
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '`':
			esc[i] = true // a code span, or a fence at a line's start
		case '*', '~', '_':
			// A run of them opens or closes emphasis (or GFM strike)
			// unless it stands between spaces, or, for _, inside a word.
			j := i
			for j < len(rs) && rs[j] == r {
				j++
			}
			before, after := at(i-1), at(j)
			spaced := before == ' ' && after == ' '
			inWord := r == '_' && isWordRune(before) && isWordRune(after)
			for k := i; k < j; k++ {
				esc[k] = !spaced && !inWord
			}
			i = j - 1
		case '[':
			esc[i] = p == placeLabel
		case ']':
			// Only "](" and "][" make a link: no reference definition
			// can come from a report, and no report puts ( or [ right
			// after text it was given.
			next := at(i + 1)
			esc[i] = p == placeLabel || next == '(' || next == '['
		case '<':
			// A tag, a comment, a declaration or an autolink starts with
			// one of these after <; an email autolink needs a > after
			// it, with no space or < between.
			next := at(i + 1)
			esc[i] = next < 0x80 && unicode.IsLetter(next) || next == '/' || next == '!' || next == '?' || closes(rs[i+1:])
		case '|':
			esc[i] = p == placeCell || p == placeLabel
		}
	}
	switch p {
	case placeLine:
		lineStart(rs, esc)
	case placeHeading:
		// A run of # at the end, after a space, would close the heading
		// and be dropped from its text.
		j := len(rs)
		for j > 0 && rs[j-1] == '#' {
			j--
		}
		if j < len(rs) && (j == 0 || rs[j-1] == ' ') {
			esc[j] = true
		}
	}
	var b strings.Builder
	b.Grow(len(rs) + 8)
	for i, r := range rs {
		// A backslash escapes the character after it, which may be a
		// backslash this adds: it is escaped itself before punctuation,
		// and at the end, where the report's own markup follows.
		if r == '\\' && (i == len(rs)-1 || isPunct(rs[i+1]) || esc[i+1]) || esc[i] {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lineStart marks what would start a block at the start of a line: a
// heading, a quote, a list item or a break, a setext underline, a fence,
// a reference definition or a footnote.
func lineStart(rs []rune, esc []bool) {
	if len(rs) == 0 {
		return
	}
	switch rs[0] {
	case '#', '>', '-', '+', '*', '=', '_', '~', '`', '[', '<', '|':
		esc[0] = true
		return
	}
	// An ordered list item: up to nine digits, then . or ).
	i := 0
	for i < len(rs) && i < 10 && rs[i] >= '0' && rs[i] <= '9' {
		i++
	}
	if i > 0 && i < len(rs) && (rs[i] == '.' || rs[i] == ')') {
		esc[i] = true
	}
}

// closes reports whether rs has a > before any space or <.
func closes(rs []rune) bool {
	for _, r := range rs {
		switch r {
		case '>':
			return true
		case ' ', '<':
			return false
		}
	}
	return false
}

func isWordRune(r rune) bool { return r != 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// md makes text inert anywhere mid-line, a table cell included.
func md(s string) string { return escapeMD(s, placeCell) }

// mdText makes text inert mid-line outside a table.
func mdText(s string) string { return escapeMD(s, placeProse) }

// mdPara makes text inert at the start of a paragraph's line.
func mdPara(s string) string { return escapeMD(s, placeLine) }

// mdHead makes text inert as a heading's text.
func mdHead(s string) string { return escapeMD(s, placeHeading) }
