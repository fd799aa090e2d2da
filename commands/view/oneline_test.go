package view

import (
	"strings"
	"testing"
)

// oneLine is strings.Join(strings.Fields(s), " "), whatever s is.
func TestOneLineIsFieldsJoined(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a note", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u2003 b", "“quoted” note", "\t", "x y z"} {
		if got, want := oneLine(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzOneLine(f *testing.F) {
	f.Add("a note")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := oneLine(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
	})
}
