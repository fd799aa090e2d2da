package cronspec

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	for _, ok := range []string{"0 9 * * MON", "0 9 * * MON-FRI", "30 8 1,15 * *", "0 9,15 * * mon,thu", "0 */2 * * *", "0 9 * JAN-MAR 1-5", "@weekly", "0  9 * * MON "} {
		s, err := Parse(ok, london)
		if err != nil || s.Location != london {
			t.Errorf("Parse(%q) = %v, %v", ok, s, err)
		}
	}
	for spec, want := range map[string]Error{
		"0 9 * * MONDAY":   {Problem: Unknown, Field: "day of week", Value: "MONDAY"},
		"0 25 * * *":       {Problem: Range, Field: "hour", Value: "25", Min: 0, Max: 23},
		"61 9 * * *":       {Problem: Range, Field: "minute", Value: "61", Max: 59},
		"0 9 32 * *":       {Problem: Range, Field: "day of month", Value: "32", Min: 1, Max: 31},
		"0 9 * 13 *":       {Problem: Range, Field: "month", Value: "13", Min: 1, Max: 12},
		"0 9 * * 7":        {Problem: Range, Field: "day of week", Value: "7", Max: 6},
		"0 9 * *":          {Problem: Fields, Value: "4"},
		"0 9 * * * *":      {Problem: Fields, Value: "6"},
		"0 */0 * * *":      {Problem: Syntax, Field: "hour", Value: "*/0", Max: 23},
		"0 9-x * * *":      {Problem: Syntax, Field: "hour", Value: "x", Max: 23},
		"@every 1h":        {Problem: Interval},
		"TZ=UTC 0 9 * * *": {Problem: Zone},
		"0 9 30 FEB *":     {Problem: Never},
		"@fortnightly":     {Problem: Syntax, Value: "@fortnightly"},
	} {
		_, err := Parse(spec, time.UTC)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want an *Error", spec, err)
			continue
		}
		if e.Problem != want.Problem || e.Field != want.Field || e.Value != want.Value || want.Problem == Range && (e.Min != want.Min || e.Max != want.Max) {
			t.Errorf("Parse(%q) error = %+v, want %+v", spec, *e, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0 9 * * MON", "*/5 1-3,7 ? JAN-DEC SUN", "@daily", "0 9 * * MONDAY", "- - - - -", "1-/2 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse(s, time.UTC)
	})
}
