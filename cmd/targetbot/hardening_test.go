package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// A hung Redis (the process stopped, its socket open) must not hold
// callers: /readyz answers 503 within a second, and a command gets its
// "try again" within the command budget instead of waiting on Redis.
func TestServeAnswersWhileRedisHangs(t *testing.T) {
	srv := redistest.NewServer(t)
	_, base, _ := servedMain(t, srv.URL(), "")
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d before Redis hangs", code)
	}
	srv.Freeze()
	defer srv.Thaw()
	start := time.Now()
	if code, _ := get(t, base+"/readyz"); code != 503 {
		t.Fatalf("/readyz = %d while Redis hangs, want 503", code)
	}
	// Its ping gives up after 800 ms; twice that still shows it does not
	// wait on Redis, with room for a busy machine.
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("/readyz took %v while Redis hangs, want under two seconds", took)
	}
	start = time.Now()
	code, r := postSlack(t, base, slackForm("T1", "UADMIN", "list"), time.Now(), false)
	took := time.Since(start)
	if code != 200 || took > 3*time.Second {
		t.Fatalf("command while Redis hangs = %d after %v", code, took)
	}
	// Slack got "working on it" in time; the answer follows up. Either way
	// the process answered within Slack's three seconds.
	_ = r
	srv.Thaw()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, _ := get(t, base+"/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover after Redis resumed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Requests beyond the in-flight limit get 503 with Retry-After and are
// counted; health checks are never turned away.
func TestLimitInFlight(t *testing.T) {
	m := &Main{metrics: newMetrics()}
	release := make(chan struct{})
	var entered sync.WaitGroup
	h := m.limitInFlight(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered.Done()
			<-release
		}
		w.WriteHeader(200)
	}), 2)
	var wg sync.WaitGroup
	entered.Add(2)
	for range 2 {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/slow", nil)) })
	}
	entered.Wait()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/commands", strings.NewReader("x")))
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("third request = %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Errorf("%s while full = %d, want 200", path, rec.Code)
		}
	}
	if n := testutil.ToFloat64(m.metrics.rejected); n != 1 {
		t.Errorf("rejected = %v, want 1", n)
	}
	close(release)
	wg.Wait()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/commands", nil))
	if rec.Code != 200 {
		t.Errorf("after the slow ones finished = %d, want 200", rec.Code)
	}
}
