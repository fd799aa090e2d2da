package bot

import "testing"

func TestMarkdownEscaper(t *testing.T) {
	e := NewMarkdownEscaper(`\*_[]`, "#-")
	for _, tc := range []struct {
		in        string
		lineStart bool
		want      string
	}{
		{"plain", true, "plain"},
		{"*bold* [x]", false, `\*bold\* \[x\]`},
		{"# head", true, `\# head`},
		{"# head", false, "# head"},
		{"  - item", true, `  \- item`},
		{"+ not special here", true, "+ not special here"},
		{"12. item", true, `12\. item`},
		{"\t3) item", true, "\t3\\) item"},
		{"12 apples", true, "12 apples"},
		{"12.", false, "12."},
		{"", true, ""},
	} {
		if got := e.Escape(tc.in, tc.lineStart); got != tc.want {
			t.Errorf("Escape(%q, %v) = %q, want %q", tc.in, tc.lineStart, got, tc.want)
		}
	}
}
