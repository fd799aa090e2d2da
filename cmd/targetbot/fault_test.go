package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore"
)

// The fault tests of DESIGN section 13, run by make test: real processes
// on loopback, bounded in time.

// outcome sorts a reply to a logged update.
type outcome int

const (
	acked   outcome = iota // in the channel: the update was stored
	refused                // "unavailable, try again": the update was not stored
	unknown                // "could not confirm", a transport error, or an answer that promises nothing
)

func classify(res *http.Response, err error) outcome {
	if err != nil {
		return unknown
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var r map[string]any
	if res.StatusCode != 200 || json.Unmarshal(data, &r) != nil {
		return unknown
	}
	text := strings.ToLower(html.UnescapeString(slackTexts(r)))
	switch {
	case r["response_type"] == "in_channel" && strings.Contains(text, "updated"):
		return acked
	case strings.Contains(text, "could not confirm"):
		return unknown
	case strings.Contains(text, "try again"):
		return refused
	}
	return unknown
}

// storedNotes counts every note stored on the workspace's targets.
func storedNotes(t *testing.T, url string, refs []string) map[string]int {
	t.Helper()
	ctx := context.Background()
	s, err := redisstore.Open(ctx, url, &redisstore.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	notes := map[string]int{}
	for _, ref := range refs {
		us, err := s.Updates(ctx, "slack:T1", ref, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if !u.Withdrawn {
				notes[u.Note]++
			}
		}
	}
	return notes
}

// Redis SIGKILLed and restarted under signed load: every acknowledged
// update is stored after the restart, none is stored twice, and the
// commands during the outage were told to try again.
func TestFaultRedisKilledUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-server and targetbot processes")
	}
	r := startDurableRedis(t)
	p := startServe(t, "TARGETBOT_STORE="+r.URL(), "SLACK_SIGNING_SECRET="+slackSecret, "TARGETBOT_ADMINS=slack:UADMIN")
	if o := classifyImport(t, p); !o {
		t.Fatalf("import failed: %s", p.stderr)
	}
	refs := []string{"eds/1.1", "eds/1.2", "eds/2.1", "eds/3.1"}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	var mu sync.Mutex
	results := map[string]outcome{}
	var n atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				note := fmt.Sprintf("w%d-n%d", w, n.Add(1))
				req := signedSlack(ctx, p.base, "U1", fmt.Sprintf("update %s -- %s", refs[w%len(refs)], note))
				o := classify(http.DefaultClient.Do(req))
				if ctx.Err() != nil {
					o = unknown // cut by the test's own deadline
				}
				mu.Lock()
				results[note] = o
				mu.Unlock()
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	r.kill()
	time.Sleep(1500 * time.Millisecond)
	r.start()
	wg.Wait()

	notes := storedNotes(t, r.URL(), refs)
	var count [3]int
	for note, o := range results {
		count[o]++
		switch {
		case o == acked && notes[note] != 1:
			t.Errorf("acknowledged update %s is stored %d times", note, notes[note])
		case o == refused && notes[note] != 0:
			t.Errorf("update %s was refused but is stored %d times", note, notes[note])
		case notes[note] > 1:
			t.Errorf("update %s is stored %d times", note, notes[note])
		}
	}
	for note, k := range notes {
		if _, sent := results[note]; !sent && note != "" {
			t.Errorf("stored note %q was never sent (%d)", note, k)
		}
	}
	t.Logf("acknowledged %d, refused %d, unknown %d; stored %d", count[acked], count[refused], count[unknown], len(notes))
	if count[acked] == 0 || count[refused] == 0 {
		t.Errorf("the load saw %d acknowledged and %d refused: the outage was not exercised", count[acked], count[refused])
	}
}

