package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// The words the Markdown and HTML reports share, so both say the same.

// plural counts n of a thing: "1 outcome", "11 outcomes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// capital starts s with a capital letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// gradeWord is a grade as the HTML and summary reports show it, the one
// wording of grades there: "Developing", "Unrated".
func gradeWord(g string) string {
	if g == "" {
		g = framework.Unrated.String()
	}
	return capital(g)
}

// statusWord is a status as the HTML report shows it, worded as grades
// are: "On track", "Not started".
func statusWord(s string) string { return capital(strings.ReplaceAll(s, "-", " ")) }

// person names a user by their name where the workspace knows it, else
// by their chat id, or says "unassigned" for no one.
func person(id, name string) string {
	switch {
	case name != "":
		return name
	case id == "":
		return "unassigned"
	}
	return "@" + id
}

// due is a target's due date, saying when it is overdue.
func due(t *Target) string {
	switch {
	case t.Due == "":
		return "none"
	case t.Overdue:
		return t.Due + " (overdue)"
	}
	return t.Due
}

// stamp is a time as reports give it, in the report's zone.
func stamp(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// asAt says which moment the figures describe.
func (r *Report) asAt() string {
	if r.Current {
		return fmt.Sprintf("%s is the current grading cycle; figures are as at %s", r.Cycle, stamp(r.AsOf))
	}
	return fmt.Sprintf("%s is a closed grading cycle; figures are as it stood when it closed, %s", r.Cycle, stamp(r.AsOf))
}

// scoreText is "14 of 33 so far, developing (provisional: 2 outcomes
// ungraded)", in the words view.ScoreWords keeps for every score.
func scoreText(sc *Score, targetLabel string) string {
	return view.ScoreWords(sc.Framework(), targetLabel, func(r framework.Rating) string { return string(r) })
}

// subtotalText is an objective's scoreText, which has no band: "4 of 12
// so far (provisional: 1 outcome ungraded)".
func subtotalText(sc *Score, targetLabel string) string {
	return view.ScoreWords(sc.Framework(), targetLabel, nil)
}

// rollupText is "4 outcomes · mean progress 45% · on-track · 1 overdue".
func rollupText(r Rollup, targetLabel string) string {
	if r.Targets == 0 {
		return "no " + targetLabel + "s here"
	}
	s := fmt.Sprintf("%s · mean progress %d%% · %s", plural(r.Targets, targetLabel), r.Progress, r.Status)
	if r.Overdue > 0 {
		s += fmt.Sprintf(" · %d overdue", r.Overdue)
	}
	return s
}

// updateText is "2026-11-20 10:00 GMT, @amy: 40%, on-track".
func updateText(u *Update) string {
	return fmt.Sprintf("%s, %s: %d%%, %s", stamp(u.Time), person(u.Author, u.AuthorName), u.Progress, u.Status)
}

// objectiveName is "Domain 1: Commissioned or provided services".
func objectiveName(s *Section, o *Objective) string {
	n := capital(s.ObjectiveLabel) + " " + o.Code
	if o.Title != "" {
		n += ": " + o.Title
	}
	return n
}

// oneLine folds text people typed onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// gradeNote is "achieving, graded by @amy on 2026-03-02: “Board papers
// show it”", with "entered later" for a backfilled grade.
func gradeNote(t *Target) string {
	s := t.Grade
	if t.GradedBy != "" {
		s += ", graded by " + person(t.GradedBy, "")
		if t.GradedAt != nil {
			s += " on " + t.GradedAt.Format("2006-01-02")
		}
	}
	if t.EnteredLater {
		s += " (entered later)"
	}
	if r := oneLine(t.GradeReason); r != "" {
		s += ": “" + r + "”"
	}
	return s
}
