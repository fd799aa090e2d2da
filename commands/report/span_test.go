package report_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/report/reporttest"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// reads wraps a Source and counts the records a report reads: updates
// handed over by EachUpdate and Updates, and events.
type reads struct {
	report.Source
	updates, events, histories int
}

func (r *reads) EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error {
	return r.Source.EachUpdate(ctx, ws, since, until, func(us []framework.Update) error {
		r.updates += len(us)
		return fn(us)
	})
}

func (r *reads) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	us, err := r.Source.Updates(ctx, ws, ref, n)
	r.updates += len(us)
	r.histories++
	return us, err
}

func (r *reads) RecentEvents(ctx context.Context, ws string, refs []string, limit int) (map[string][]framework.Event, error) {
	evs, err := r.Source.RecentEvents(ctx, ws, refs, limit)
	for _, es := range evs {
		r.events += len(es)
	}
	return evs, err
}

// spanEnd is when the sized workspaces' histories end.
var spanEnd = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// sizedStore restores a workspace of 100 targets with an update every
// 8 hours over the years given, into a new bbolt file; cycles, when
// set, are its closed cycles and the current one's start.
func sizedStore(tb testing.TB, years int, cycles func(*framework.Workspace)) (store.Store, int) {
	span := time.Duration(years) * 365 * 24 * time.Hour
	return restoreSized(tb, 100, int(span/(8*time.Hour)), years, cycles)
}

// restoreSized restores reporttest.SizedWorkspace of n targets and m
// updates over the years given into a new bbolt file.
func restoreSized(tb testing.TB, n, m, years int, cycles func(*framework.Workspace)) (store.Store, int) {
	tb.Helper()
	s, err := boltstore.Open(filepath.Join(tb.TempDir(), "t.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	snap := reporttest.SizedWorkspace(ws, n, m, time.Duration(years)*365*24*time.Hour, spanEnd)
	if cycles != nil {
		cycles(&snap.Workspace)
		for i := range snap.Events {
			snap.Events[i].Cycle = snap.Workspace.Cycle
		}
	}
	if err := s.Restore(context.Background(), snap, store.RestoreOptions{}); err != nil {
		tb.Fatal(err)
	}
	return store.Checked(s), len(snap.Updates)
}

// threeCycles closes 2023/24 (holding everything before it) and 2024/25,
// and opens 2025/26, each a year.
func threeCycles(w *framework.Workspace) {
	at := func(y int) time.Time { return time.Date(y, 4, 1, 0, 0, 0, 0, time.UTC) }
	w.PastCycles = []framework.Cycle{{Name: "2023/24", Started: at(2023), Closed: at(2024)}, {Name: "2024/25", Started: at(2024), Closed: at(2025)}}
	w.Cycle, w.CycleStarted = "2025/26", at(2025)
}

// DESIGN section 21: a report reads only its cycle's span. Over ten and
// twenty years of history (100 targets, an update every 8 hours), the
// current cycle of a workspace that never started one reads the 60
// months progress over time shows, whatever the history's length; a
// closed cycle reads from its start to its close, not to now; and the
// current cycle, from its start. The memory a report allocates follows
// the same span.
func TestReportReadsFollowTheCyclesSpan(t *testing.T) {
	if testing.Short() {
		t.Skip("restores 20 years of history")
	}
	ctx := context.Background()
	build := func(s store.Store, cycle string) (*reads, uint64) {
		r := &reads{Source: s}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := report.Build(ctx, r, report.Request{Workspace: ws, Cycle: cycle}, report.Options{Now: spanEnd.Add(time.Hour), Generator: "targetbot test"}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return r, after.TotalAlloc - before.TotalAlloc
	}
	ten, tenAll := sizedStore(t, 10, nil)
	twenty, twentyAll := sizedStore(t, 20, nil)
	r10, b10 := build(ten, "")
	r20, b20 := build(twenty, "")
	fiveYears := tenAll / 2
	t.Logf("never started, 10 years (%d updates): %d updates read, %d events, %.1f MB allocated", tenAll, r10.updates, r10.events, float64(b10)/1e6)
	t.Logf("never started, 20 years (%d updates): %d updates read, %d events, %.1f MB allocated", twentyAll, r20.updates, r20.events, float64(b20)/1e6)
	for _, r := range []*reads{r10, r20} {
		if r.updates > fiveYears*102/100 || r.updates < fiveYears*90/100 || r.histories != 0 {
			t.Errorf("a cycle never started read %d updates (%d histories), want the last 60 months' %d or so", r.updates, r.histories, fiveYears)
		}
		if r.events != 100 {
			t.Errorf("the grades' reasons read %d events, want the 100 rates", r.events)
		}
	}
	if b20 > b10*13/10 {
		t.Errorf("a report over 20 years allocated %d bytes, over 10 years %d: want the same span's", b20, b10)
	}

	cycles, all := sizedStore(t, 10, threeCycles)
	oneYear := all / 10
	for _, tc := range []struct{ cycle string }{{"2024/25"}, {""}} {
		r, b := build(cycles, tc.cycle)
		t.Logf("cycle %q: %d updates read, %d histories, %.1f MB allocated", tc.cycle, r.updates, r.histories, float64(b)/1e6)
		// The current cycle runs from April 2025 to the end of November 2026.
		want := oneYear
		if tc.cycle == "" {
			want = oneYear * 20 / 12
		}
		if r.updates > want*102/100 || r.updates < want*95/100 {
			t.Errorf("cycle %q read %d updates, want its span's %d or so", tc.cycle, r.updates, want)
		}
	}
}

// BenchmarkReportSpan measures a report of the current cycle of a
// workspace that never started one, at three sizes of history, built
// from bbolt and rendered as HTML: its updates read follow the 60 months
// it shows, not the history. Restoring is not timed. docs/PERFORMANCE.md
// ("Growth: reports and digests") records the figures.
func BenchmarkReportSpan(b *testing.B) {
	for _, size := range []struct{ targets, updates, years int }{
		{100, 10_000, 2},
		{1000, 100_000, 10},
		{1000, 200_000, 20},
	} {
		b.Run(fmt.Sprintf("targets=%d,updates=%d,years=%d", size.targets, size.updates, size.years), func(b *testing.B) {
			s, _ := restoreSized(b, size.targets, size.updates, size.years, nil)
			var out bytes.Buffer
			var r *reads
			for b.Loop() {
				r = &reads{Source: s}
				rep, err := report.Build(context.Background(), r, report.Request{Workspace: ws}, report.Options{Now: spanEnd.Add(time.Hour), Generator: "targetbot bench"})
				if err != nil {
					b.Fatal(err)
				}
				out.Reset()
				if err := rep.Render(&out, report.HTML); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.updates), "updates-read/op")
			b.ReportMetric(float64(r.events), "events-read/op")
			b.ReportMetric(float64(out.Len())/1e6, "MB-html")
		})
	}
}
