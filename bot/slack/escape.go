package slack

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unescapeCommand undoes the HTML escaping Slack applies to slash-command
// text: the user's own &, < and > arrive as &amp;, &lt; and &gt;, while
// Slack's markup (<@U123|name> with should_escape) arrives as is. &amp;
// goes last, so "&amp;lt;" becomes the "&lt;" the user typed.
func unescapeCommand(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s // most commands: a replacer would copy them all the same
	}
	return commandUnescaper.Replace(s)
}

var commandUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// zwsp is U+200B ZERO WIDTH SPACE: invisible, and not a word boundary.
const zwsp = "\u200b"

// escapeText makes plain text inert in Slack mrkdwn, so it shows exactly
// as written.
//
//   - &, < and > become &amp;, &lt; and &gt;, the only escapes Slack
//     documents: <!channel>, <!here>, <@U1> and <url|label> typed by a
//     user show as typed and cannot notify anyone or disguise a link.
//   - Slack has no escape for its formatting characters * _ ~ and `, so
//     each gets a zero-width space on either side. Slack applies a
//     marker only where it touches a word boundary (a space, the line's
//     edge, punctuation) on its outer side and text on its inner side;
//     with an invisible non-space character on both sides it does
//     neither, and *x* reads *x*, not x in bold. The reader sees the
//     same characters; copying the text copies the invisible ones too.
//   - &gt; at the start of a line would be a block quote, so it gets a
//     zero-width space in front.
//   - @here, @channel and @everyone get a zero-width space after the @,
//     in case a client or the notification text parses them as words;
//     text objects are sent verbatim, which already keeps Slack from
//     doing so.
//
// lineStart says s begins a line.
func escapeText(s string, lineStart bool) string {
	if !strings.ContainsAny(s, "&<>*_~`@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			if lineStart {
				b.WriteString(zwsp)
			}
			b.WriteString("&gt;")
		case '*', '_', '~', '`':
			b.WriteString(zwsp)
			b.WriteByte(c)
			b.WriteString(zwsp)
		case '@':
			b.WriteByte(c)
			if specialMention(s[i+1:]) {
				b.WriteString(zwsp)
			}
		default:
			b.WriteByte(c)
		}
		lineStart = c == '\n'
	}
	return b.String()
}

// specialMention reports whether s starts with a word Slack could read
// as a mention of many people after an @.
func specialMention(s string) bool {
	for _, w := range []string{"here", "channel", "everyone"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			return true
		}
	}
	return false
}

// escapeCode makes the text of an inline code span inert. Inside code
// Slack applies no formatting, so only &, < and > need entities; a
// backtick would end the span, and mrkdwn has no way to put one inside,
// so it shows as ˋ (U+02CB), which looks the same.
func escapeCode(s string) string {
	if !strings.ContainsAny(s, "&<>`") {
		return s
	}
	return codeReplacer.Replace(s)
}

var codeReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "ˋ")

// escapeLabel makes a link label inert: it is text, and a | in it, which
// could be read as the one separating the URL from the label, shows as
// ∣ (U+2223).
func escapeLabel(s string) string {
	return strings.ReplaceAll(escapeText(s, false), "|", "∣")
}

// slackLen is the length of s as Slack's limits count it. Slack counts
// characters; counting UTF-16 code units, as JavaScript does, counts an
// emoji outside the Basic Multilingual Plane as two, which is never less
// than Slack's count, so a text within slackLen limits is within Slack's.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
		if r == utf8.RuneError {
			n++ // an invalid byte becomes U+FFFD: count it generously
		}
	}
	return n
}
