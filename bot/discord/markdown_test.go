package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/reminders/worstcase"
)

func TestMarkdown(t *testing.T) {
	hostile := bot.UserText("[nhs.uk](https://evil.example/1) <@U0OTHER> <!channel> @everyone *bold* **strong** _em_ ~~gone~~ `tick` > quote ||spoiler||")
	cases := []struct {
		markup string
		d      dialect
		want   string
	}{
		{"plain", inEmbed, "plain"},
		{"a *b* c", inEmbed, "a **b** c"},
		{"~x *y*~ z", inEmbed, "~~x **y**~~ z"},
		{"*bold `c` x*", inEmbed, "**bold `c` x**"},
		{bot.Code("a`b*c"), inEmbed, "``a`b*c``"},
		{bot.Code("`x"), inEmbed, "`` `x ``"},
		{bot.Code("a``b"), inEmbed, "```a``b```"},
		{"<https://nhs.uk|NHS>", inEmbed, "[NHS](https://nhs.uk)"},
		{"<https://nhs.uk|NHS>", inContent, "NHS (<https://nhs.uk>)"},
		{"<https://nhs.uk|NHS>", inTitle, "NHS (https://nhs.uk)"},
		{"<https://x.org/a_(b)|[wiki]>", inEmbed, `[\[wiki\]](https://x.org/a_%28b%29)`},
		{"<https://nhs.uk>", inEmbed, "<https://nhs.uk>"},
		{"<https://nhs.uk>", inContent, "<https://nhs.uk>"},
		{"see https://a.example/x_y.", inEmbed, "see <https://a.example/x_y>."},
		{"hi <@123>!", inEmbed, "hi <@123>!"},
		{"hi <@123>!", inTitle, `hi \@123!`},
		{"<@U0HEAVY>", inContent, `\@U0HEAVY`},
		{hostile, inEmbed, `\[nhs.uk\](<https://evil.example/1>) \<\@U0OTHER\> \<!channel\> \@everyone \*bold\* \*\*strong\*\* \_em\_ \~\~gone\~\~ \` + "`" + `tick\` + "`" + ` \> quote \|\|spoiler\|\|`},
		{"# head", inEmbed, `\# head`},
		{"- item", inContent, `\- item`},
		{"12. twelve", inEmbed, `12\. twelve`},
		{"  -# small", inEmbed, `  \-# small`},
		{"a - b # c 1. d", inEmbed, "a - b # c 1. d"},
		{"*# not a header*", inEmbed, `**\# not a header**`},
		{`*a\**`, inEmbed, `**a\***`},
		// "\~~~" would close the strike a character early.
		{`~a\~~`, inEmbed, "~~a\\~\u200b~~"},
		// Code holding ** cannot sit inside **…**.
		{"*x `a**b` y*", inEmbed, "**x **`a**b`** y**"},
		{"`eds/1.1` Title *x*", inTitle, "`eds/1.1` Title **x**"},
	}
	for _, c := range cases {
		got := renderSpans(spansOf(c.markup), c.d)
		if got != c.want {
			t.Errorf("%q in dialect %d:\n got %s\nwant %s", c.markup, c.d, got, c.want)
		}
	}
}

func TestMarkdownSplitsLongLines(t *testing.T) {
	words := strings.Repeat("*bold* plain `code` <https://nhs.uk|link> ", 300)
	lines := markdownLines(words+"\nshort", inEmbed, 500, false)
	if len(lines) < 10 || lines[len(lines)-1] != "short" {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	for _, l := range lines {
		if width(l) > 500 {
			t.Errorf("line of %d", width(l))
		}
		// Every piece starts and ends between entities.
		if strings.Count(l, "**")%2 != 0 || strings.Count(l, "`")%2 != 0 || strings.Count(l, "[") != strings.Count(l, "](") {
			t.Errorf("piece cuts an entity: %q", l)
		}
	}
	// One word, or one code span, wider than the limit is cut into
	// characters, and nothing is lost.
	long := strings.Repeat("é*", 700)
	got := markdownLines(bot.Escape(long), inEmbed, 500, false)
	if len(got) < 3 || unescape(strings.Join(got, "")) != long {
		t.Errorf("long word split into %d pieces, losing text", len(got))
	}
	got = markdownLines(bot.Code(strings.Repeat("x`", 700)), inEmbed, 500, false)
	for _, l := range got {
		if width(l) > 500 || !strings.HasPrefix(l, "``") || !strings.HasSuffix(l, "``") {
			t.Errorf("code piece of %d: %.20q…", width(l), l)
		}
	}
	if len(got) < 3 {
		t.Errorf("long code split into %d pieces", len(got))
	}
	// A link wider than the room it has says so rather than vanish.
	// (Markup spans are at most 4 KiB: a longer "link" is text.)
	huge := "<https://nhs.uk/" + strings.Repeat("a", 3000) + "|x>"
	if got := markdownLines(huge, inEmbed, maxContent, false); len(got) != 1 || !strings.Contains(got[0], "too long for Discord") {
		t.Errorf("huge link rendered %q", got)
	}
}

// live reports the first thing in rendered user text that Discord would
// read as markdown, a mention or a masked link, or "" when all of it is
// inert. Inert is escaped characters, plain characters, and <url> links.
func live(md string) string {
	s := strings.TrimLeft(md, " \t")
	if s != "" && strings.IndexByte("#-+", s[0]) >= 0 {
		return "line starts with " + s[:1]
	}
	if n := len(s) - len(strings.TrimLeft(s, "0123456789")); n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')') {
		return "line starts a numbered list"
	}
	for i := 0; i < len(md); {
		switch c := md[i]; {
		case c == '\\':
			if i+1 >= len(md) || !isPunct(md[i+1]) {
				return fmt.Sprintf("stray backslash at %d", i)
			}
			i += 2
		case c == '<':
			end := strings.IndexByte(md[i:], '>')
			if end < 0 {
				return "unclosed <"
			}
			inner := md[i+1 : i+end]
			if !strings.HasPrefix(inner, "http://") && !strings.HasPrefix(inner, "https://") || strings.ContainsAny(inner, " \t<") {
				return "tag " + md[i:i+end+1]
			}
			i += end + 1
		case strings.IndexByte("*_~`|[]>@", c) >= 0:
			return fmt.Sprintf("unescaped %q at %d in %q", c, i, md)
		default:
			i++
		}
	}
	return ""
}

func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
}

