package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 27 item 6: run-schedules --at before a digest's last run is
// refused unless --replay is given, and --allow-future reaches 7 days.
func TestRunSchedulesRefusesThePastAndTheFarFuture(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, "import eds\ndigest here\n")
	run := func(now time.Time, args ...string) (string, error) {
		m, out, errOut := testMain(t, url, "")
		m.Now = func() time.Time { return now }
		err := m.Run(context.Background(), append([]string{"run-schedules"}, args...))
		_ = m.Close()
		return out.String() + errOut.String(), err
	}
	monday := fixedNow.Add(time.Hour) // Mon 23 Nov 2026 09:00, when the digest fires
	if out, err := run(monday, "--at", "2026-11-23T09:00:00Z"); err != nil || !strings.Contains(out, "── #console ──") {
		t.Fatalf("the digest's first run: %v\n%s", err, out)
	}
	// Run again at the same instant: allowed, and posts nothing.
	if out, err := run(monday, "--at", "2026-11-23T09:00:00Z"); err != nil || strings.Contains(out, "── #console ──") {
		t.Errorf("a second run at the same instant: %v\n%s", err, out)
	}
	later := monday.Add(72 * time.Hour)
	_, err := run(later, "--at", "2026-11-16T09:00:00Z")
	if err == nil || !strings.Contains(err.Error(), "--replay") || !strings.Contains(err.Error(), "last ran at 2026-11-23T08:59:30Z") {
		t.Errorf("a week before the last run: err = %v, want a refusal naming the last run and --replay", err)
	}
	if out, err := run(later, "--replay", "--at", "2026-11-16T09:00:00Z"); err != nil {
		t.Errorf("the same with --replay: %v\n%s", err, out)
	}

	_, err = run(fixedNow, "--allow-future", "--at", "2026-12-01T09:00:00Z")
	if err == nil || !strings.Contains(err.Error(), "at most 7 days") {
		t.Errorf("8 days ahead with --allow-future: err = %v, want a refusal", err)
	}
	_, err = run(fixedNow, "--allow-future", "--at", "9999-12-31T09:00:00Z")
	if err == nil || !strings.Contains(err.Error(), "at most 7 days") {
		t.Errorf("9999 with --allow-future: err = %v, want a refusal", err)
	}
	if out, err := run(fixedNow, "--allow-future", "--at", "2026-11-30T07:00:00Z"); err != nil {
		t.Errorf("6 days 23 hours ahead with --allow-future: %v\n%s", err, out)
	}
}
