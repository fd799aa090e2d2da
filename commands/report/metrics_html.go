package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strconv"
)

// metricsHTML is a section's metrics part of the HTML report: per
// metric, its heading, its aim in words, a chart with the goal and the
// parity band, and the table of its periods. It is written here rather
// than in the template because a 10-year report of every indicator is
// thousands of cells, and html/template's escaping of each costs more
// than the rest of the report; every value goes through
// html.EscapeString, so nothing people typed becomes markup.
func metricsHTML(s *Section) template.HTML {
	if len(s.Metrics) == 0 {
		return ""
	}
	var b bytes.Buffer
	n := 0
	for i := range s.Metrics {
		n += 2000 + 700*len(s.Metrics[i].Periods) // about what each writes
	}
	b.Grow(n)
	e := html.EscapeString
	id := e(s.ID)
	fmt.Fprintf(&b, "<section aria-labelledby=\"m-%s\">\n<h3 id=\"m-%s\">Metrics</h3>\n", id, id)
	b.WriteString("<p>Every period recorded, oldest first, with the inputs each value was computed from. Values are to 2 decimals; flags are worked out against the band as it is now.</p>\n")
	for _, v := range metricViews(s) {
		fmt.Fprintf(&b, "<h4 id=\"%s\">%s %s</h4>\n<p>%s</p>\n", e(v.ID), e(v.Code), e(v.Title), e(v.Aim))
		if len(v.Rows) == 0 {
			b.WriteString("<p>Nothing recorded yet.</p>\n")
			continue
		}
		if v.Chart != nil {
			b.WriteString("<figure>\n")
			writeMetricChart(&b, v.Chart)
			fmt.Fprintf(&b, "<figcaption>%s</figcaption>\n</figure>\n", e(v.Caption))
		}
		code := e(v.Code)
		fmt.Fprintf(&b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Values of %s by period (scrolls sideways on a narrow screen)\">\n<table class=\"metric\">\n<caption>Values of %s by period</caption>\n", code, code)
		b.WriteString("<thead><tr><th scope=\"col\">Period</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">Change</th><th scope=\"col\">Inputs</th><th scope=\"col\">Flags</th><th scope=\"col\">Note</th></tr></thead>\n<tbody>\n")
		for _, r := range v.Rows {
			// The hot loop: plain writes, no formatting.
			write(&b, "<tr><th scope=\"row\">", e(r.Period), "</th><td class=\"num\">", e(r.Text), "</td><td class=\"num\">", e(r.Change),
				"</td><td>", e(r.Inputs), "</td><td>", e(r.Flags), "</td><td>", e(r.Note), "</td></tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n</div>\n")
	}
	b.WriteString("</section>\n")
	return template.HTML(b.String()) // every value above is escaped
}

// writeMetricChart draws c as inline SVG, titled and described.
func writeMetricChart(b *bytes.Buffer, c *metricChart) {
	e := html.EscapeString
	id := e(c.ID)
	fmt.Fprintf(b, "<svg role=\"img\" aria-labelledby=\"%s-t %s-d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" class=\"chart\">\n", id, id, chartWidth, c.Height, chartWidth, c.Height)
	fmt.Fprintf(b, "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n", id, e(c.Title), id, e(c.Desc))
	if r := c.Band; r != nil {
		fmt.Fprintf(b, "<rect class=\"band\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", r.X, r.Y, r.W, r.H, r.LabelX, r.LabelY, e(r.Label))
	}
	for _, g := range c.Grid {
		fmt.Fprintf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", g.X1, g.Y1, g.X2, g.Y2, g.LabelX, g.LabelY, e(g.Label))
	}
	if g := c.Goal; g != nil {
		fmt.Fprintf(b, "<line class=\"goal\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n<text x=\"%d\" y=\"%d\">%s</text>\n", g.X1, g.Y1, g.X2, g.Y2, g.LabelX, g.LabelY, e(g.Label))
	}
	if c.Line != "" {
		fmt.Fprintf(b, "<polyline class=\"metric-line\" points=\"%s\"/>\n", c.Line)
	}
	for _, d := range c.Points {
		x := strconv.Itoa(d.X)
		if d.Value != "" {
			class := "metric-dot"
			if d.Flagged {
				class += " flagged"
			}
			write(b, "<circle class=\"", class, "\" cx=\"", x, "\" cy=\"", strconv.Itoa(d.Y), "\" r=\"4\"/>\n<text x=\"", x, "\" y=\"", strconv.Itoa(d.ValueY),
				"\" text-anchor=\"middle\">", e(d.Value), "</text>\n")
		}
		if d.Period != "" {
			write(b, "<text x=\"", x, "\" y=\"", strconv.Itoa(d.LabelY), "\" text-anchor=\"middle\">", e(d.Period), "</text>\n")
		}
	}
	a := c.Axis
	fmt.Fprintf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n</svg>\n", a.X1, a.Y1, a.X2, a.Y2)
}

// write writes each of ss to b.
func write(b *bytes.Buffer, ss ...string) {
	for _, s := range ss {
		b.WriteString(s)
	}
}
