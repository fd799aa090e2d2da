package slack

import (
	"strings"
	"unicode/utf8"
)

// unescapeCommand undoes the HTML escaping Slack applies to slash-command
// text: the user's own &, < and > arrive as &amp;, &lt; and &gt;, while
// Slack's markup (<@U123|name> with should_escape) arrives as is. &amp;
// goes last, so "&amp;lt;" becomes the "&lt;" the user typed.
var unescapeCommand = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace

// mrkdwn escapes text for a Slack mrkdwn field. Slack reads &, < and > as
// control characters, so a note that says <!channel>, <!here> or
// <!subteam^…> would notify a whole channel or group, and <url|label>
// would disguise a link. Escaped, they show as typed. User mentions
// (<@U123>, <@U123|name>), which the command layer writes on purpose,
// stay live, as do channel links (<#C123|name>), which notify no one.
func mrkdwn(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '>':
			b.WriteString("&gt;")
		case '<':
			if n := userMention(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n - 1
				continue
			}
			b.WriteString("&lt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// userMention returns the length of the user mention or channel link s
// starts with ("<@U123>", "<@U123|name>", "<#C123|name>"), or 0 when it
// starts with neither.
func userMention(s string) int {
	if !strings.HasPrefix(s, "<@") && !strings.HasPrefix(s, "<#") {
		return 0
	}
	i := 2
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 2 || i == len(s) {
		return 0
	}
	if s[i] == '|' {
		j := strings.IndexAny(s[i:], "<>")
		if j < 0 || s[i+j] != '>' {
			return 0
		}
		i += j
	}
	if s[i] != '>' {
		return 0
	}
	return i + 1
}

// truncateMrkdwn is truncate for escaped mrkdwn: the cut never leaves
// half an entity ("&am") or half a mention ("<@U12") behind.
func truncateMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return cutMarkup(prefixRunes(s, n-1)) + "…"
}

// cutMarkup drops a trailing entity or mention that s ends inside of.
func cutMarkup(s string) string {
	if i := strings.LastIndexByte(s, '&'); i >= 0 && !strings.Contains(s[i:], ";") {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '<'); i >= 0 && !strings.Contains(s[i:], ">") {
		s = s[:i]
	}
	return s
}
