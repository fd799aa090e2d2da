package framework

import (
	"strconv"
	"strings"
)

// Period is the time a metric value is for: a calendar year such as
// "2026", or an NHS financial year (April to March) written like a cycle
// name, "2026/27". WRES and WDES workforce data is taken at 31 March, so
// teams name their years both ways.
type Period string

// ParsePeriod reads a period: a year from 2000 to 2099, or a financial
// year that ValidCycle accepts. Anything else is an EINVALID *Error on
// the field "period" that says what to type.
func ParsePeriod(s string) (Period, error) {
	p := Period(strings.TrimSpace(s))
	if !p.Valid() {
		return "", FieldErrorf("period", "%q is not a period: give a year like 2026 or a financial year like 2026/27", s)
	}
	return p, nil
}

// Valid reports whether p is a year or a financial year.
func (p Period) Valid() bool {
	_, _, ok := p.start()
	return ok
}

// Financial reports whether p is a financial year such as 2026/27.
func (p Period) Financial() bool { return len(p) == len("2026/27") }

// start is the year and month p begins in: January for a calendar year,
// April for a financial year.
func (p Period) start() (year, month int, ok bool) {
	s := string(p)
	switch {
	case len(s) == 4 && allDigits(s):
		y, _ := strconv.Atoi(s)
		return y, 1, y >= 2000
	case ValidCycle(s):
		y, _ := strconv.Atoi(s[:4])
		return y, 4, true
	}
	return 0, 0, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ComparePeriods orders periods by when they begin, -1, 0 or +1:
// 2026 (from January) comes before 2026/27 (from April), which comes
// before 2027. Invalid periods sort first, among themselves by text.
func ComparePeriods(a, b Period) int {
	ay, am, aok := a.start()
	by, bm, bok := b.start()
	switch {
	case !aok || !bok:
		if aok != bok {
			if aok {
				return 1
			}
			return -1
		}
		return strings.Compare(string(a), string(b))
	case ay != by:
		return cmpInt(ay, by)
	default:
		return cmpInt(am, bm)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String returns the period as written.
func (p Period) String() string { return string(p) }

// checkPeriod is ParsePeriod's check for a period already read, with
// the field that holds it.
func checkPeriod(field string, p Period) error {
	if p != "" && !p.Valid() {
		return FieldErrorf(field, "%q is not a period: give a year like 2026 or a financial year like 2026/27", string(p))
	}
	return nil
}