// unescape reads inert markdown back as the text it shows.
func unescape(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		switch md[i] {
		case '\\':
			if i+1 < len(md) {
				i++
			}
			b.WriteByte(md[i])
		case '<':
			if end := strings.IndexByte(md[i:], '>'); end > 0 {
				b.WriteString(md[i+1 : i+end])
				i += end
				continue
			}
			b.WriteByte('<')
		default:
			b.WriteByte(md[i])
		}
	}
	return b.String()
}

// FuzzMarkdown: any markup renders without panic, within the width asked,
// in every dialect; text people typed (through bot.UserText) renders
// inert, with no mention, masked link, bold, strike or other markdown,
// and shows exactly what they typed, split or not.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"", "*b*", "`c`", "<https://x.y|z>", "<@123>", `\*`, "https://a.b/c) d", "~s\n*b", "# h", "1. x",
		"[nhs.uk](https://evil.example) <@U1> <!channel> @everyone *b* **s** _e_ ~~g~~ `t` > q ||s||", worstcase.Note(1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range []dialect{inContent, inEmbed, inTitle} {
			for _, l := range markdownLines(s, d, 100, false) {
				if width(l) > 100 {
					t.Fatalf("%q: line of %d in dialect %d", s, width(l), d)
				}
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		for _, line := range strings.Split(s, "\n") {
			for _, d := range []dialect{inContent, inEmbed} {
				whole := renderSpans(spansOf(bot.UserText(line)), d)
				if why := live(whole); why != "" {
					t.Fatalf("user text %q rendered %q: %s", line, whole, why)
				}
				if got := unescape(whole); got != line {
					t.Fatalf("user text %q shows as %q", line, got)
				}
				pieces := markdownLines(bot.UserText(line), d, 100, false)
				for _, p := range pieces {
					if why := live(p); why != "" {
						t.Fatalf("user text %q split into %q: %s", line, p, why)
					}
				}
				if got := unescape(strings.Join(pieces, "")); got != line {
					t.Fatalf("user text %q split shows as %q", line, got)
				}
			}
		}
	})
}
