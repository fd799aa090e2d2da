package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/report/reporttest"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// metricValue reads one unlabelled series from serve's /metrics.
func metricValue(t *testing.T, base, name string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

// DESIGN section 20: 50 parallel fetches of one report link are each
// answered, 200 or 503 with Retry-After, share their builds, and keep
// serve's memory bounded.
func TestServeReportLinkUnderParallelFetches(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a targetbot process")
	}
	db := filepath.Join(t.TempDir(), "targetbot.db")
	p := startServe(t, "TARGETBOT_STORE=bolt:"+db, "SLACK_SIGNING_SECRET="+slackSecret, "TARGETBOT_ADMINS=slack:UADMIN",
		"TARGETBOT_LINK_SECRET="+linkSecret, "TARGETBOT_PUBLIC_URL="+publicURL)
	now := time.Now()
	for _, text := range []string{"import eds-2022", "rate eds-2022/1A developing", "evidence eds-2022/1A https://example.org/eds/paper.pdf Board paper"} {
		if code, r := postSlack(t, p.base, slackForm("T1", "UADMIN", text), now, false); code != 200 || r["response_type"] != "in_channel" {
			t.Fatalf("%q = %d %v\n%s", text, code, r, p.stderr)
		}
	}
	_, r := postSlack(t, p.base, slackForm("T1", "U2", "report"), now, false)
	found := reportLink.FindStringSubmatch(slackTexts(r))
	if found == nil {
		t.Fatalf("no report link in %v", r)
	}
	page := p.base + "/reports/" + found[1]

	const parallel = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	start := make(chan struct{})
	for range parallel {
		wg.Go(func() {
			<-start
			res, err := http.Get(page)
			if err != nil {
				t.Errorf("fetch: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
				t.Error("a 503 without Retry-After")
			}
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	builds := metricValue(t, p.base, "targetbot_report_builds_total")
	rss := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("%d parallel fetches: %v; %v builds; peak RSS %.0f MB", parallel, codes, builds, rss)
	if codes[200]+codes[503] != parallel || codes[200] == 0 {
		t.Errorf("answers %v, want every one 200 or 503, some 200", codes)
	}
	if builds < 1 || builds >= parallel {
		t.Errorf("%v builds for %d parallel fetches of one link, want them shared", builds, parallel)
	}
	if rss >= 300 {
		t.Errorf("peak RSS %.0f MB, want under 300 MB", rss)
	}
}

// DESIGN sections 20 and 21, issue 27 item 3: 50 parallel fetches of one
// link to a large report (1,000 targets, 100,000 updates over ten years,
// in a first cycle never started, so the report covers all of it) are
// each answered, 200 or 503 with Retry-After, and serve's peak RSS stays
// under 300 MB. The store is seeded in one restore, before serve starts.
func TestServeLargeReportLinkUnderParallelFetches(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a targetbot process over 100,000 updates")
	}
	const ws = "slack:T1"
	db := filepath.Join(t.TempDir(), "targetbot.db")
	now := time.Now()
	st, err := boltstore.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Restore(context.Background(), reporttest.SizedWorkspace(ws, 1000, 100_000, 10*365*24*time.Hour, now.Add(-time.Hour)), store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, "TARGETBOT_STORE=bolt:"+db, "SLACK_SIGNING_SECRET="+slackSecret,
		"TARGETBOT_LINK_SECRET="+linkSecret, "TARGETBOT_PUBLIC_URL="+publicURL)
	token, err := report.Sign([]byte(linkSecret), report.Link{Workspace: ws, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"html", "csv"} {
		page := p.base + "/reports/" + token + "?format=" + format
		const parallel = 50
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		var size int64
		start := make(chan struct{})
		began := time.Now()
		for range parallel {
			wg.Go(func() {
				<-start
				res, err := http.Get(page)
				if err != nil {
					t.Errorf("fetch: %v", err)
					return
				}
				n, _ := io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
					t.Error("a 503 without Retry-After")
				}
				mu.Lock()
				codes[res.StatusCode]++
				if res.StatusCode == 200 {
					size = n
				}
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		rss := peakRSS(t, p.cmd.Process.Pid)
		t.Logf("%s: %d parallel fetches in %v: %v; %d bytes each; peak RSS %.0f MB", format, parallel, time.Since(began).Round(time.Millisecond), codes, size, rss)
		if codes[200]+codes[503] != parallel || codes[200] == 0 {
			t.Errorf("%s: answers %v, want every one 200 or 503, some 200\n%s", format, codes, p.stderr)
		}
		if rss >= 300 {
			t.Errorf("%s: peak RSS %.0f MB, want under 300 MB", format, rss)
		}
	}
}
