package bot

import (
	"strings"
	"unicode/utf8"
)

// The bot's declared markup. Every text in a Reply (block titles, texts,
// field names and values) is written in it, and each adapter translates
// it into its platform's dialect: Slack mrkdwn, Discord markdown, an
// Adaptive Card's text, or plain console text. Nothing else is markup.
//
//	*bold*            bold, up to the next * on the same line
//	~strike~          struck through, up to the next ~ on the same line
//	`code`            code, verbatim; inside it only \` and \\ are escapes
//	<https://…|label> a link with a label; <https://…> shows the URL itself
//	<@id>             a reference to a user; whether it notifies anyone is
//	                  the Reply's Notify list, not the markup
//	\x                x itself, for x one of \ * ~ ` < >
//
// Styles end at the end of a line. Anything that does not parse as one
// of these forms is plain text, so no input makes Parse fail.
//
// Text a user typed (notes, titles, reasons) must go through UserText or
// Escape before it is put in markup: escaped, it cannot bold, strike,
// link, or refer to anyone, on any platform.

// SpanKind says what a Span is.
type SpanKind uint8

// The kinds of span.
const (
	SpanText SpanKind = iota // plain text, possibly bold or struck
	SpanCode                 // code: Text is shown verbatim
	SpanLink                 // a link: Text is its label, URL its target
	SpanUser                 // a user reference: Text is the user id
)

// Span is a run of markup with one meaning and one style.
type Span struct {
	Kind   SpanKind
	Text   string
	URL    string // SpanLink only
	Bold   bool
	Strike bool
}

// escapable are the characters Escape puts a backslash before.
const escapable = "\\*~`<>"

// Escape makes s inert: in markup it stands for exactly the text s.
func Escape(s string) string {
	if !strings.ContainsAny(s, escapable) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(escapable, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// UserText is Escape for text people typed, with each http or https URL
// in it made a link that shows the URL itself: it works as a link on
// every platform, and cannot pretend to go somewhere else.
func UserText(s string) string {
	i := urlStart(s)
	if i < 0 {
		return Escape(s) // most text: no copy when there is nothing to escape either
	}
	var b strings.Builder
	for s != "" {
		if i < 0 {
			b.WriteString(Escape(s))
			break
		}
		b.WriteString(Escape(s[:i]))
		n := urlLen(s[i:])
		b.WriteString(Link(s[i:i+n], ""))
		s = s[i+n:]
		i = urlStart(s)
	}
	return b.String()
}

// urlStart is the index of the first http:// or https:// in s that
// begins a word and has something after the scheme, or -1.
func urlStart(s string) int {
	off := 0
	for {
		i := strings.Index(s[off:], "http")
		if i < 0 {
			return -1
		}
		i += off
		rest := s[i:]
		scheme := 0
		switch {
		case strings.HasPrefix(rest, "https://"):
			scheme = len("https://")
		case strings.HasPrefix(rest, "http://"):
			scheme = len("http://")
		}
		if scheme > 0 && (i == 0 || !isWordByte(s[i-1])) && urlLen(rest) > scheme {
			return i
		}
		off = i + 4
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// urlLen is the length of the URL s starts with: up to white space or a
// character no link may hold, without trailing punctuation that usually
// ends a sentence rather than the URL.
func urlLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if r <= ' ' || r == utf8.RuneError || strings.ContainsRune("<>|\"`\\", r) || r == 0x7f || r >= 0x80 && r <= 0x9f || r == '\u00a0' || r == '\u2028' || r == '\u2029' {
			break
		}
		n += size
	}
	// A URL cut short for a list ends in "…": it is not part of the URL.
	for strings.HasSuffix(s[:n], "…") {
		n -= len("…")
	}
	for n > 0 && strings.IndexByte(".,;:!?)]}'*~", s[n-1]) >= 0 {
		if s[n-1] == ')' && strings.Count(s[:n], "(") >= strings.Count(s[:n], ")") {
			break // a balanced parenthesis is part of the URL (Wikipedia)
		}
		n--
	}
	return n
}

// Bold marks markup s as bold. s must be one line.
func Bold(s string) string { return "*" + s + "*" }

// Strike marks markup s as struck through. s must be one line.
func Strike(s string) string { return "~" + s + "~" }

// Code shows s verbatim as code.
func Code(s string) string {
	if strings.ContainsAny(s, "`\\") {
		s = strings.NewReplacer("\\", "\\\\", "`", "\\`").Replace(s)
	}
	return "`" + s + "`"
}

// Link is a link to url, labelled with label (plain text), or with the
// URL itself when label is "". A url that is not a plain http or https
// URL is shown as text instead, since it could not be followed safely.
func Link(url, label string) string {
	if !validURL(url) {
		if label == "" {
			return Escape(url)
		}
		return Escape(label + " (" + url + ")")
	}
	if label == "" || label == url {
		return "<" + url + ">"
	}
	return "<" + url + "|" + Escape(label) + ">"
}

// User refers to a user by platform id. An id no platform would use is
// shown as text.
func User(id string) string {
	if !validID(id) {
		return Escape("@" + id)
	}
	return "<@" + id + ">"
}

func validURL(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && urlLen(u) == len(u) && len(u) > len("http://")
}

// validID accepts the ids Slack (U0123ABC), Discord (snowflakes), Teams
// (AAD object ids, GUIDs) and the console (names) use.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !isWordByte(c) && c != '-' && c != '.' && c != ':' {
			return false
		}
	}
	return true
}

