package report

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Metrics in reports: each metric target of a framework gets a
// year-on-year table of every period recorded, with the inputs each
// value came from, its change and its flags, and in HTML a chart with
// the goal and the parity band. Values are worked out from the
// workspace's metric book as the report is made, so a band changed
// today applies to every period. The book is read only from a store
// that keeps entries, in one round trip beside the report's others.

// Metric is one metric target as a report gives it.
type Metric struct {
	Ref   string `json:"ref"`
	Code  string `json:"code"`
	Title string `json:"title"`
	// Unit, Direction and Adverse are the metric's definition, as the
	// workspace measures it; Formula and Inputs when it is computed.
	Unit      string       `json:"unit"`
	Direction string       `json:"direction"`
	Adverse   string       `json:"adverse"`
	Formula   string       `json:"formula"`
	Inputs    []string     `json:"inputs"`
	Narrative bool         `json:"narrative"`
	Baseline  *MetricPoint `json:"baseline"`
	Goal      *MetricPoint `json:"goal"`
	// Band is the parity band values are flagged against, nil for none.
	Band *Band `json:"band"`
	// Progress is derived from the baseline, the goal and the latest
	// value, nil when it cannot be.
	Progress *int           `json:"progress"`
	Periods  []MetricPeriod `json:"periods"`
}

// MetricPoint is a baseline or a goal.
type MetricPoint struct {
	Value  float64 `json:"value"`
	Period string  `json:"period"`
}

// Band is a parity band, bounds included.
type Band struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// MetricPeriod is one period's value, oldest first.
type MetricPeriod struct {
	Period string `json:"period"`
	// Value is rounded to 2 decimals, as shown; nil when not meaningful
	// or narrative. Text is the value as written.
	Value *float64 `json:"value"`
	Text  string   `json:"text"`
	// Change is since the period before, nil when there is none.
	Change        *float64      `json:"change"`
	Inputs        []MetricInput `json:"inputs"`
	NotMeaningful bool          `json:"not_meaningful"`
	Reason        string        `json:"reason"`
	Answer        *bool         `json:"answer"`
	OutsideBand   bool          `json:"outside_band"`
	AdverseMove   bool          `json:"adverse_move"`
	Note          string        `json:"note"`
	Author        string        `json:"author"`
	Time          time.Time     `json:"time"`
	flags         string        // the flags in words
}

