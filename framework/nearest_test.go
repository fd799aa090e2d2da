package framework

import "testing"

func TestNearest(t *testing.T) {
	choices := []string{"code", "title", "text", "targets", "metric"}
	for word, want := range map[string]string{
		"titel": "title", "Titl": "title", "txt": "text", "target": "targets",
		"bogus": "", "x": "", "colour": "", "metrics": "metric",
	} {
		if got := Nearest(word, choices); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", word, got, want)
		}
	}
}
