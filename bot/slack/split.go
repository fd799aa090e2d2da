package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
)

// chunk is the mrkdwn of one section, and the markup line it starts
// with.
type chunk struct {
	md   string
	lead string
}

// sectionTexts translates markup lines and packs them into section
// texts of at most maxSectionText characters, breaking between lines.
// The markup's styles, code, links and user references all end within
// a line, so each line translates on its own and a break between lines
// never splits one. A line too long for a section is split by splitLine.
func sectionTexts(lines []string, m *mentions) []chunk {
	var out []chunk
	var cur strings.Builder
	size := 0
	for _, line := range lines {
		size += len(line) + 1
	}
	cur.Grow(min(size, maxSectionText*4) + 16) // once, where the text is not escaped much
	n := 0
	lead := ""
	flush := func() {
		if s := strings.TrimRightFunc(cur.String(), unicode.IsSpace); strings.TrimSpace(s) != "" {
			out = append(out, chunk{md: s, lead: lead})
		}
		cur.Reset()
		n, lead = 0, ""
	}
	add := func(md, line string) {
		k := slackLen(md)
		if cur.Len() > 0 && n+1+k > maxSectionText {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
			n++
		}
		if lead == "" && strings.TrimSpace(line) != "" {
			lead = line
		}
		cur.WriteString(md)
		n += k
	}
	for _, line := range lines {
		md := toMrkdwn(line, m)
		if slackLen(md) <= maxSectionText {
			add(md, line)
			continue
		}
		// The first part fills what is left of the current section.
		room := maxSectionText
		if cur.Len() > 0 {
			room -= n + 1
		}
		for _, part := range splitLine(line, m, room, maxSectionText) {
			add(part, line)
		}
	}
	flush()
	return out
}

// splitLine splits one markup line whose mrkdwn is longer than limit
// into parts of at most limit characters, the first of at most first
// characters when that is room for some of it (see bot.SpanSplitter).
// Only a single word, code span or link longer than limit is broken
// inside itself, by breakSpan, each piece a part of its own.
func splitLine(line string, m *mentions, first, limit int) []string {
	s := bot.SpanSplitter{
		Limit:      limit,
		Render:     func(spans []bot.Span) string { return spansMrkdwn(spans, m, true) },
		Width:      slackLen,
		Break:      func(sp bot.Span) []bot.Span { return breakSpan(sp, m, limit) },
		BreakApart: true,
	}
	return s.Split(bot.Parse(line), first)
}

// breakSpan breaks a span that renders longer than limit into spans that
// each render within it. Escaping makes a character at most five (&amp;),
// and the style markers add four, so pieces of (limit-8)/5 characters
// always fit.
func breakSpan(sp bot.Span, m *mentions, limit int) []bot.Span {
	switch sp.Kind {
	case bot.SpanLink:
		// Too long to be a link: show its label and URL as text.
		text := sp.URL
		if sp.Text != sp.URL {
			text = sp.Text + " (" + sp.URL + ")"
		}
		sp = bot.Span{Kind: bot.SpanText, Text: text, Bold: sp.Bold, Strike: sp.Strike}
	case bot.SpanUser:
		sp = bot.Span{Kind: bot.SpanText, Text: m.plain(sp.Text), Bold: sp.Bold, Strike: sp.Strike}
	}
	n := max((limit-8)/5, 1)
	var out []bot.Span
	s := sp.Text
	for s != "" {
		i, k := 0, 0
		for i < len(s) && k < n {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			k++
		}
		p := sp
		p.Text = s[:i]
		out = append(out, p)
		s = s[i:]
	}
	return out
}
