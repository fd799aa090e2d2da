package teams

import (
	"strings"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
)

// Adaptive Card markdown is a small, loosely specified subset: bold,
// italic, lists and [label](url) links, read differently by the desktop,
// web and mobile clients. The translation below therefore uses only bold
// and links, and makes everything else literal:
//
//   - Text is backslash-escaped wherever a character could start markdown
//     or an entity (\ ` * _ [ ] < > ~ &), and at the start of a line where
//     it could start a list, heading or quote. User text goes through the
//     same escape, so it cannot bold, link or mention anyone.
//   - Code has no card markdown: it is shown between literal backticks.
//   - Strike has no card markdown: struck text is shown between "~~"
//     markers; the command layer's words ("(withdrawn)") carry the meaning.
//   - Links are [label](url) with the label escaped and the destination
//     exactly the URL, but for what could end it (see linkDest), so no
//     label or URL can break out of the link.
//   - A user reference is a mention (<at>Name</at> plus an entity) only
//     for users in Reply.Notify; anyone else is named in plain text.

// mention is an msteams.entities mention: Teams notifies its user and
// shows Text as their name.
type mention struct {
	Type      string  `json:"type"` // "mention"
	Text      string  `json:"text"` // "<at>Name</at>", exactly as in the card text
	Mentioned account `json:"mentioned"`
}

// renderEnv is what translating markup needs beyond the markup itself.
type renderEnv struct {
	ws     string            // the workspace the reply is for: cards name it (see submission)
	names  map[string]string // aad object id -> display name; missing = unknown
	notify map[string]bool   // who may be notified
	forms  int               // forms numbered so far in this reply
	// lang declares the forms that form buttons open; nil when the
	// Handler declares none, and form buttons then run their command.
	lang bot.Language
}

// markdownLine translates one line of markup (no newlines) into Adaptive
// Card markdown, appending the mentions it makes to ments.
func (e *renderEnv) markdownLine(markup string, ments *[]mention) string {
	spans := bot.Parse(markup)
	var b strings.Builder
	for i := 0; i < len(spans); {
		j := i
		for j < len(spans) && spans[j].Bold == spans[i].Bold {
			j++
		}
		inner := e.strikeRuns(spans[i:j], i == 0, ments)
		if spans[i].Bold {
			inner = wrap(inner, "**")
		}
		b.WriteString(inner)
		i = j
	}
	return b.String()
}

// strikeRuns renders spans of one boldness, marking struck runs.
func (e *renderEnv) strikeRuns(spans []bot.Span, lineStart bool, ments *[]mention) string {
	var b strings.Builder
	for i := 0; i < len(spans); {
		j := i
		var run strings.Builder
		for j < len(spans) && spans[j].Strike == spans[i].Strike {
			run.WriteString(e.span(spans[j], lineStart && j == 0, ments))
			j++
		}
		if spans[i].Strike {
			b.WriteString(wrap(run.String(), "~~"))
		} else {
			b.WriteString(run.String())
		}
		i = j
	}
	return b.String()
}

// span renders one span, without its bold or strike.
func (e *renderEnv) span(sp bot.Span, lineStart bool, ments *[]mention) string {
	switch sp.Kind {
	case bot.SpanCode:
		return "\\`" + escapeMarkdown(sp.Text, false) + "\\`"
	case bot.SpanLink:
		return "[" + escapeMarkdown(sp.Text, false) + "](" + linkDest(sp.URL) + ")"
	case bot.SpanUser:
		name := e.names[sp.Text]
		if !e.notify[sp.Text] {
			if name == "" {
				return escapeMarkdown(placeholder(sp.Text), false)
			}
			return escapeMarkdown(name, false)
		}
		at := atName(name)
		if at == "" {
			at = placeholder(sp.Text)
		}
		m := mention{Type: "mention", Text: "<at>" + at + "</at>", Mentioned: account{ID: sp.Text, Name: at}}
		*ments = append(*ments, m)
		return m.Text
	default:
		return escapeMarkdown(sp.Text, lineStart)
	}
}

// wrap puts a markdown delimiter around s, outside its leading and
// trailing spaces: "** bold **" is not bold in markdown.
func wrap(s, delim string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return s
	}
	i := strings.Index(s, t)
	return s[:i] + delim + t + delim + s[i+len(t):]
}

// escaper escapes card markdown: "\\`*_[]<>~&" anywhere, and at a
// line's start "-", "+", "#", "=" and "1.", which would start a list or
// a heading (">", a quote, is escaped everywhere).
var escaper = bot.NewMarkdownEscaper("\\`*_[]<>~&", "-+#=")

