package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// counter counts a store's round trips.
type counter = redistest.RoundTrips

// sized is a framework of n targets in objectives of ten.
func sized(n int) *framework.Framework {
	fw := &framework.Framework{ID: "big", Name: "A big framework", Labels: framework.Labels{Objective: "theme", Target: "measure"},
		Grading: &framework.Grading{
			Scores: map[framework.Rating]int{framework.Undeveloped: 0, framework.Developing: 1, framework.Achieving: 2, framework.Excelling: 3},
			Bands:  []framework.Band{{Below: n, Rating: framework.Undeveloped}, {Below: 3*n + 1, Rating: framework.Developing}},
		}}
	for i := range n {
		obj := fmt.Sprint(i/10 + 1)
		if i%10 == 0 {
			fw.Objectives = append(fw.Objectives, framework.Objective{Code: obj, Title: "Theme " + obj, Text: "Why theme " + obj + " matters."})
		}
		o := &fw.Objectives[len(fw.Objectives)-1]
		o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%s.%d", obj, i%10+1), Title: fmt.Sprintf("Measure %d", i+1)})
	}
	return fw
}

// cycleStart is when the sized workspaces import, and so begin their
// cycle; their updates spread over the next 230 days.
var cycleStart = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// seedSized imports fw into ws and appends perTarget updates to each of
// its targets, and one piece of evidence each, from concurrent writers.
func seedSized(tb testing.TB, s store.Store, ws string, fw *framework.Framework, perTarget, writers int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := s.Import(ctx, ws, fw, cycleStart); err != nil {
		tb.Fatal(err)
	}
	refs := make([]string, 0, fw.TargetCount())
	for _, t := range fw.Targets() {
		refs = append(refs, t.Ref())
	}
	n := len(refs) * perTarget
	step := 230 * 24 * time.Hour / time.Duration(n+1)
	var next atomic.Int64
	errs := make(chan error, writers)
	for range writers {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n+len(refs) {
					errs <- nil
					return
				}
				var err error
				if i >= n {
					ref := refs[i-n]
					_, err = s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org/evidence/" + ref, Author: "U1", Time: cycleStart.Add(time.Hour)})
				} else {
					u := framework.Update{Target: refs[i%len(refs)], Author: "U1", Time: cycleStart.Add(step * time.Duration(i+1)), Progress: i / len(refs) * 100 / perTarget, Status: framework.OnTrack, Note: "seed"}
					_, _, err = s.AppendUpdate(ctx, ws, u, store.Once{})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			tb.Fatalf("seeding %s: %v", ws, err)
		}
	}
}

func sizedOpts(fw *framework.Framework) report.Options {
	return report.Options{Frameworks: []*framework.Framework{fw}, Now: cycleStart.Add(240 * 24 * time.Hour), Generator: "targetbot bench"}
}

// A report's Redis round trips do not grow with the number of targets or
// of updates, only with the logarithm of the deepest history: the
// workspace, then its targets, its updates since the cycle began and its
// evidence, read side by side.
func TestReportRoundTripsDoNotGrow(t *testing.T) {
	ctx := context.Background()
	s, err := redisstore.Open(ctx, redistest.Start(t), &redisstore.Options{Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fw := sized(50)
	seedSized(t, s, "rt:few", fw, 1, 8)
	seedSized(t, s, "rt:many", fw, 40, 8)
	c := &counter{}
	s.AddHook(c)
	trips := func(ws string, wantUpdates int) int64 {
		before := c.Load()
		r, err := report.Build(ctx, s, report.Request{Workspace: ws}, sizedOpts(fw))
		if err != nil {
			t.Fatal(err)
		}
		n := c.Load() - before
		a := r.Frameworks[0].Objectives[0].Targets[0]
		if a.LatestUpdate == nil || len(a.Evidence) != 1 || len(r.Frameworks[0].Objectives[0].Progress) != 8 {
			t.Errorf("%s: the report lacks history: %+v", ws, a)
		}
		t.Logf("%s: %d targets, %d updates: %d round trips", ws, 50, wantUpdates, n)
		return n
	}
	// The updates are read 16 records of each target's history at a
	// time, then four times as many: 40 a target take one round more.
	few, many := trips("rt:few", 50), trips("rt:many", 2000)
	// (One of them reads the names of the people it names, and one the
	// actions of its action plan, whatever their number.)
	if few != 8 || many != 9 {
		t.Errorf("a report cost %d round trips with 1 update a target and %d with 40: want 8 and 9", few, many)
	}
	before := c.Load()
	if _, err := report.Build(ctx, s, report.Request{Workspace: "rt:many", Summary: true}, sizedOpts(fw)); err != nil {
		t.Fatal(err)
	}
	if n := c.Load() - before; n > 3 {
		t.Errorf("a summary cost %d round trips, want at most 3 (the workspace, then its targets)", n)
	}
}

// BenchmarkReport measures a year's report of a large workspace: 1,000
// targets and 100,000 updates on Redis (10,000 on bbolt, whose seeding
// is one fsync an update), built and rendered as HTML. Seeding takes a
// while and is not timed. docs/PERFORMANCE.md records the figures.
func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	fw := sized(1000)
	run := func(b *testing.B, s store.Store, ws string, trips func() int64) {
		var out bytes.Buffer
		var n int64
		var build time.Duration
		for b.Loop() {
			before, start := trips(), time.Now()
			r, err := report.Build(ctx, s, report.Request{Workspace: ws}, sizedOpts(fw))
			if err != nil {
				b.Fatal(err)
			}
			n, build = trips()-before, build+time.Since(start)
			out.Reset()
			if err := r.Render(&out, report.HTML); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n), "round-trips/op")
		b.ReportMetric(float64(build.Milliseconds())/float64(b.N), "ms-build/op")
		b.ReportMetric(float64(out.Len())/1e6, "MB-html")
	}
	b.Run("redis/targets=1000,updates=100000", func(b *testing.B) {
		s, err := redisstore.Open(ctx, redistest.Start(b), &redisstore.Options{Prefix: redistest.Prefix(b)})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		seedSized(b, s, "bench:report", fw, 100, 32)
		c := &counter{}
		s.AddHook(c)
		run(b, s, "bench:report", c.Load)
	})
	b.Run("bolt/targets=1000,updates=10000", func(b *testing.B) {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		seedSized(b, s, "bench:report", fw, 10, 4)
		run(b, s, "bench:report", func() int64 { return 0 })
	})
}
