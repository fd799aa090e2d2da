package framework

import (
	"sort"
	"strings"
	"time"
)

// Today is the calendar day it is at now in loc.
func Today(now time.Time, loc *time.Location) Date { return DateOf(now, loc) }

// Overdue reports whether t is overdue at now: it has a due date before
// today in loc, and it is not done.
func Overdue(t *Target, now time.Time, loc *time.Location) bool {
	return t.Open() && t.Due.Before(Today(now, loc))
}

// DueSoonDays is how far ahead "due soon" looks, in days.
const DueSoonDays = 14

// DueSoon reports whether t is open and due today or in the next
// DueSoonDays days, in loc: not overdue yet, but about to be.
func DueSoon(t *Target, now time.Time, loc *time.Location) bool {
	today := Today(now, loc)
	return t.Open() && !t.Due.IsZero() && !t.Due.Before(today) && t.Due <= today.AddDays(DueSoonDays)
}

// Snoozed reports whether reminders for t are paused at now in loc.
func Snoozed(t *Target, now time.Time, loc *time.Location) bool {
	return !t.SnoozedUntil.IsZero() && Today(now, loc) < t.SnoozedUntil
}

// Rollup is the progress of one objective's targets in a workspace.
type Rollup struct {
	Framework string
	Objective string
	Targets   int
	Progress  int            // mean progress, rounded to a whole percent
	ByStatus  map[Status]int // targets at each status
}

// Status is the objective's RAG status: off-track if any target is,
// else at-risk if any is, done if all are, not-started if none has
// started, and on-track otherwise.
func (r *Rollup) Status() Status {
	switch {
	case r.ByStatus[OffTrack] > 0:
		return OffTrack
	case r.ByStatus[AtRisk] > 0:
		return AtRisk
	case r.Targets > 0 && r.ByStatus[Done] == r.Targets:
		return Done
	case r.ByStatus[NotStarted] == r.Targets:
		return NotStarted
	default:
		return OnTrack
	}
}

// Rollups groups targets by framework and objective, in reference order.
// Archived targets count in none.
func Rollups(ts []Target) []Rollup {
	type key struct{ fw, obj string }
	index := map[key]int{}
	var out []Rollup
	sums := []int{}
	for _, t := range SortTargets(ts) {
		if t.Archived {
			continue
		}
		k := key{t.Framework, t.Objective}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Rollup{Framework: t.Framework, Objective: t.Objective, ByStatus: map[Status]int{}})
			sums = append(sums, 0)
		}
		out[i].Targets++
		out[i].ByStatus[t.Status]++
		sums[i] += t.Progress
	}
	for i := range out {
		out[i].Progress = (sums[i]*2 + out[i].Targets) / (out[i].Targets * 2)
	}
	return out
}

// Overall is the mean progress of all targets but archived ones,
// rounded, and the count at each status.
func Overall(ts []Target) (progress int, byStatus map[Status]int) {
	byStatus = map[Status]int{}
	sum, n := 0, 0
	for _, t := range ts {
		if t.Archived {
			continue
		}
		byStatus[t.Status]++
		sum += t.Progress
		n++
	}
	if n == 0 {
		return 0, byStatus
	}
	return (sum*2 + n) / (n * 2), byStatus
}

// RatingCounts counts targets at each grade in the current cycle,
// Unrated included, archived targets left out.
func RatingCounts(ts []Target) map[Rating]int {
	m := map[Rating]int{}
	for _, t := range ts {
		if !t.Archived {
			m[t.Rating]++
		}
	}
	return m
}

// GradeCounts counts targets at each grade they had in a closed cycle,
// Unrated included, archived targets left out.
func GradeCounts(ts []Target, cycle string) map[Rating]int {
	m := map[Rating]int{}
	for _, t := range ts {
		if !t.Archived {
			m[t.Grades[cycle]]++
		}
	}
	return m
}

// SortTargets sorts targets in place by framework, then by code in natural
// order (1.2 before 1.10), and returns them.
func SortTargets(ts []Target) []Target {
	sort.SliceStable(ts, func(i, j int) bool {
		if ts[i].Framework != ts[j].Framework {
			return ts[i].Framework < ts[j].Framework
		}
		return CompareCodes(ts[i].Code, ts[j].Code) < 0
	})
	return ts
}

// LessRef orders target references as SortTargets orders targets: by
// framework, then by code naturally ("eds/1.2" before "eds/1.10").
func LessRef(a, b string) bool {
	fa, ca := SplitRef(a)
	fb, cb := SplitRef(b)
	if fa != fb {
		return fa < fb
	}
	return CompareCodes(ca, cb) < 0
}

// CompareCodes orders codes naturally: runs of digits compare as numbers,
// so "1.2" < "1.10" and "2" < "10".
func CompareCodes(a, b string) int {
	for a != "" && b != "" {
		da, ra := leadingDigits(a)
		db, rb := leadingDigits(b)
		switch {
		case da != "" && db != "":
			da, db = strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if len(da) != len(db) {
				return len(da) - len(db)
			}
			if c := strings.Compare(da, db); c != 0 {
				return c
			}
			a, b = ra, rb
		default:
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
		}
	}
	return len(a) - len(b)
}

func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:]
}