// Parse splits markup into spans. Adjacent text of one style is one span.
// It accepts any input: what is not markup is text.
func Parse(s string) []Span {
	if s == "" {
		return nil
	}
	p := parser{src: s, lastLo: -1, out: make([]Span, 0, spansAtMost(s))}
	closer := -1 // the next '>' or newline at or after i, once looked for
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(escapable, s[i+1]) >= 0:
			p.text(i+1, i+2)
			i += 2
		case c == '*':
			p.flush()
			p.bold = !p.bold
			i++
		case c == '~':
			p.flush()
			p.strike = !p.strike
			i++
		case c == '\n':
			p.flush()
			p.bold, p.strike = false, false
			p.text(i, i+1)
			i++
		case c == '`':
			code, n, ok := parseCode(s[i:])
			if !ok {
				p.text(i, i+1)
				i++
				continue
			}
			p.add(Span{Kind: SpanCode, Text: code})
			i += n
		case c == '<':
			if closer < i {
				if j := strings.IndexAny(s[i:], ">\n"); j >= 0 {
					closer = i + j
				} else {
					closer = len(s)
				}
			}
			// With no '>' near on this line it cannot be a link or a
			// user, and looking again from each '<' would be quadratic.
			ok := closer < len(s) && s[closer] == '>' && closer-i < maxSpan
			var sp Span
			var n int
			if ok {
				sp, n, ok = parseAngle(s[i:])
			}
			if !ok {
				p.text(i, i+1)
				i++
				continue
			}
			p.add(sp)
			i += n
		default:
			j := i + 1
			for j < len(s) && !markupByte[s[j]] {
				j++
			}
			p.text(i, j)
			i = j
		}
	}
	p.flush()
	if len(p.out) == 0 {
		return nil // as before the slice was made ahead
	}
	return p.out
}

// markupByte marks the bytes that may start markup, where a run of plain
// text ends: a table, since Parse looks every byte of a reply up in it.
var markupByte = [256]bool{'\\': true, '*': true, '~': true, '\n': true, '`': true, '<': true}

// parser collects spans. Text is kept as a slice of the source while it
// is one run of it, which it almost always is, so a text span costs no
// copy; only an escape (which drops its backslash) makes it copy.
type parser struct {
	src          string
	out          []Span
	lo, hi       int             // the pending text is src[lo:hi] while buf is empty
	buf          strings.Builder // the pending text once it is not one run of src
	lastLo       int             // the last span's text is src[lastLo:lastHi], or lastLo is -1
	lastHi       int
	bold, strike bool
}

// text adds src[i:j] to the pending text.
func (p *parser) text(i, j int) {
	switch {
	case p.buf.Len() > 0:
		p.buf.WriteString(p.src[i:j])
	case p.lo == p.hi:
		p.lo, p.hi = i, j
	case p.hi == i:
		p.hi = j
	default:
		p.buf.WriteString(p.src[p.lo:p.hi])
		p.buf.WriteString(p.src[i:j])
		p.lo, p.hi = 0, 0
	}
}

