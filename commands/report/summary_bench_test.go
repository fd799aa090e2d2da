package report_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// BenchmarkSummaryVsDefault builds and renders the EDS summary and
// today's default report of one workspace side by side, in each format
// the summary has: EDS 2022's 11 outcomes graded with reasons over 3
// cycles, and 200 evidence links. docs/PERFORMANCE.md records the
// ratio, which must stay within 2×.
func BenchmarkSummaryVsDefault(b *testing.B) {
	ctx := context.Background()
	s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fws := builtins(b)
	eds := find(fws, "eds-2022")
	start := time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
	if _, err := s.Import(ctx, ws, eds, start); err != nil {
		b.Fatal(err)
	}
	targets := eds.Targets()
	for cy, name := range []string{"", "2025/26", "2026/27"} {
		at := start.AddDate(cy, 0, 0)
		if name != "" {
			if _, _, err := s.StartCycle(ctx, ws, name, at); err != nil {
				b.Fatal(err)
			}
		}
		for i, t := range targets {
			g := framework.Ratings[(i+cy)%len(framework.Ratings)]
			ch := framework.Change{Kind: framework.EventRate, Author: "sam", Time: at.Add(time.Hour), Rating: g, Reason: "agreed with the staff networks and the patients' panel"}
			if _, _, err := s.ChangeTarget(ctx, ws, t.Ref(), ch); err != nil {
				b.Fatal(err)
			}
			u := framework.Update{Target: t.Ref(), Author: "amy", Time: at.Add(2 * time.Hour), Progress: 10 * (cy + 1), Status: framework.OnTrack, Note: "quarterly review"}
			if _, _, err := s.AppendUpdate(ctx, ws, u, store.Once{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range 200 {
		t := targets[i%len(targets)]
		ev := framework.Evidence{URL: fmt.Sprintf("https://northtown.nhs.uk/eds/%s/%d.pdf", t.Code, i), Title: "Panel minutes", Author: "bob", Time: start.AddDate(2, 0, i)}
		if _, err := s.AddEvidence(ctx, ws, t.Ref(), ev); err != nil {
			b.Fatal(err)
		}
	}
	o := report.Options{Frameworks: fws, Now: start.AddDate(2, 8, 0), Generator: "targetbot bench"}
	for _, f := range []report.Format{report.Markdown, report.HTML, report.XLSX} {
		for _, tmpl := range []report.Template{report.DefaultTemplate, report.SummaryTemplate} {
			name := "default"
			if tmpl != "" {
				name = string(tmpl)
			}
			b.Run(string(f)+"/"+name, func(b *testing.B) {
				var out bytes.Buffer
				for b.Loop() {
					r, err := report.Build(ctx, s, report.Request{Workspace: ws, Frameworks: []string{"eds-2022"}, Template: tmpl}, o)
					if err != nil {
						b.Fatal(err)
					}
					out.Reset()
					if err := r.Render(&out, f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(out.Len())/1e3, "kB")
			})
		}
	}
}
