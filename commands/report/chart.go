package report

import (
	"fmt"
	"strings"
	"time"
)

// The HTML report's charts are drawn here as geometry and words; the
// template turns them into inline SVG. Every chart says in words (its
// title, its description, a label on each bar) what its bars show, and
// the same numbers are in a table beside it, so no one needs to see it.

// chart is one bar chart in a fixed 640-wide view box.
type chart struct {
	ID     string // unique in the page: its title and description are ID-t and ID-d
	Title  string
	Desc   string
	Height int
	Bars   []bar
	Grid   []gridLine
	Axis   gridLine // the baseline
}

// bar is one bar, with its label and its value written beside it.
type bar struct {
	X, Y, W, H   int
	Class        string
	Label        string
	LabelX       int
	LabelY       int
	LabelAnchor  string
	Value        string
	ValueX       int
	ValueY       int
	ValueVisible bool
}

// gridLine is a horizontal or vertical rule, with its label.
type gridLine struct {
	X1, Y1, X2, Y2 int
	Label          string
	LabelX, LabelY int
}

const chartWidth = 640

// progressChart is a column chart of an objective's mean progress by
// month, 0 to 100%.
func progressChart(id, name string, ps []Point, asOf time.Time) chart {
	const left, right, top, bottom, plotH = 44, 8, 20, 34, 160
	c := chart{ID: id, Height: top + plotH + bottom, Title: "Progress of " + name + " by month"}
	var words []string
	for _, p := range ps {
		words = append(words, monthName(p.Month)+" "+pointText(p))
	}
	c.Desc = fmt.Sprintf("Mean progress at the end of each month, from 0 to 100%%, the last month as at %s: %s.", asOf.Format("2 January 2006"), strings.Join(words, ", "))
	for _, v := range []int{0, 50, 100} {
		y := top + plotH - v*plotH/100
		c.Grid = append(c.Grid, gridLine{X1: left, Y1: y, X2: chartWidth - right, Y2: y, Label: fmt.Sprintf("%d%%", v), LabelX: left - 6, LabelY: y + 4})
	}
	c.Axis = gridLine{X1: left, Y1: top + plotH, X2: chartWidth - right, Y2: top + plotH}
	if len(ps) == 0 {
		return c
	}
	slot := (chartWidth - left - right) / len(ps)
	every := 1 // label every month while they fit, else every few
	for slot*every < 44 {
		every++
	}
	for i, p := range ps {
		h := p.Progress * plotH / 100
		x := left + i*slot + slot/5
		b := bar{
			X: x, Y: top + plotH - h, W: max(1, slot*3/5), H: h, Class: "bar",
			Value: pointText(p), ValueX: x + slot*3/10, ValueY: top + plotH - h - 5, ValueVisible: slot >= 30,
			LabelX: x + slot*3/10, LabelY: top + plotH + 16, LabelAnchor: "middle",
		}
		if i%every == 0 {
			b.Label = shortMonth(p.Month)
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// gradeChart is a bar chart of how many targets have each grade.
func gradeChart(id string, s *Section, cycle string) chart {
	const left, right, top, row = 120, 48, 8, 30
	c := chart{ID: id, Height: top*2 + row*len(s.Totals.ByGrade), Title: fmt.Sprintf("%ss by grade in %s", capital(s.TargetLabel), cycle)}
	total := 0
	var words []string
	for _, g := range s.Totals.ByGrade {
		total += g.Count
		words = append(words, fmt.Sprintf("%s %d", g.Name, g.Count))
	}
	c.Desc = fmt.Sprintf("How many of the %s's %s have each grade: %s.", s.Name, plural(total, s.TargetLabel), strings.Join(words, ", "))
	c.Axis = gridLine{X1: left, Y1: top, X2: left, Y2: top + row*len(s.Totals.ByGrade)}
	for i, g := range s.Totals.ByGrade {
		w := 0
		if total > 0 {
			w = g.Count * (chartWidth - left - right) / total
		}
		y := top + i*row
		c.Bars = append(c.Bars, bar{
			X: left, Y: y + 5, W: w, H: row - 10, Class: "grade-bar grade-" + g.Name,
			Label: gradeWord(g.Name), LabelX: left - 8, LabelY: y + row/2 + 4, LabelAnchor: "end",
			Value: fmt.Sprint(g.Count), ValueX: left + w + 6, ValueY: y + row/2 + 4, ValueVisible: true,
		})
	}
	return c
}

// monthName is "April 2026" for "2026-04".
func monthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}

// shortMonth is "Apr 26" for "2026-04".
func shortMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("Jan 06")
}
