package view

import (
	"slices"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// Metric values read the same everywhere: to 2 decimals, rounded half
// away from zero, with the unit's sign, and a computed value with its
// inputs so a reader can check the sum.

// MetricNumber is a number in a metric's unit: "25.00%", "1.88",
// "-4.00 points".
func MetricNumber(m *framework.Metric, v float64) string {
	s := framework.Format(v)
	switch m.Unit {
	case framework.UnitPercent:
		return s + "%"
	case framework.UnitPoints:
		return s + " points"
	}
	return s
}

// MetricValue is a recorded value as shown: the number, "not
// meaningful" with the reason, or a narrative answer with its text.
func MetricValue(m *framework.Metric, v *framework.Measurement) string {
	switch {
	case v.Answer != nil && *v.Answer:
		return "yes: " + bot.UserText(Short(v.Text, 200))
	case v.Answer != nil:
		return "no: " + bot.UserText(Short(v.Text, 200))
	case v.NotMeaningful:
		return "not meaningful (" + bot.UserText(v.Reason) + ")"
	}
	return MetricNumber(m, v.Value)
}

// Inputs are a value's inputs in the definition's order, as
// "name=n, …", or "" when it has none.
func Inputs(m *framework.Metric, v *framework.Measurement) string {
	if len(v.Inputs) == 0 {
		return ""
	}
	names := m.InputNames()
	for name := range v.Inputs {
		if !slices.Contains(names, name) {
			names = append(names, name) // an input a definition since dropped
		}
	}
	parts := make([]string, 0, len(v.Inputs))
	for _, name := range names {
		if n, ok := v.Inputs[name]; ok {
			parts = append(parts, name+"="+strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	return strings.Join(parts, ", ")
}

// Band is a parity band as "0.80–1.25".
func Band(b framework.ParityBand) string {
	return framework.Format(b.Low) + "–" + framework.Format(b.High)
}

// MetricFlags are what a row's rules flag, as words, or "" for none.
func MetricFlags(m *framework.Metric, r *framework.TrendRow) string {
	var flags []string
	if r.Outside {
		b, _ := m.EffectiveBand()
		flags = append(flags, "⚠️ outside parity "+Band(b))
	}
	if r.Adverse {
		flags = append(flags, "🔻 adverse move")
	}
	if r.NotMeaningful {
		flags = append(flags, "⚠️ not meaningful")
	}
	return strings.Join(flags, " · ")
}

// Change is a row's change since the period before: "+0.29", "-1.00",
// or "" when there is none to show.
func Change(m *framework.Metric, r *framework.TrendRow) string {
	if !r.HasChange {
		return ""
	}
	s := framework.Format(r.Change)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	if m.Unit == framework.UnitPercent || m.Unit == framework.UnitPoints {
		s += " points"
	}
	return s
}

// Point is a baseline or goal as "30.00% (2025/26)".
func Point(m *framework.Metric, p *framework.Point) string {
	s := MetricNumber(m, p.Value)
	if p.Period != "" {
		s += " (" + string(p.Period) + ")"
	}
	return s
}

// Aim is a metric's baseline, goal and band in one line, such as
// "percent · baseline 30.00% (2025) · goal 20.00% (2028) · lower-better",
// or for a parity metric "ratio · parity band 0.80–1.25".
func Aim(m *framework.Metric) string {
	if m.Narrative {
		return "answered yes or no with what was done"
	}
	parts := []string{string(m.Unit)}
	if m.Baseline != nil {
		parts = append(parts, "baseline "+Point(m, m.Baseline))
	}
	if m.Goal != nil {
		parts = append(parts, "goal "+Point(m, m.Goal))
	}
	if b, ok := m.EffectiveBand(); ok {
		parts = append(parts, "parity band "+Band(b))
	}
	if d := m.Better(); d != framework.Parity {
		parts = append(parts, string(d))
	}
	return strings.Join(parts, " · ")
}

// MetricLatest is a metric target's latest value against its baseline
// and goal, for a list line or a show field: "1.88 (2026) · goal 1.25 ·
// 40% of the way · ⚠️ outside parity 0.80–1.25", or "" when nothing is
// recorded yet.
func MetricLatest(r *framework.Reading) string {
	if !r.Recorded() {
		return ""
	}
	m, l := r.Metric, &r.Latest
	parts := []string{MetricValue(m, &l.Measurement) + " (" + string(l.Period) + ")"}
	if c := Change(m, l); c != "" {
		parts = append(parts, c)
	}
	if m.Baseline != nil && !m.Narrative {
		parts = append(parts, "baseline "+Point(m, m.Baseline))
	}
	if m.Goal != nil && !m.Narrative {
		parts = append(parts, "goal "+Point(m, m.Goal))
	}
	if r.HasProgress {
		parts = append(parts, strconv.Itoa(r.Progress)+"% of the way")
	}
	if f := MetricFlags(m, l); f != "" {
		parts = append(parts, f)
	}
	return strings.Join(parts, " · ")
}
