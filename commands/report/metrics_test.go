package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/report/reporttest"
)

// metricsReport builds the metrics workspace's report.
func metricsReport(t testing.TB, years int) *report.Report {
	t.Helper()
	s, fws := seededMetrics(t, years)
	r, err := report.Build(context.Background(), s, report.Request{Workspace: metricsWS}, report.Options{Frameworks: fws, Location: london, Now: now, Generator: "targetbot test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t testing.TB, r *report.Report, f report.Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Render(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Each format gives every metric's periods with their inputs, change
// and flags; the JSON is the model, field for field.
func TestMetricsInEveryFormat(t *testing.T) {
	r := metricsReport(t, 3)
	// Frameworks come in the workspace's order: wdes, then wres.
	if len(r.Frameworks) != 2 || len(r.Frameworks[0].Metrics) != 14 || len(r.Frameworks[1].Metrics) != 9 {
		for _, s := range r.Frameworks {
			t.Logf("%s: %d metrics", s.ID, len(s.Metrics))
		}
		t.Fatalf("metrics per framework: %d sections", len(r.Frameworks))
	}
	md := render(t, r, report.Markdown)
	for _, want := range []string{
		"### Metrics", "#### 2 Relative likelihood of staff being appointed from shortlisting across all posts.",
		"| 2026 | 1.88 | +0.38 | white_shortlisted=1200, white_appointed=300, bme_shortlisted=900, bme_appointed=120 | outside parity 0.80–1.25 · adverse move | year 3 |",
		"parity band 0.80 to 1.20", // wres/3's workspace band
		"not meaningful (disabled_shortlisted is 8, under 10: too few people to compare)",
		"| 2026 | yes: Network chair reported to the board |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(render(t, r, report.CSV), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := false
	for _, row := range rows[1:] {
		if row[col["ref"]] == "wres/2" {
			found = true
			if row[col["metric_unit"]] != "ratio" || row[col["metric_band"]] != "0.80–1.25" ||
				!strings.Contains(row[col["metric_values"]], "2026: 1.88 from white_shortlisted=1200, white_appointed=300, bme_shortlisted=900, bme_appointed=120; change +0.38; outside parity 0.80–1.25 · adverse move") {
				t.Errorf("wres/2's CSV row = %q", row[col["metric_unit"]:])
			}
		}
	}
	if !found {
		t.Error("no CSV row for wres/2")
	}
	var back struct {
		Frameworks []struct {
			Metrics []struct {
				Ref     string `json:"ref"`
				Periods []struct {
					Period  string   `json:"period"`
					Value   *float64 `json:"value"`
					Outside bool     `json:"outside_band"`
					Inputs  []struct {
						Name  string  `json:"name"`
						Value float64 `json:"value"`
					} `json:"inputs"`
				} `json:"periods"`
			} `json:"metrics"`
		} `json:"frameworks"`
	}
	if err := json.Unmarshal([]byte(render(t, r, report.JSON)), &back); err != nil {
		t.Fatal(err)
	}
	w2 := back.Frameworks[1].Metrics[1]
	last := w2.Periods[len(w2.Periods)-1]
	if w2.Ref != "wres/2" || len(w2.Periods) != 3 || last.Value == nil || *last.Value != 1.88 || !last.Outside || len(last.Inputs) != 4 || last.Inputs[3].Value != 120 {
		t.Errorf("JSON wres/2 = %+v", w2)
	}
}

// The metrics report's HTML, opened in headless Chromium, passes
// axe-core's WCAG 2.2 AA rules: each metric's chart is titled and
// described, and its numbers are in a captioned table.
func TestMetricsHTMLInChromium(t *testing.T) {
	r := metricsReport(t, 10)
	doc := render(t, r, report.HTML)
	for _, want := range []string{`class="band"`, `class="goal"`, "goal 20.00", "arity band is 0.80 to 1.25"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	p := reporttest.Open(t, []byte(doc))
	// A grade chart per framework (none: neither is graded, so 0), a
	// progress chart per objective with targets, and a chart per numeric
	// metric: 9 + 13.
	if p.Titled != p.Charts || p.Charts < 22 {
		t.Errorf("%d charts, %d with a title and a description", p.Charts, p.Titled)
	}
	if p.Tables == 0 || p.Captions != p.Tables {
		t.Errorf("%d tables, %d with captions", p.Tables, p.Captions)
	}
	for i := 1; i < len(p.Headings); i++ {
		if p.Headings[i] > p.Headings[i-1]+1 {
			t.Errorf("heading levels skip from h%d to h%d", p.Headings[i-1], p.Headings[i])
		}
	}
	for _, v := range p.Violations {
		t.Errorf("axe: %s (%s)\n  %s", v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
	if !strings.Contains(p.Text, "1.88") {
		t.Error("the rendered page lacks 1.88")
	}
}
