package bot

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Span
	}{
		{"plain", []Span{{Text: "plain"}}},
		{"a *b* c", []Span{{Text: "a "}, {Text: "b", Bold: true}, {Text: " c"}}},
		{"~x *y*~", []Span{{Text: "x ", Strike: true}, {Text: "y", Bold: true, Strike: true}}},
		{"`a\\`b*c`", []Span{{Kind: SpanCode, Text: "a`b*c"}}},
		{"<https://nhs.uk|NHS>", []Span{{Kind: SpanLink, Text: "NHS", URL: "https://nhs.uk"}}},
		{"<https://nhs.uk>", []Span{{Kind: SpanLink, Text: "https://nhs.uk", URL: "https://nhs.uk"}}},
		{"hi <@U123>!", []Span{{Text: "hi "}, {Kind: SpanUser, Text: "U123"}, {Text: "!"}}},
		{"<!channel> <javascript:x|y>", []Span{{Text: "<!channel> <javascript:x|y>"}}},
		{"*open\nnext", []Span{{Text: "open", Bold: true}, {Text: "\nnext"}}},
		{`\*not\* \<@U1\>`, []Span{{Text: "*not* <@U1>"}}},
		{"`unclosed", []Span{{Text: "`unclosed"}}},
	}
	for _, tt := range tests {
		got := Parse(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n %+v\nwant\n %+v", tt.in, got, tt.want)
		}
	}
}

func TestUserText(t *testing.T) {
	got := Parse(UserText("see https://nhs.uk/eds?x=1, and *not bold* <@U1> [a](https://evil.example)"))
	want := []Span{
		{Text: "see "},
		{Kind: SpanLink, Text: "https://nhs.uk/eds?x=1", URL: "https://nhs.uk/eds?x=1"},
		{Text: ", and *not bold* <@U1> [a]("},
		{Kind: SpanLink, Text: "https://evil.example", URL: "https://evil.example"},
		{Text: ")"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UserText parsed =\n %+v\nwant\n %+v", got, want)
	}
}

func TestLinkAndUserRefuseUnsafe(t *testing.T) {
	if got := PlainText(Link("javascript:alert(1)", "click")); got != "click (javascript:alert(1))" {
		t.Errorf("Link(javascript:) = %q", got)
	}
	if got := Parse(User("U1> <!channel")); len(got) != 1 || got[0].Kind != SpanText {
		t.Errorf("User with a bad id parsed as %+v", got)
	}
}

// FuzzMarkup: Parse accepts anything; escaped text is exactly itself;
// UserText never yields bold, strike, users or disguised links.
func FuzzMarkup(f *testing.F) {
	for _, s := range []string{"", "*b*", "`c`", "<https://x.y|z>", "<@U1>", `\*`, "https://a.b/c) d", "~s\n*b", "<https://a.b|x\\>y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = Parse(s)
		_ = PlainText(s)
		if !utf8.ValidString(s) {
			return
		}
		if got := PlainText(Escape(s)); got != s {
			t.Fatalf("PlainText(Escape(%q)) = %q", s, got)
		}
		if got := PlainText(Code(s)); !strings.Contains(s, "\n") && got != s {
			t.Fatalf("PlainText(Code(%q)) = %q", s, got)
		}
		var plain strings.Builder
		for _, sp := range Parse(UserText(s)) {
			if sp.Bold || sp.Strike || sp.Kind == SpanUser || sp.Kind == SpanCode {
				t.Fatalf("UserText(%q) has live markup %+v", s, sp)
			}
			if sp.Kind == SpanLink && sp.Text != sp.URL {
				t.Fatalf("UserText(%q) has a disguised link %+v", s, sp)
			}
			plain.WriteString(sp.Text)
		}
		if plain.String() != s {
			t.Fatalf("UserText(%q) reads %q", s, plain.String())
		}
	})
}

// Parse is linear: long runs of unclosed markup do not rescan the line.
func TestParseLongUnclosedRuns(t *testing.T) {
	for _, c := range []string{"<", "`", "<@", "<https://a.b|"} {
		s := strings.Repeat(c, 200_000)
		start := time.Now()
		if got := PlainText(s); c != "`" && got != s {
			t.Errorf("%q run: PlainText changed the text", c)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%q run of 200,000 took %v", c, took)
		}
	}
}

// FuzzSummary: Summary reads the first line from the first block when it
// can; it must always be the first line of the whole trimmed Text.
func FuzzSummary(f *testing.F) {
	f.Add("", "<@U1> updated *x*\n▓▓ 40%\n> note", "", "t", "v", false)
	f.Add(" \n ", "abc  \n  ", "def", "", "", true)
	f.Add("\u2003", "a\n\u00a0", "", "n", "1\n2", true)
	f.Fuzz(func(t *testing.T, title, text, text2, fname, fvalue string, fields bool) {
		b := Block{Title: title, Text: text}
		if fields {
			b.Fields = []Field{{Name: fname, Value: fvalue}}
		}
		for _, blocks := range [][]Block{{b}, {{Text: " "}, b, {Text: text2}}, {{}, b}, {b, {Text: text2}}} {
			r := Reply{Blocks: blocks}
			want, _, _ := strings.Cut(strings.TrimSpace(r.Text()), "\n")
			if got := r.Summary(); got != want {
				t.Fatalf("Summary of %q = %q, want %q", r.Text(), got, want)
			}
		}
	})
}

// FuzzParseMatchesReference: Parse, which keeps text as slices of its
// input, finds exactly the spans the first, copying parser found.
func FuzzParseMatchesReference(f *testing.F) {
	for _, s := range []string{"", "*b*", "`c`", "<https://x.y|z>", "<@U1> x\ny", `\*a\*b`, "a\n\n*b* c~d~", "x\\<@U1>y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Parse(s), referenceParse(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %+v, want %+v", s, got, want)
		}
	})
}

// referenceParse is Parse as first written, with a parser that copied
// every text span; FuzzParseMatchesReference holds Parse to it.
func referenceParse(s string) []Span {
	var p refParser
	closer := -1 // the next '>' or newline at or after i, once looked for
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(escapable, s[i+1]) >= 0:
			p.text(s[i+1 : i+2])
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
			p.text("\n")
			i++
		case c == '`':
			code, n, ok := parseCode(s[i:])
			if !ok {
				p.text("`")
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
				p.text("<")
				i++
				continue
			}
			p.add(sp)
			i += n
		default:
			j := i + 1
			for j < len(s) && strings.IndexByte("\\*~\n`<", s[j]) < 0 {
				j++
			}
			p.text(s[i:j])
			i = j
		}
	}
	p.flush()
	return p.out
}

type refParser struct {
	out          []Span
	buf          strings.Builder
	bold, strike bool
}

func (p *refParser) text(s string) { p.buf.WriteString(s) }

func (p *refParser) flush() {
	if p.buf.Len() == 0 {
		return
	}
	sp := Span{Kind: SpanText, Text: p.buf.String(), Bold: p.bold, Strike: p.strike}
	p.buf.Reset()
	if n := len(p.out); n > 0 && p.out[n-1].Kind == SpanText && p.out[n-1].Bold == sp.Bold && p.out[n-1].Strike == sp.Strike {
		p.out[n-1].Text += sp.Text
		return
	}
	p.out = append(p.out, sp)
}

func (p *refParser) add(sp Span) {
	p.flush()
	sp.Bold, sp.Strike = p.bold, p.strike
	p.out = append(p.out, sp)
}