// MetricInput is one named input of a computed value.
type MetricInput struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// readMetrics reads the workspace's metric book, or returns nil when
// src keeps no entries.
func readMetrics(ctx context.Context, src Source, ws string) (*framework.MetricBook, error) {
	es, ok := src.(store.Entries)
	if !ok {
		return nil, nil
	}
	b, err := store.ReadMetricBook(ctx, es, ws)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// sectionMetrics are the metrics among a framework's live targets, in
// target order.
func sectionMetrics(def *framework.Framework, book *framework.MetricBook, ts []framework.Target, loc *time.Location) []Metric {
	out := []Metric{}
	if book == nil {
		return out
	}
	for i := range ts {
		t := &ts[i]
		if t.Framework != def.ID || t.Archived {
			continue
		}
		m, ok := book.Definition(t.Ref(), def.MetricOf(t.Code))
		if !ok {
			continue
		}
		out = append(out, metricOf(t, m, book.Series(t.Ref()), loc))
	}
	return out
}

// metricOf is one metric target's report.
func metricOf(t *framework.Target, m *framework.Metric, values []framework.Measurement, loc *time.Location) Metric {
	r := Metric{
		Ref: t.Ref(), Code: t.Code, Title: t.Title, Unit: string(m.Unit), Adverse: string(m.AdverseWay()),
		Inputs: m.InputNames(), Narrative: m.Narrative, Periods: []MetricPeriod{},
	}
	if !m.Narrative {
		r.Direction = string(m.Better())
	}
	if m.Formula != nil {
		r.Formula = m.Formula.String()
	}
	if p := m.Baseline; p != nil {
		r.Baseline = &MetricPoint{Value: p.Value, Period: string(p.Period)}
	}
	if p := m.Goal; p != nil {
		r.Goal = &MetricPoint{Value: p.Value, Period: string(p.Period)}
	}
	if b, ok := m.EffectiveBand(); ok && !m.Narrative {
		r.Band = &Band{Low: b.Low, High: b.High}
	}
	if rd := m.Read(values); rd.HasProgress {
		p := rd.Progress
		r.Progress = &p
	}
	for _, row := range m.Trend(values) {
		p := MetricPeriod{
			Period: string(row.Period), Text: valueText(m, &row.Measurement), Inputs: []MetricInput{},
			NotMeaningful: row.NotMeaningful, Reason: row.Reason, Answer: row.Answer,
			OutsideBand: row.Outside, AdverseMove: row.Adverse, Note: row.Note, Author: row.Author, Time: row.Time.In(loc),
		}
		if row.Meaningful() {
			v := framework.Round2(row.Value)
			p.Value = &v
		}
		if row.HasChange {
			c := framework.Round2(row.Change)
			p.Change = &c
		}
		for _, name := range m.InputNames() {
			if v, ok := row.Inputs[name]; ok {
				p.Inputs = append(p.Inputs, MetricInput{Name: name, Value: v})
			}
		}
		p.flags = strings.ReplaceAll(strings.ReplaceAll(view.MetricFlags(m, &row), "⚠️ ", ""), "🔻 ", "")
		r.Periods = append(r.Periods, p)
	}
	return r
}

// inputsText is a period's inputs as "name=n, …".
func (p *MetricPeriod) inputsText() string {
	parts := make([]string, len(p.Inputs))
	for i, in := range p.Inputs {
		parts[i] = in.Name + "=" + strconv.FormatFloat(in.Value, 'f', -1, 64)
	}
	return strings.Join(parts, ", ")
}

// changeText is a period's change, "+0.29", or "–" for none.
func (p *MetricPeriod) changeText() string {
	if p.Change == nil {
		return "–"
	}
	s := framework.Format(*p.Change)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// flagsText is a period's flags in words, or "none".
func (p *MetricPeriod) flagsText() string {
	if p.flags == "" {
		return "none"
	}
	return p.flags
}

// aimText is a metric's unit, baseline, goal, band and direction, in words.
func (m *Metric) aimText() string {
	if m.Narrative {
		return "Answered yes or no, with what was done."
	}
	parts := []string{"Unit: " + m.Unit}
	if b := m.Baseline; b != nil {
		parts = append(parts, "baseline "+pointWords(b))
	}
	if g := m.Goal; g != nil {
		parts = append(parts, "goal "+pointWords(g))
	}
	if b := m.Band; b != nil {
		parts = append(parts, "parity band "+framework.Format(b.Low)+" to "+framework.Format(b.High))
	}
	parts = append(parts, m.Direction)
	if m.Adverse != "" {
		parts = append(parts, "adverse when "+m.Adverse)
	}
	if m.Progress != nil {
		parts = append(parts, "progress "+strconv.Itoa(*m.Progress)+"%")
	}
	s := strings.Join(parts, "; ") + "."
	if m.Formula != "" {
		s += " Formula: " + m.Formula + "."
	}
	return s
}

func pointWords(p *MetricPoint) string {
	s := framework.Format(p.Value)
	if p.Period != "" {
		s += " (" + p.Period + ")"
	}
	return s
}

func fmtBand(v float64) string { return framework.Format(v) }

// definesMetrics reports whether any of defs defines a metric.
func definesMetrics(defs []*framework.Framework) bool {
	for _, f := range defs {
		for _, o := range f.Objectives {
			for _, t := range o.Targets {
				if t.Metric != nil {
					return true
				}
			}
		}
	}
	return false
}

// valueText is a value as a report writes it: as chat shows it, but
// plain, for each format to escape its own way.
func valueText(m *framework.Metric, v *framework.Measurement) string {
	switch {
	case v.Answer != nil && *v.Answer:
		return "yes: " + oneLine(v.Text)
	case v.Answer != nil:
		return "no: " + oneLine(v.Text)
	case v.NotMeaningful:
		return "not meaningful (" + v.Reason + ")"
	}
	return view.MetricNumber(m, v.Value)
}