// escapeMarkdown makes s literal in card markdown. lineStart says s
// starts a line.
func escapeMarkdown(s string, lineStart bool) string { return escaper.Escape(s, lineStart) }

// linkDest is a URL as a markdown link destination, exactly as stored
// wherever that is safe, so the link a reader follows or copies is the
// one recorded: "*" and "(" are reserved characters in a URL, and
// "%2A" or "%28" in their place may name another page.
//
// Markdown reads a link before emphasis, and a destination is not
// markdown, so "_", "*" and "~" in it are literal; parentheses are too
// while they are balanced (a Wikipedia "Foo_(bar)"), since an
// unbalanced ")" would end the destination. What could end the
// destination or be read as a tag or code (space, "<", ">", "`", "\",
// "[", "]", an unbalanced parenthesis, control and non-ASCII bytes) is
// percent-encoded, which a browser sends the same way anyway.
func linkDest(u string) string {
	const keep = "-._~:/?#@!$&'+,;=%*"
	parens := balanced(u)
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0 ||
			parens && (c == '(' || c == ')') {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
	}
	return b.String()
}

// balanced reports whether every parenthesis in s closes one opened
// before it, and all are closed.
func balanced(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// atName is a display name fit for <at>…</at>: the text must match the
// entity's exactly and must not itself be markup, so characters that
// markdown or the tag would read are dropped.
func atName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune("<>\\`*_[]~&", r) || r < ' ' {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name)
}

// placeholder names a user whose name could not be looked up, without
// notifying them: "user 1a2b3c4d", from their id.
func placeholder(id string) string {
	if n := 8; len(id) > n {
		id = id[:n]
	}
	return "user " + id
}

// plainText is markup as plain text for an activity's summary, the text
// a notification shows: user references by name.
func (e *renderEnv) plainText(markup string) string {
	var b strings.Builder
	for _, sp := range bot.Parse(markup) {
		switch sp.Kind {
		case bot.SpanUser:
			if n := e.names[sp.Text]; n != "" {
				b.WriteString(n)
			} else {
				b.WriteString(placeholder(sp.Text))
			}
		case bot.SpanLink:
			b.WriteString(sp.Text)
		default:
			b.WriteString(sp.Text)
		}
	}
	return b.String()
}

// splitLine cuts a markup line longer than n bytes into pieces of at most
// about n bytes, at spaces where it can and always at rune boundaries.
// A cut never falls between a backslash and what it escapes, nor inside
// a code span, link or user reference (it moves before them), and bold
// or strike open at the cut is closed and reopened, so each piece parses
// to what the whole line said.
func splitLine(s string, n int) []string {
	var out []string
	n -= 2 // room to close bold and strike
	for len(s) > n+2 {
		cut := strings.LastIndexByte(s[:n], ' ')
		if cut < n/2 {
			cut = n
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			if cut == 0 {
				cut = n
			}
		} else {
			cut++ // keep the space with the first piece
		}
		st := scanMarkup(s, cut)
		switch {
		case st.atom > 0:
			cut = st.atom // start the code, link or user in the next piece
			st = scanMarkup(s, cut)
		case st.escape:
			cut-- // keep the backslash with what it escapes
			st = scanMarkup(s, cut)
		}
		if cut <= 0 {
			cut = n // an atom longer than a piece: cut it; it reads as text
			st = markupState{}
		}
		head, tail := s[:cut], s[cut:]
		if st.bold {
			head, tail = head+"*", "*"+tail
		}
		if st.strike {
			head, tail = head+"~", "~"+tail
		}
		out = append(out, head)
		s = tail
	}
	return append(out, s)
}

// markupState is what is open at a point in a markup line.
type markupState struct {
	atom         int  // where an open code span, link or user reference starts; 0 for none
	escape       bool // the point falls just after an escaping backslash
	bold, strike bool
}

// scanMarkup reads s up to end as bot.Parse does, to say what is open
// there.
func scanMarkup(s string, end int) markupState {
	var st markupState
	code, angle := -1, -1
	for i := 0; i < end; i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\*~`<>", s[i+1]) >= 0:
			if i+1 >= end {
				st.escape = true
			}
			i++
		case code >= 0:
			if c == '`' {
				code = -1
			}
		case c == '`':
			code = i
		case c == '<':
			angle = i
		case c == '>':
			angle = -1
		case angle >= 0:
		case c == '*':
			st.bold = !st.bold
		case c == '~':
			st.strike = !st.strike
		}
	}
	switch {
	case code >= 0:
		st.atom = code
	case angle >= 0:
		st.atom = angle
	}
	if st.atom == 0 && (code == 0 || angle == 0) {
		st.atom = -1 // the atom starts the line: no cut before it helps
	}
	return st
}
