// Package cronspec is the one reader of the five-field cron specs that
// digest and reminder schedules are written in. The command layer checks
// what people type with it, and the scheduler runs what it returns, so
// the two can never disagree. Its errors say which field is wrong and
// why, as data; the command layer words them.
package cronspec

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Problem is what is wrong with a spec.
type Problem string

// The problems, each about one field (except Fields and Never).
const (
	Fields   Problem = "fields"   // not five fields
	Unknown  Problem = "unknown"  // a word the field does not know (MONDAY)
	Range    Problem = "range"    // a number outside the field's range (hour 25)
	Syntax   Problem = "syntax"   // a malformed list, range or step (1--3, */0)
	Interval Problem = "interval" // @every, which runs relative to a process, not a clock
	Zone     Problem = "zone"     // TZ=: the zone is the workspace's
	Never    Problem = "never"    // a date that never comes (30 February)
)

// Error is a spec that cannot be read. Field is "minute", "hour",
// "day of month", "month" or "day of week" (or "" when the problem is
// the whole spec); Value is the part that is wrong; Min and Max bound a
// number field.
type Error struct {
	Spec     string
	Problem  Problem
	Field    string
	Value    string
	Min, Max int
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("cron spec %q: %s", e.Spec, e.Problem)
	}
	return fmt.Sprintf("cron spec %q: %s %q: %s", e.Spec, e.Field, e.Value, e.Problem)
}

// field describes one of the five fields.
type field struct {
	name     string
	min, max int
	names    []string // accepted words, indexed from min
}

var fields = []field{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{"day of week", 0, 6, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// Parse reads a five-field spec (minute hour day-of-month month
// day-of-week, with names such as MON or JAN) in loc. Descriptors such as
// @weekly are taken too; @every and TZ= are refused. Errors are *Error.
func Parse(spec string, loc *time.Location) (*cron.SpecSchedule, error) {
	spec = strings.Join(strings.Fields(spec), " ")
	upper := strings.ToUpper(spec)
	switch {
	case strings.HasPrefix(upper, "TZ=") || strings.HasPrefix(upper, "CRON_TZ="):
		return nil, &Error{Spec: spec, Problem: Zone}
	case strings.HasPrefix(upper, "@EVERY"):
		return nil, &Error{Spec: spec, Problem: Interval}
	case !strings.HasPrefix(upper, "@"):
		if err := check(spec); err != nil {
			return nil, err
		}
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		// check accepts only what the library reads; this is a descriptor
		// it does not know.
		return nil, &Error{Spec: spec, Problem: Syntax, Value: spec}
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, &Error{Spec: spec, Problem: Interval}
	}
	ss.Location = loc
	if ss.Next(time.Now()).IsZero() {
		return nil, &Error{Spec: spec, Problem: Never}
	}
	return ss, nil
}

// check reads each field by this package's own rules, the library's
// grammar, so that what is wrong can be named.
func check(spec string) error {
	parts := strings.Fields(spec)
	if len(parts) != len(fields) {
		return &Error{Spec: spec, Problem: Fields, Value: strconv.Itoa(len(parts))}
	}
	for i, p := range parts {
		f := fields[i]
		bad := func(pr Problem, v string) error {
			return &Error{Spec: spec, Problem: pr, Field: f.name, Value: v, Min: f.min, Max: f.max}
		}
		for _, item := range strings.Split(p, ",") {
			rng, step, hasStep := strings.Cut(item, "/")
			if hasStep {
				if n, err := strconv.Atoi(step); err != nil || n <= 0 {
					return bad(Syntax, item)
				}
			}
			if rng == "*" || rng == "?" {
				continue
			}
			lo, hi, isRange := strings.Cut(rng, "-")
			for _, v := range []string{lo, hi} {
				if v == "" && (!isRange && v == hi) {
					continue
				}
				if v == "" {
					return bad(Syntax, item)
				}
				n, err := strconv.Atoi(v)
				if err != nil {
					if f.index(v) < 0 {
						if f.names == nil || strings.ContainsAny(v, "0123456789") {
							return bad(Syntax, v)
						}
						return bad(Unknown, v)
					}
					continue
				}
				if n < f.min || n > f.max {
					return bad(Range, v)
				}
			}
		}
	}
	return nil
}

// index is the value of a name such as MON, or -1.
func (f field) index(v string) int {
	for i, n := range f.names {
		if strings.EqualFold(n, v) {
			return f.min + i
		}
	}
	return -1
}

// Names are the words a field takes, for messages: "MON, TUE, …".
func Names(fieldName string) []string {
	for _, f := range fields {
		if f.name == fieldName {
			return append([]string(nil), f.names...)
		}
	}
	return nil
}