func classifyImport(t *testing.T, p *serveProcess) bool {
	t.Helper()
	res, err := http.DefaultClient.Do(signedSlack(context.Background(), p.base, "UADMIN", "import eds"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode == 200 && strings.Contains(string(data), "imported")
}

// SIGTERM under load: every request in flight when the signal arrives
// is answered, and its update stored.
func TestFaultSIGTERMAnswersRequestsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-server and targetbot processes")
	}
	r := startDurableRedis(t)
	p := startServe(t, "TARGETBOT_STORE="+r.URL(), "SLACK_SIGNING_SECRET="+slackSecret, "TARGETBOT_ADMINS=slack:UADMIN")
	if !classifyImport(t, p) {
		t.Fatalf("import failed: %s", p.stderr)
	}
	// Each request sends its headers and half its body, then waits for
	// the signal before sending the rest: all are in flight at SIGTERM.
	const inFlight = 20
	signalled := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]outcome{}
	var started sync.WaitGroup
	started.Add(inFlight)
	for i := range inFlight {
		wg.Go(func() {
			note := fmt.Sprintf("inflight-%d", i)
			req := signedSlack(context.Background(), p.base, "U1", "update eds/1.1 -- "+note)
			body, _ := io.ReadAll(req.Body)
			pr, pw := io.Pipe()
			req.Body, req.ContentLength = pr, int64(len(body))
			go func() {
				_, _ = pw.Write(body[:len(body)/2])
				started.Done()
				<-signalled
				time.Sleep(100 * time.Millisecond)
				_, _ = pw.Write(body[len(body)/2:])
				_ = pw.Close()
			}()
			o := classify(http.DefaultClient.Do(req))
			mu.Lock()
			got[note] = o
			mu.Unlock()
		})
	}
	started.Wait()
	time.Sleep(200 * time.Millisecond) // let the server read the first halves
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	close(signalled)
	wg.Wait()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM: %s", err, p.stderr)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop within the grace period")
	}
	p.done <- nil // for the cleanup
	notes := storedNotes(t, r.URL(), []string{"eds/1.1"})
	for note, o := range got {
		if o != acked || notes[note] != 1 {
			t.Errorf("in-flight update %s: outcome %d, stored %d times; want acknowledged and stored once", note, o, notes[note])
		}
	}
}

// Three replicas on one Redis post each digest period exactly once over
// a simulated week: three run-schedules processes race for every day.
func TestFaultThreeReplicasPostEachDigestOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-server and targetbot processes")
	}
	r := startDurableRedis(t)
	bin := targetbotBinary(t)
	env := []string{"TARGETBOT_STORE=" + r.URL(), "TARGETBOT_TIMEZONE=Europe/London", "USER=sam"}
	setup := exec.Command(bin, "console")
	setup.Env = append(setup.Environ(), env...)
	setup.Stdin = strings.NewReader("import eds\nassign eds/1.1 @amy\ndue eds/1.1 2026-01-01\ndigest here 0 9 * * *\n")
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	// The week after the subscription was made (on the real clock):
	// fire times before it never run, and --allow-future reaches 7 days.
	start := time.Now().UTC().Truncate(24 * time.Hour).Add(9 * time.Hour)
	if !start.After(time.Now()) {
		start = start.AddDate(0, 0, 1)
	}
	digests, dms := 0, 0
	for day := range 7 {
		at := start.AddDate(0, 0, day).Format(time.RFC3339)
		outs := make([]strings.Builder, 3)
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				c := exec.Command(bin, "run-schedules", "--allow-future", "--at", at)
				c.Env = append(c.Environ(), env...)
				c.Stdout = &outs[i]
				if err := c.Run(); err != nil {
					t.Errorf("run-schedules --at %s: %v", at, err)
				}
			})
		}
		wg.Wait()
		var all string
		for i := range outs {
			all += outs[i].String()
		}
		d, m := strings.Count(all, "── #console ──"), strings.Count(all, "── DM to @amy ──")
		weekday := start.AddDate(0, 0, day).Weekday()
		wantDM := 0
		if weekday != time.Saturday && weekday != time.Sunday {
			wantDM = 1
		}
		if d != 1 || m != wantDM {
			t.Errorf("%s: %d digests and %d reminders from three replicas, want 1 and %d", at, d, m, wantDM)
		}
		digests += d
		dms += m
	}
	t.Logf("7 days, 3 replicas: %d digests, %d reminder DMs", digests, dms)
}
