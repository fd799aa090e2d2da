package bot

import "strings"

// MarkdownEscaper makes text literal in one platform's markdown dialect
// by backslash-escaping it. Discord's markdown and Teams' card markdown
// share the rule: a character that could start markdown anywhere is
// escaped wherever it is, and one that starts a block (a heading, a list,
// a quote) only where a line starts, after its leading blanks; so is the
// "." or ")" after a number there, which would start an ordered list.
// The dialects differ only in which characters those are.
type MarkdownEscaper struct {
	always, lineStart [256]bool
}

// NewMarkdownEscaper returns the escaper of a dialect in which every
// byte of always is special anywhere, and every byte of atLineStart is
// special at the start of a line.
func NewMarkdownEscaper(always, atLineStart string) *MarkdownEscaper {
	e := &MarkdownEscaper{}
	for i := 0; i < len(always); i++ {
		e.always[always[i]] = true
	}
	for i := 0; i < len(atLineStart); i++ {
		e.lineStart[atLineStart[i]] = true
	}
	return e
}

// Escape makes s literal. lineStart says s begins a line, where the
// block characters are special too.
func (e *MarkdownEscaper) Escape(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	i := 0
	if lineStart {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			b.WriteByte(s[i])
			i++
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		switch {
		case i < len(s) && e.lineStart[s[i]]:
			b.WriteByte('\\')
		case j > i && j < len(s) && (s[j] == '.' || s[j] == ')'):
			b.WriteString(s[i:j])
			b.WriteByte('\\')
			i = j
		}
	}
	for ; i < len(s); i++ {
		if e.always[s[i]] {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
