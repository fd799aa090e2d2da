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
