package report

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Text is escaped only where Markdown would read it as markup, so that
// prose pasted into a word processor shows no stray backslashes.
func TestEscapeMDOnlyWhereNeeded(t *testing.T) {
	for _, tt := range []struct {
		in    string
		place mdPlace
		want  string
	}{
		{"costs | benefits", placeProse, "costs | benefits"},
		{"costs | benefits", placeCell, `costs \| benefits`},
		{"costs | benefits", placeLabel, `costs \| benefits`},
		{"# not a heading", placeProse, "# not a heading"},
		{"# not a heading", placeLine, `\# not a heading`},
		{"issue #4, see ticket #12", placeLine, "issue #4, see ticket #12"},
		{"step 2 #", placeHeading, `step 2 \#`},
		{"C# guide", placeHeading, "C# guide"},
		{"1 < 2 and 3 > 2", placeProse, "1 < 2 and 3 > 2"},
		{"<b>bold</b> and <!-- c -->", placeProse, `\<b>bold\</b> and \<!-- c -->`},
		{"<https://evil.example> or <a@b.example>", placeProse, `\<https://evil.example> or \<a@b.example>`},
		{"<3 it", placeProse, "<3 it"},
		{"snake_case_name and 2 * 3 = 6", placeProse, "snake_case_name and 2 * 3 = 6"},
		{"_emph_ and *bold* and ~~gone~~", placeProse, `\_emph\_ and \*bold\* and \~\~gone\~\~`},
		{"[label](https://evil.example) and ![img](x) and [a][b]", placeProse, `[label\](https://evil.example) and ![img\](x) and [a\][b]`},
		{"[draft] note", placeProse, "[draft] note"},
		{"[draft] note", placeLine, `\[draft] note`},
		{"a [b] c", placeLabel, `a \[b\] c`},
		{"C:\\Users\\amy", placeProse, "C:\\Users\\amy"},
		{"a \\* b and a trailing \\", placeProse, `a \\\* b and a trailing \\`},
		{"`code`", placeProse, "\\`code\\`"},
		{"- item", placeLine, `\- item`},
		{"- item", placeProse, "- item"},
		{"+ item", placeLine, `\+ item`},
		{"2026. A year", placeLine, `2026\. A year`},
		{"3) third", placeLine, `3\) third`},
		{"> quote", placeLine, `\> quote`},
		{"> quote", placeProse, "> quote"},
		{"=== underline", placeLine, `\=== underline`},
		{"it's 50% done; 5 - 3 = 2 & so on.", placeLine, "it's 50% done; 5 - 3 = 2 & so on."},
		{"  two\n lines ", placeProse, "two lines"},
	} {
		if got := escapeMD(tt.in, tt.place); got != tt.want {
			t.Errorf("escapeMD(%q, %d) = %q, want %q", tt.in, tt.place, got, tt.want)
		}
	}
}

// gfm reads Markdown as GitHub does, less its linking of bare URLs,
// which escaping leaves alone.
var gfm = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote))

// inert checks that s, escaped for place and set where the report sets
// text of that place, reads back as exactly its text: no link, heading,
// table cell, emphasis, code or HTML made, and no character lost.
func inert(t *testing.T, s string, place mdPlace) {
	t.Helper()
	text := oneLine(s)
	if text == "" || strings.ContainsAny(text, "&\x00") || !utf8.ValidString(text) {
		return // entities stand for a character; NUL and bad UTF-8 are replaced
	}
	esc := escapeMD(s, place)
	want := html.EscapeString(text)
	want = strings.ReplaceAll(want, "&#39;", "'")
	want = strings.ReplaceAll(want, "&#34;", "&quot;")
	var doc, wantHTML string
	switch place {
	case placeProse:
		doc, wantHTML = "- Note: "+esc+"\n", "<ul>\n<li>Note: "+want+"</li>\n</ul>\n"
	case placeCell:
		doc = "| A | B |\n|---|---|\n| " + esc + " | x |\n"
		wantHTML = "<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>" + want + "</td>\n<td>x</td>\n</tr>\n</tbody>\n</table>\n"
	case placeLine:
		doc, wantHTML = "Intro.\n\n"+esc+"\n\nEnd.\n", "<p>Intro.</p>\n<p>"+want+"</p>\n<p>End.</p>\n"
	case placeHeading:
		doc, wantHTML = "### "+esc+"\n", "<h3>"+want+"</h3>\n"
	case placeLabel:
		// Mid-line: a list item that starts [x] is a task to goldmark,
		// whatever the label says.
		doc, wantHTML = "See ["+esc+"](https://example.org/).\n", "<p>See <a href=\"https://example.org/\">"+want+"</a>.</p>\n"
	}
	var b bytes.Buffer
	if err := gfm.Convert([]byte(doc), &b); err != nil {
		t.Fatal(err)
	}
	if b.String() != wantHTML {
		t.Errorf("text %q at place %d, escaped as %q, reads as:\n%s\nwant:\n%s", s, place, esc, b.String(), wantHTML)
	}
}

var hostileMD = []string{
	"# heading", "## two", "step 2 ##", "#", "- item", "* item", "+ item", "1. first", "1) first", "123456789. x", "> quote",
	"---", "***", "___", "* * *", "_ _ _", "===", "```", "~~~", "    code", "| a | b |", "|---|", "[x]: https://evil.example",
	"[^1]: note", "[^1]", "[x](https://evil.example)", "![x](https://evil.example/p.png)", "[x][y]", "[x]",
	"<https://evil.example>", "<a@b.example>", "<.a@b.example>", "<script>alert(1)</script>", "<!-- c -->", "<?php ?>",
	"<!DOCTYPE html>", "<![CDATA[x]]>", "</p>", "<div>", "x <span> y", "*em*", "**strong**", "_em_", "__strong__",
	"a*b*c", "a_b_c", "snake_case", "~~del~~", "~del~", "`code`", "``co`de``", "a \\* b", "\\", "a\\", "\\\\*x*",
	"costs | benefits", "a\\|b", "[a] (b)", "a]b(c)", "x ![y", "*", "**", "_", "__", "~", "<", ">", "<3", "1 < 2 > 0",
	"- [ ] task", "[ ] task", "Sam *", "* Sam", "*Sam", "_Sam", "Sam_", "a * b * c", "a _ b _ c", "=HYPERLINK(\"https://evil.example/\",\"click\")",
	"😀 *x* 😀", "é_é_é", "٣. x", "-", "+", "=", "1.", "a  b\tc\nd",
}

// Every hostile string stays text at every place.
func TestEscapeMDInert(t *testing.T) {
	for _, s := range hostileMD {
		for p := placeProse; p <= placeLabel; p++ {
			inert(t, s, p)
		}
	}
}

func FuzzEscapeMD(f *testing.F) {
	for _, s := range hostileMD {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for p := placeProse; p <= placeLabel; p++ {
			inert(t, s, p)
		}
	})
}
