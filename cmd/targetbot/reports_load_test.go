package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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
