package report_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

// gatedSource holds every workspace read until open is closed, and
// counts the reads, one per build.
type gatedSource struct {
	report.Source
	open  chan struct{}
	reads atomic.Int32
}

func (g *gatedSource) Workspace(ctx context.Context, ws string) (framework.Workspace, error) {
	g.reads.Add(1)
	<-g.open
	return g.Source.Workspace(ctx, ws)
}

// Issue 27: 50 parallel fetches of one link share one build, and
// fetches of other links beyond the build limit get 503 with
// Retry-After at once, rather than each building a report in memory.
func TestHandlerSharesBuildsAndLimitsThem(t *testing.T) {
	src := &gatedSource{Source: seeded(t), open: make(chan struct{})}
	o := handlerOptions(t, src)
	o.MaxBuilds = 2
	var builds atomic.Int32
	o.Built = func() { builds.Add(1) }
	h := report.NewHandler(o)
	same := "/reports/" + tokenFor(t, report.Link{Workspace: ws})

	const parallel = 50
	codes := make([]int, parallel)
	var wg sync.WaitGroup
	for i := range parallel {
		wg.Go(func() { codes[i] = get(h, same).Code })
	}
	// Wait for the one build to start, then fill the other slot.
	for src.reads.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	other := "/reports/" + tokenFor(t, report.Link{Workspace: ws, Expires: now.Add(2 * time.Hour)})
	wg.Go(func() {
		if rec := get(h, other); rec.Code != http.StatusOK {
			t.Errorf("a second link while one builds = %d, want 200", rec.Code)
		}
	})
	for src.reads.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	third := "/reports/" + tokenFor(t, report.Link{Workspace: ws, Expires: now.Add(3 * time.Hour)})
	rec := get(h, third)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a third link while two build = %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	checkHeaders(t, "busy", rec)
	time.Sleep(100 * time.Millisecond) // every fetch of the shared link is waiting
	close(src.open)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("fetch %d of the shared link = %d, want 200", i, c)
		}
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("%d builds for %d fetches of one link and one of another, want 2", n, parallel+1)
	}
	// Once done, a link builds afresh: nothing is cached.
	if rec := get(h, same); rec.Code != http.StatusOK || builds.Load() != 3 {
		t.Errorf("a later fetch = %d after %d builds, want 200 and a third build", rec.Code, builds.Load())
	}
}

// Every format of one link, fetched at once, shares one build of the
// report: each format is rendered from it, once.
func TestHandlerSharesOneBuildAcrossFormats(t *testing.T) {
	src := &gatedSource{Source: seeded(t), open: make(chan struct{})}
	o := handlerOptions(t, src)
	var builds atomic.Int32
	o.Built = func() { builds.Add(1) }
	h := report.NewHandler(o)
	link := "/reports/" + tokenFor(t, report.Link{Workspace: ws})
	formats := []string{"html", "md", "csv", "json"}
	codes := make([]int, 3*len(formats))
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() { codes[i] = get(h, link+"?format="+formats[i%len(formats)]).Code })
	}
	for src.reads.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // every fetch is waiting on the one build
	close(src.open)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("fetch %d (%s) = %d, want 200", i, formats[i%len(formats)], c)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for %d fetches of one link in %d formats, want 1", n, len(codes), len(formats))
	}
}
