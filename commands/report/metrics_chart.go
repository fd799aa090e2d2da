package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// metricChart is a metric's values by period as a line of points, with
// the parity band shaded and the goal as a dashed rule, each labelled
// in words. Like the other charts it says in its title and description
// what it shows, and the same numbers are in the table beside it.
type metricChart struct {
	ID     string
	Title  string
	Desc   string
	Height int
	Grid   []gridLine
	Axis   gridLine
	// Band is the shaded parity band, nil for none; Goal the goal's rule.
	Band *metricRect
	Goal *gridLine
	// Line is the polyline's points, "x,y x,y"; Points each value.
	Line   string
	Points []metricDot
}

type metricRect struct {
	X, Y, W, H     int
	Label          string
	LabelX, LabelY int
}

type metricDot struct {
	X, Y          int
	Value, Period string
	ValueY        int
	LabelY        int // the period's label, under the axis
	Flagged       bool
}

// newMetricChart draws m. Periods with no number (not meaningful, or
// narrative) have no point; their gap is in the description and table.
func newMetricChart(id string, m *Metric) metricChart {
	const left, right, top, bottom, plotH = 52, 16, 20, 34, 180
	c := metricChart{ID: id, Height: top + plotH + bottom, Title: m.Code + " " + oneLine(m.Title) + ": value by period"}
	var vals []float64
	var words []string
	for i := range m.Periods {
		p := &m.Periods[i]
		w := p.Period + " " + p.Text
		if p.flags != "" {
			w += " (" + p.flags + ")"
		}
		words = append(words, w)
		if p.Value != nil {
			vals = append(vals, *p.Value)
		}
	}
	var aims []string
	if g := m.Goal; g != nil {
		vals = append(vals, g.Value)
		aims = append(aims, "the goal is "+pointWords(g))
	}
	if b := m.Band; b != nil {
		vals = append(vals, b.Low, b.High)
		aims = append(aims, "the parity band is "+framework.Format(b.Low)+" to "+framework.Format(b.High))
	}
	if b := m.Baseline; b != nil {
		vals = append(vals, b.Value)
	}
	c.Desc = "Values by period, oldest first: " + strings.Join(words, ", ") + "."
	if len(words) == 0 {
		c.Desc = "Nothing recorded yet."
	}
	if len(aims) > 0 {
		c.Desc += " " + capital(strings.Join(aims, "; ")) + "."
	}
	lo, hi := 0.0, 1.0
	if len(vals) > 0 {
		lo, hi = vals[0], vals[0]
		for _, v := range vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > 0 && (m.Unit == "percent" || m.Unit == "count" || m.Unit == "ratio") {
		lo = 0 // a scale from zero does not exaggerate a change
	}
	if hi == lo {
		hi = lo + 1
	}
	hi += (hi - lo) * 0.1
	y := func(v float64) int { return top + plotH - int(math.Round((v-lo)/(hi-lo)*plotH)) }
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		c.Grid = append(c.Grid, gridLine{X1: left, Y1: y(v), X2: chartWidth - right, Y2: y(v), Label: framework.Format(v), LabelX: left - 6, LabelY: y(v) + 4})
	}
	c.Axis = gridLine{X1: left, Y1: top + plotH, X2: chartWidth - right, Y2: top + plotH}
	if b := m.Band; b != nil {
		c.Band = &metricRect{X: left, Y: y(b.High), W: chartWidth - left - right, H: max(1, y(b.Low)-y(b.High)),
			Label: "parity band", LabelX: chartWidth - right - 4, LabelY: y(b.High) + 12}
	}
	if g := m.Goal; g != nil {
		c.Goal = &gridLine{X1: left, Y1: y(g.Value), X2: chartWidth - right, Y2: y(g.Value), Label: "goal " + framework.Format(g.Value), LabelX: left + 4, LabelY: y(g.Value) - 4}
	}
	n := len(m.Periods)
	if n == 0 {
		return c
	}
	slot := (chartWidth - left - right) / n
	var line []string
	for i := range m.Periods {
		p := &m.Periods[i]
		x := left + i*slot + slot/2
		d := metricDot{X: x, Y: top + plotH, Period: p.Period, LabelY: c.Height - 12, Flagged: p.OutsideBand || p.AdverseMove}
		if p.Value != nil {
			d.Y, d.Value = y(*p.Value), framework.Format(*p.Value)
			d.ValueY = d.Y - 8
			line = append(line, fmt.Sprintf("%d,%d", d.X, d.Y))
		}
		if slot < 36 && i%2 == 1 {
			d.Period = "" // every other label, when they would touch
		}
		c.Points = append(c.Points, d)
	}
	c.Line = strings.Join(line, " ")
	return c
}

// metricView is what the HTML template draws for one metric, its words
// worked out once in Go: the template then only prints fields, which
// keeps a 10-year report of every indicator cheap to render.
type metricView struct {
	ID, Code, Title, Aim string
	// Chart is nil for a narrative metric, which has no number to draw.
	Chart   *metricChart
	Caption string
	Rows    []metricRow
}

// metricRow is one period in the metric's table.
type metricRow struct {
	Period, Text, Change, Inputs, Flags, Note string
}

// metricViews are a section's metrics as the template draws them.
func metricViews(s *Section) []metricView {
	out := make([]metricView, len(s.Metrics))
	for i := range s.Metrics {
		m := &s.Metrics[i]
		v := metricView{ID: "m-" + s.ID + "-" + m.Code, Code: m.Code, Title: oneLine(m.Title), Aim: m.aimText(), Rows: make([]metricRow, len(m.Periods))}
		if !m.Narrative && len(m.Periods) > 0 {
			c := newMetricChart("metric-"+s.ID+"-"+m.Code, m)
			v.Chart = &c
			v.Caption = m.Code + " by period"
			switch {
			case m.Goal != nil && m.Band != nil:
				v.Caption += ", with the goal and the parity band"
			case m.Goal != nil:
				v.Caption += ", with the goal"
			case m.Band != nil:
				v.Caption += ", with the parity band"
			}
			v.Caption += ": the numbers are in the table below."
		}
		for j := range m.Periods {
			p := &m.Periods[j]
			v.Rows[j] = metricRow{Period: p.Period, Text: p.Text, Change: p.changeText(), Inputs: orDash(p.inputsText()), Flags: p.flagsText(), Note: oneLine(p.Note)}
		}
		out[i] = v
	}
	return out
}
