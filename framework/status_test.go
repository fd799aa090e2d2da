package framework

import (
	"strings"
	"testing"
)

// ParseStatus compares in place; it must accept and refuse exactly what
// normalising a copy (lower case, '_' and ' ' as '-') would.
func TestParseStatusMatchesNormalisedCopy(t *testing.T) {
	normalised := func(s string) (Status, bool) {
		s = strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(strings.TrimSpace(s)))
		for _, st := range Statuses {
			if string(st) == s {
				return st, true
			}
		}
		return "", false
	}
	inputs := []string{
		"on-track", "On Track", "ON_TRACK", " at risk ", "off-track", "Not Started", "done", "DONE",
		"ontrack", "on--track", "on-track.", "on", "", " ", "at-risk ", "on-trac\u212A", "on\ttrack",
		"not_started", "dOnE", "done!", "döne", "on-tráck",
	}
	for _, in := range inputs {
		got, gotOK := ParseStatus(in)
		want, wantOK := normalised(in)
		if got != want || gotOK != wantOK {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, %v", in, got, gotOK, want, wantOK)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseStatus("On Track") }); n != 0 {
		t.Errorf("ParseStatus allocates %v times", n)
	}
}