func (p *parser) flush() {
	var text string
	lo, hi := -1, -1
	switch {
	case p.buf.Len() > 0:
		text = p.buf.String()
		p.buf.Reset()
	case p.lo < p.hi:
		text, lo, hi = p.src[p.lo:p.hi], p.lo, p.hi
	default:
		return
	}
	p.lo, p.hi = 0, 0
	if n := len(p.out); n > 0 && p.out[n-1].Kind == SpanText && p.out[n-1].Bold == p.bold && p.out[n-1].Strike == p.strike {
		if lo >= 0 && p.lastLo >= 0 && p.lastHi == lo {
			p.out[n-1].Text, p.lastHi = p.src[p.lastLo:hi], hi
			return
		}
		p.out[n-1].Text += text
		p.lastLo = -1
		return
	}
	p.out = append(p.out, Span{Kind: SpanText, Text: text, Bold: p.bold, Strike: p.strike})
	p.lastLo, p.lastHi = lo, hi
}

func (p *parser) add(sp Span) {
	p.flush()
	sp.Bold, sp.Strike = p.bold, p.strike
	p.out = append(p.out, sp)
	p.lastLo = -1
}

// spansAtMost bounds the spans Parse makes of s, so that it makes their
// slice once (adapters parse each reply several times): a span starts
// at the start or at a markup byte, and each markup byte starts at most
// two (its own, and the text after it).
func spansAtMost(s string) int {
	n := 1
	for i := 0; i < len(s); i++ {
		if markupByte[s[i]] {
			n += 2
		}
	}
	return n
}

// maxSpan is the longest a code span, link or user reference may be, in
// bytes. Longer is text. It keeps Parse linear: without it, a long line
// of unclosed backticks or angle brackets is scanned to its end from
// each one.
const maxSpan = 4096

// parseCode reads `code` at the start of s, undoing \` and \\.
func parseCode(s string) (code string, n int, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s) && i < maxSpan; i++ {
		switch s[i] {
		case '`':
			return b.String(), i + 1, true
		case '\n':
			return "", 0, false
		case '\\':
			if i+1 < len(s) && (s[i+1] == '`' || s[i+1] == '\\') {
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return "", 0, false
}

// parseAngle reads a link or a user reference at the start of s.
func parseAngle(s string) (Span, int, bool) {
	s = s[:min(len(s), maxSpan)]
	end := strings.IndexAny(s, ">\n")
	if end < 0 || s[end] != '>' {
		return Span{}, 0, false
	}
	if id, ok := strings.CutPrefix(s[1:end], "@"); ok {
		if !validID(id) {
			return Span{}, 0, false
		}
		return Span{Kind: SpanUser, Text: id}, end + 1, true
	}
	body := s[1:]
	n := urlLen(body)
	url := body[:n]
	if !validURL(url) {
		return Span{}, 0, false
	}
	switch {
	case n < len(body) && body[n] == '>':
		return Span{Kind: SpanLink, Text: url, URL: url}, n + 2, true
	case n < len(body) && body[n] == '|':
		// The label runs to the first unescaped '>' on the line.
		var label strings.Builder
		for i := n + 1; i < len(body); i++ {
			switch c := body[i]; {
			case c == '\n':
				return Span{}, 0, false
			case c == '>':
				l := label.String()
				if strings.TrimSpace(l) == "" {
					l = url
				}
				return Span{Kind: SpanLink, Text: l, URL: url}, i + 2, true
			case c == '\\' && i+1 < len(body) && strings.IndexByte(escapable, body[i+1]) >= 0:
				label.WriteByte(body[i+1])
				i++
			default:
				label.WriteByte(c)
			}
		}
	}
	return Span{}, 0, false
}

// PlainText renders markup as plain text: styles dropped, code as its
// text, links as "label (url)" or the URL alone, users as "@id".
func PlainText(markup string) string {
	var b strings.Builder
	for _, sp := range Parse(markup) {
		switch sp.Kind {
		case SpanText, SpanCode:
			b.WriteString(sp.Text)
		case SpanLink:
			if sp.Text == sp.URL {
				b.WriteString(sp.URL)
			} else {
				b.WriteString(sp.Text + " (" + sp.URL + ")")
			}
		case SpanUser:
			b.WriteString("@" + sp.Text)
		}
	}
	return b.String()
}
