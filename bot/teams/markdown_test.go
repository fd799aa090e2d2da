package teams

import (
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

func TestMarkdownLine(t *testing.T) {
	env := &renderEnv{
		names:  map[string]string{priya.AAD: "Priya Shah", sam.AAD: "Sam *the* [Boss](https://evil)"},
		notify: map[string]bool{priya.AAD: true},
	}
	tests := []struct{ markup, want string }{
		{"plain words", "plain words"},
		{"*bold* and *bold with space *", "**bold** and **bold with space** "},
		{"~withdrawn~ (withdrawn)", "~~withdrawn~~ (withdrawn)"},
		{"*~both~*", "**~~both~~**"},
		{bot.Code("eds/1.1") + " " + bot.Code("a*b_c"), "\\`eds/1.1\\` \\`a\\*b\\_c\\`"},
		{bot.Link("https://nhs.uk/eds", "EDS 2022"), "[EDS 2022](https://nhs.uk/eds)"},
		{bot.Link("https://en.wikipedia.org/wiki/Foo_(bar)", ""), "[https://en.wikipedia.org/wiki/Foo\\_(bar)](https://en.wikipedia.org/wiki/Foo_(bar))"},
		// The destination is the stored URL: "_" and "*" stay as they are.
		{bot.Link("https://nhs.uk/a_b*c~d?q=x_y", ""), "[https://nhs.uk/a\\_b\\*c\\~d?q=x\\_y](https://nhs.uk/a_b*c~d?q=x_y)"},
		// What would end the destination or open a tag is encoded.
		{bot.Link("https://nhs.uk/a)b", "x"), "[x](https://nhs.uk/a%29b)"},
		{"owner " + bot.User(priya.AAD), "owner <at>Priya Shah</at>"},
		{"owner " + bot.User(sam.AAD), "owner Sam \\*the\\* \\[Boss\\](https://evil)"},
		{"owner " + bot.User("00000000-0000-0000-0000-00000000dead"), "owner user 00000000"},
		{bot.UserText("- not a list"), "\\- not a list"},
		{bot.UserText("12. not a list"), "12\\. not a list"},
		{bot.UserText("# not a heading"), "\\# not a heading"},
		{bot.UserText("> not a quote"), "\\> not a quote"},
		{bot.UserText("a & b &amp; <at>Sam</at> ~~x~~ `y`"), "a \\& b \\&amp; \\<at\\>Sam\\</at\\> \\~\\~x\\~\\~ \\`y\\`"},
		{bot.UserText("[nhs.uk](https://evil.example)"), "\\[nhs.uk\\]([https://evil.example](https://evil.example))"},
	}
	for _, tt := range tests {
		var ments []mention
		if got := env.markdownLine(tt.markup, &ments); got != tt.want {
			t.Errorf("markdownLine(%q)\n got %q\nwant %q", tt.markup, got, tt.want)
		}
	}
}

// Only users in Notify are mentioned, each with an entity whose text is
// exactly what the card shows.
func TestMentionsOnlyForNotify(t *testing.T) {
	env := &renderEnv{names: map[string]string{priya.AAD: "Priya <Shah>", sam.AAD: "Sam Jones"}, notify: map[string]bool{priya.AAD: true}}
	var ments []mention
	md := env.markdownLine("to "+bot.User(priya.AAD)+", cc "+bot.User(sam.AAD), &ments)
	if len(ments) != 1 || ments[0].Mentioned.ID != priya.AAD || ments[0].Text != "<at>Priya Shah</at>" {
		t.Fatalf("mentions %+v", ments)
	}
	if !strings.Contains(md, ments[0].Text) || strings.Contains(md, "<at>Sam") {
		t.Errorf("text %q", md)
	}
}

// checkInert fails unless md, the rendering of user text, is literal in
// card markdown: every markdown character escaped, and every link one
// whose label is its own URL.
func checkInert(t *testing.T, md string) {
	t.Helper()
	trimmed := strings.TrimLeft(md, " \t")
	if trimmed != "" && strings.IndexByte("-+#>=", trimmed[0]) >= 0 {
		t.Fatalf("line starts with an unescaped block marker: %q", md)
	}
	digits := len(trimmed) - len(strings.TrimLeft(trimmed, "0123456789"))
	if digits > 0 && digits < len(trimmed) && (trimmed[digits] == '.' || trimmed[digits] == ')') {
		t.Fatalf("line starts an ordered list: %q", md)
	}
	for i := 0; i < len(md); i++ {
		switch c := md[i]; c {
		case '\\':
			i++
		case '[':
			end := strings.Index(md[i:], "](")
			if end < 0 {
				t.Fatalf("unescaped [ without a link in %q", md)
			}
			label := unescape(md[i+1 : i+end])
			// The destination ends at the ")" that balances its "(",
			// as markdown reads it.
			close, depth := -1, 0
			for j := i + end + 2; j < len(md) && close < 0; j++ {
				switch md[j] {
				case '(':
					depth++
				case ')':
					if depth--; depth < 0 {
						close = j - (i + end)
					}
				}
			}
			if close < 0 {
				t.Fatalf("unterminated link in %q", md)
			}
			dest := md[i+end+2 : i+end+close]
			if linkDest(label) != dest {
				t.Fatalf("link label %q does not show its destination %q in %q", label, dest, md)
			}
			i += end + close
		case '*', '_', '~', '`', '<', '>', '&', ']':
			t.Fatalf("unescaped %q at %d in %q", c, i, md)
		}
	}
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestUserTextIsInert(t *testing.T) {
	env := &renderEnv{names: map[string]string{}, notify: map[string]bool{}}
	for _, s := range []string{
		"**bold** _it_ ~~s~~ `c` <at>Sam</at> &lt; &#42;",
		"[nhs.uk](https://evil.example) ![img](https://evil.example/x.png)",
		"see https://nhs.uk/a_(b)_c, then <https://evil|nhs.uk>",
		"1) one", "  - two", "+three", "\\*escaped\\*", "<@U123> <!channel> @everyone",
	} {
		for _, line := range strings.Split(bot.UserText(s), "\n") {
			var ments []mention
			md := env.markdownLine(line, &ments)
			checkInert(t, md)
			if len(ments) != 0 {
				t.Errorf("user text %q mentioned %+v", s, ments)
			}
		}
	}
}

func TestSplitLine(t *testing.T) {
	long := strings.Repeat("word ", 1000) + strings.Repeat("é", 3000)
	parts := splitLine(long, 2000)
	if strings.Join(parts, "") != long {
		t.Fatal("split lost or changed text")
	}
	for _, p := range parts {
		if len(p) > 2000 || !strings.HasPrefix(long[strings.Index(long, p):], p) {
			t.Errorf("part of %d bytes", len(p))
		}
		if !utf8Valid(p) {
			t.Errorf("part cut inside a character: %q", p[len(p)-4:])
		}
	}
}

// A split never changes what the markup says: an escape is never cut
// from what it escapes, a link or user never cut, and bold stays bold.
func TestSplitLineKeepsMarkup(t *testing.T) {
	note := "“" + bot.UserText(strings.Repeat("é", 997)+"*a*") + "”"
	for _, line := range []string{
		"x " + note,
		bot.Bold(strings.Repeat("bold ", 600)),
		strings.Repeat("y", 1990) + bot.User("U123") + " " + bot.Link("https://nhs.uk/"+strings.Repeat("a", 50), "") + " tail",
		strings.Repeat("z", 1995) + bot.Code("code") + " and more",
	} {
		parts := splitLine(line, 2000)
		if len(parts) < 2 {
			t.Fatalf("%.30q… was not split", line)
		}
		var plain strings.Builder
		var spans []bot.Span
		for _, p := range parts {
			if len(p) > 2000 {
				t.Errorf("a piece of %d bytes", len(p))
			}
			plain.WriteString(bot.PlainText(p))
			spans = append(spans, bot.Parse(p)...)
		}
		if plain.String() != bot.PlainText(line) {
			t.Errorf("%.30q…: pieces read %q…", line, plain.String()[:40])
		}
		whole := bot.Parse(line)
		kinds := func(ss []bot.Span) (users, links, codes, boldRunes int) {
			for _, sp := range ss {
				switch sp.Kind {
				case bot.SpanUser:
					users++
				case bot.SpanLink:
					links++
				case bot.SpanCode:
					codes++
				}
				if sp.Bold {
					boldRunes += len([]rune(sp.Text))
				}
			}
			return
		}
		u1, l1, c1, b1 := kinds(whole)
		u2, l2, c2, b2 := kinds(spans)
		if u1 != u2 || l1 != l2 || c1 != c2 || b1 != b2 {
			t.Errorf("%.30q…: users/links/codes/bold %d/%d/%d/%d whole, %d/%d/%d/%d split", line, u1, l1, c1, b1, u2, l2, c2, b2)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
