package report_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/store/boltstore"
)

// BenchmarkMetricsReport sets a 10-year trend report of every WRES and
// WDES metric target (the 19 indicators, WDES 4a and 9 in their parts:
// 23 targets, 230 values with their inputs) beside today's report of a
// framework of 19 targets with a year of updates, both built from bbolt
// and rendered as HTML, charts and all. The two alternate within each
// iteration, so a shared machine's load falls on both alike, and the
// ratio of their times is reported. The rule is that the first
// costs at most twice the second; docs/PERFORMANCE.md records it.
func BenchmarkMetricsReport(b *testing.B) {
	ctx := context.Background()
	s, err := boltstore.Open(filepath.Join(b.TempDir(), "today.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fw := sized(19)
	seedSized(b, s, "bench:today", fw, 12, 1)
	ms, fws := seededMetrics(b, 10)
	mopts := report.Options{Frameworks: fws, Location: london, Now: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Generator: "targetbot bench"}
	var out bytes.Buffer
	timed := func(build func() (*report.Report, error)) time.Duration {
		start := time.Now()
		r, err := build()
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if err := r.Render(&out, report.HTML); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var today, metrics time.Duration
	for b.Loop() {
		today += timed(func() (*report.Report, error) {
			return report.Build(ctx, s, report.Request{Workspace: "bench:today"}, sizedOpts(fw))
		})
		metrics += timed(func() (*report.Report, error) {
			return report.Build(ctx, ms, report.Request{Workspace: metricsWS}, mopts)
		})
	}
	b.ReportMetric(float64(today.Microseconds())/float64(b.N), "µs-today-19-targets/op")
	b.ReportMetric(float64(metrics.Microseconds())/float64(b.N), "µs-metrics-10-years/op")
	b.ReportMetric(float64(metrics)/float64(today), "ratio")
	b.ReportMetric(float64(out.Len())/1e3, "kB-html-metrics")
}
