package framework

import (
	"strconv"
	"time"
)

// Date is a calendar day as "YYYY-MM-DD". The zero Date means none. Dates
// compare correctly as strings.
type Date string

const dateLayout = "2006-01-02"

// ParseDate parses "YYYY-MM-DD". Its error is EINVALID and shows the form.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return "", FieldErrorf("due", "`%s` is not a date: use YYYY-MM-DD, for example 2026-12-31", s)
	}
	return Date(t.Format(dateLayout)), nil
}

// DateOf is the calendar day of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	return Date(t.In(loc).Format(dateLayout))
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == "" }

// Time is the start of day d in loc. The zero Date gives the zero Time.
func (d Date) Time(loc *time.Location) time.Time {
	t, err := time.ParseInLocation(dateLayout, string(d), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return Date(d.Time(time.UTC).AddDate(0, 0, n).Format(dateLayout))
}

// Score is d as the number YYYYMMDD, for sorted indexes. The zero Date is 0.
func (d Date) Score() int64 {
	if len(d) != len(dateLayout) {
		return 0
	}
	n, _ := strconv.ParseInt(string(d[0:4])+string(d[5:7])+string(d[8:10]), 10, 64)
	return n
}

// DateFromScore is the inverse of Score.
func DateFromScore(n int64) Date {
	if n <= 0 {
		return ""
	}
	s := strconv.FormatInt(n, 10)
	if len(s) != 8 {
		return ""
	}
	return Date(s[0:4] + "-" + s[4:6] + "-" + s[6:8])
}

// Before reports whether d is a day before e. The zero Date is before nothing.
func (d Date) Before(e Date) bool { return !d.IsZero() && d < e }

// String returns "YYYY-MM-DD", or "none" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return "none"
	}
	return string(d)
}
