package report

import (
	"bufio"
	"fmt"
	"strings"
)

// The metrics part of each format: a year-on-year table per metric,
// with its inputs, change and flags. The HTML adds a chart
// (metrics_chart.go).

// metricsMarkdown writes a section's metrics.
func (r *Report) metricsMarkdown(b *bufio.Writer, s *Section) {
	if len(s.Metrics) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### Metrics\n\nEvery period recorded, oldest first, with the inputs each value was computed from. Values are to 2 decimals; flags are worked out against the band as it is now.\n")
	for i := range s.Metrics {
		m := &s.Metrics[i]
		fmt.Fprintf(b, "\n#### %s %s\n\n%s\n\n", mdText(m.Code), mdHead(m.Title), mdPara(m.aimText()))
		if len(m.Periods) == 0 {
			b.WriteString("Nothing recorded yet.\n")
			continue
		}
		b.WriteString("| Period | Value | Change | Inputs | Flags | Note |\n|---|--:|--:|---|---|---|\n")
		for j := range m.Periods {
			p := &m.Periods[j]
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", md(p.Period), md(p.Text), p.changeText(), md(orDash(p.inputsText())), md(p.flagsText()), md(orDash(p.Note)))
		}
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// csvMetricColumns is how many columns of CSVHeader, from metric_unit,
// are for metrics.
const csvMetricColumns = 5

// csvMetricCells are the metric columns of target ref's row (the
// csvMetricColumns of CSVHeader from metric_unit), empty for a target
// that is no metric: its unit, baseline, goal and band, and its values one period a line
// in the cell ("2026: 1.88 from white_shortlisted=1200, …; outside
// parity 0.80–1.25"), as evidence keeps one link a line.
func (s *Section) csvMetricCells(ref string) []string {
	cells := make([]string, csvMetricColumns)
	for i := range s.Metrics {
		m := &s.Metrics[i]
		if m.Ref != ref {
			continue
		}
		cells[0] = m.Unit
		if m.Narrative {
			cells[0] = "narrative"
		}
		if m.Baseline != nil {
			cells[1] = pointWords(m.Baseline)
		}
		if m.Goal != nil {
			cells[2] = pointWords(m.Goal)
		}
		if m.Band != nil {
			cells[3] = bandText(m.Band)
		}
		lines := make([]string, len(m.Periods))
		for j := range m.Periods {
			p := &m.Periods[j]
			line := p.Period + ": " + p.Text
			if in := p.inputsText(); in != "" {
				line += " from " + in
			}
			if p.Change != nil {
				line += "; change " + p.changeText()
			}
			if p.flags != "" {
				line += "; " + p.flags
			}
			lines[j] = line
		}
		cells[4] = strings.Join(lines, "\n")
	}
	return cells
}

// bandText is a band as "0.80–1.25".
func bandText(b *Band) string {
	return fmtBand(b.Low) + "–" + fmtBand(b.High)
}
