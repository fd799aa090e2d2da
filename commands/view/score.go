package view

import (
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// Score is a framework's overall grade: "`eds-2022`: 14 of 33 so far,
// 🟧 developing (provisional: 2 outcomes ungraded)".
func Score(f *framework.Framework, sc framework.Score) string {
	return Ref(f.ID) + ": " + ScoreValue(f, sc)
}

// ScoreValue is Score without the framework: "14 of 33 so far,
// 🟧 developing (provisional: 2 outcomes ungraded)".
func ScoreValue(f *framework.Framework, sc framework.Score) string {
	return ScoreWords(sc, f.TargetLabel(), Rating)
}

// ScoreWords words a score, the one place that does, for chat and for
// reports alike; band writes its band, and a nil band words a subtotal,
// which has none. The forms:
//
//	33 of 33, 🟪 excelling
//	14 of 33 so far, 🟧 developing (provisional: 2 outcomes ungraded, 1 archived)
//	0 of 33, nothing graded yet
//	40 of 33, no band covers this total
//
// and, after any of them, "; 1 local outcome, not scored".
func ScoreWords(sc framework.Score, targetLabel string, band func(framework.Rating) string) string {
	s := fmt.Sprintf("%d of %d", sc.Sum, sc.Max)
	switch {
	case sc.Graded == 0:
		s += ", nothing graded yet"
	default:
		if sc.Provisional {
			s += " so far"
		}
		switch {
		case band == nil:
		case sc.Band != framework.Unrated:
			s += ", " + band(sc.Band)
		default:
			s += ", no band covers this total"
		}
		if sc.Provisional {
			s += " (provisional: " + waiting(sc, targetLabel) + ")"
		}
	}
	if sc.Local > 0 {
		s += "; " + Plural(sc.Local, "local "+targetLabel) + ", not scored"
	}
	return s
}

// waiting says which of the framework's own targets the band waits for:
// "2 outcomes ungraded, 1 archived".
func waiting(sc framework.Score, targetLabel string) string {
	var parts []string
	if sc.Ungraded > 0 {
		parts = append(parts, Plural(sc.Ungraded, targetLabel)+" ungraded")
	}
	if sc.Archived > 0 {
		if len(parts) == 0 {
			parts = append(parts, Plural(sc.Archived, targetLabel)+" archived")
		} else {
			parts = append(parts, fmt.Sprintf("%d archived", sc.Archived))
		}
	}
	return strings.Join(parts, ", ")
}

// Unscored is the line that shows a graded framework's local targets
// apart, each with its grade: "Not scored (local): `eds-2022/2E`
// 🟪 excelling". It is "" when ts holds no live local target.
func Unscored(f *framework.Framework, ts []framework.Target, grade func(*framework.Target) framework.Rating) string {
	var parts []string
	for i := range ts {
		if t := &ts[i]; !t.Archived && f.Local(t) {
			parts = append(parts, Ref(t.Ref())+" "+Rating(grade(t)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Not scored (local): " + strings.Join(parts, " · ")
}
