package framework

import (
	"slices"
	"testing"
)

func TestParsePeriod(t *testing.T) {
	for _, ok := range []string{"2026", "2026/27", " 2027 ", "2000", "2099", "2000/01", "2098/99"} {
		if _, err := ParsePeriod(ok); err != nil {
			t.Errorf("ParsePeriod(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "26", "1999", "20266", "2026/28", "2026-27", "2026/2027", "+026", "-202", "２０２６", "2026/27/28", "Q1", "2099/00"} {
		_, err := ParsePeriod(bad)
		if ErrorCode(err) != EINVALID || ErrorField(err) != "period" || ErrorMessage(err) == "" {
			t.Errorf("ParsePeriod(%q) = %v, want EINVALID on period", bad, err)
		}
	}
}

func TestComparePeriods(t *testing.T) {
	got := []Period{"2027", "2026/27", "2025/26", "2026", "bad", "2025"}
	slices.SortFunc(got, ComparePeriods)
	want := []Period{"bad", "2025", "2025/26", "2026", "2026/27", "2027"}
	if !slices.Equal(got, want) {
		t.Fatalf("sorted = %v, want %v", got, want)
	}
	if ComparePeriods("2026", "2026") != 0 || ComparePeriods("2026/27", "2026/27") != 0 {
		t.Fatal("a period does not equal itself")
	}
	if !Period("2026/27").Financial() || Period("2026").Financial() {
		t.Fatal("Financial")
	}
}

// No text makes the period parser panic, and what it accepts orders
// consistently.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026", "2026/27", "1999", "2099/00", "+026/27", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParsePeriod(%q) = %v, want EINVALID", s, err)
			}
			return
		}
		if ComparePeriods(p, p) != 0 || ComparePeriods(p, "2026") != -ComparePeriods("2026", p) {
			t.Fatalf("%q orders inconsistently", p)
		}
	})
}
