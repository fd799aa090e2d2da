package bot

import (
	"reflect"
	"strings"
	"testing"
)

// plainSplitter renders spans as their text, * around bold, and counts
// bytes; a token too wide breaks into pieces of four bytes.
func plainSplitter(limit int, apart bool) SpanSplitter {
	return SpanSplitter{
		Limit: limit,
		Render: func(spans []Span) string {
			var b strings.Builder
			for _, sp := range spans {
				if sp.Bold {
					b.WriteString("*" + sp.Text + "*")
				} else {
					b.WriteString(sp.Text)
				}
			}
			return b.String()
		},
		Width: func(s string) int { return len(s) },
		Break: func(sp Span) []Span {
			var out []Span
			for s := sp.Text; s != ""; {
				n := min(4, len(s))
				p := sp
				p.Text = s[:n]
				out = append(out, p)
				s = s[n:]
			}
			return out
		},
		BreakApart: apart,
	}
}

func TestSpanSplitter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		line  string
		limit int
		first int
		apart bool
		want  []string
	}{
		{"fits", "one two", 20, 20, false, []string{"one two"}},
		{"between words", "one two three four", 10, 10, false, []string{"one two ", "three four"}},
		{"first piece shorter", "one two three four", 10, 4, false, []string{"one ", "two three ", "four"}},
		{"no room at first", "three four five", 10, 2, false, []string{"three ", "four five"}},
		{"bold reopened", "*one two three*", 12, 12, false, []string{"*one two *", "*three*"}},
		{"long word packed", "a abcdefghijkl b", 6, 6, false, []string{"a abcd", "efgh", "ijkl b"}},
		{"long word apart", "a abcdefghijkl b", 6, 6, true, []string{"a ", "abcd", "efgh", "ijkl", " ", "b"}},
		{"code whole", "x `a b c` y", 8, 8, false, []string{"x a b c ", "y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := plainSplitter(tc.limit, tc.apart).Split(Parse(tc.line), tc.first)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Split(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}
