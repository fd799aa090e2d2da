package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The scheduler issue's console scenario: an overdue, owned target and a
// digest subscription give one digest and one DM at the fire time, and
// running the same instant again posts nothing more.
func TestRunSchedulesPostsDigestAndReminderOnce(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	setup := runConsole(t, url, "import eds\nassign eds/1.1 @amy\ndue eds/1.1 2026-11-01\ndigest here\n")
	mustContain(t, setup, "@amy", "2026-11-01", "Mon 23 Nov 2026")

	runAt := func() string {
		m, out, errOut := testMain(t, url, "")
		m.Now = func() time.Time { return fixedNow.Add(time.Hour) } // 09:00, when the schedules fire
		if err := m.Run(context.Background(), []string{"run-schedules", "--at", "2026-11-23T09:00:00Z"}); err != nil {
			t.Fatalf("run-schedules: %v\n%s", err, errOut)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	first := runAt()
	digest, dm, ok := strings.Cut(first, "── DM to @amy ──")
	if !ok || !strings.Contains(digest, "── #console ──") {
		t.Fatalf("want a digest to #console and a DM to amy, got:\n%s", first)
	}
	mustContain(t, digest, "Overdue (1)", "eds/1.1", "due 2026-11-01")
	mustContain(t, dm, "eds/1.1", "Snooze eds/1.1 a week", "Mark eds/1.1 done")

	if again := runAt(); again != "" {
		t.Errorf("a second run at the same instant posted again:\n%s", again)
	}
}

func TestRunSchedulesNeedsAValidTime(t *testing.T) {
	for _, args := range [][]string{{"run-schedules", "--at", ""}, {"run-schedules", "--at", "Monday 9am"}} {
		m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "")
		err := m.Run(context.Background(), args)
		if err == nil || !strings.Contains(err.Error(), "2026-11-23T09:00:00Z") {
			t.Errorf("%v: err = %v, want a hint with an example time", args, err)
		}
	}
}

// --at defaults to now, says what it did in one line, and refuses a time
// far ahead of the clock unless told it is meant.
func TestRunSchedulesAt(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	runConsole(t, url, "help\n") // run-schedules refuses a store that does not exist
	for _, args := range [][]string{{"run-schedules"}, {"run-schedules", "--at", "now"}} {
		m, _, errOut := testMain(t, url, "")
		if err := m.Run(context.Background(), args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if want := "run-schedules at 2026-11-23T08:00:00Z: posted 0 digests and 0 reminders; 0 due schedules run here, 0 already run by another process, 0 errors\n"; errOut.String() != want {
			t.Errorf("%v printed %q, want %q", args, errOut, want)
		}
		_ = m.Close()
	}
	m, _, _ := testMain(t, url, "")
	err := m.Run(context.Background(), []string{"run-schedules", "--at", "2026-11-23T09:00:00Z"})
	if err == nil || !strings.Contains(err.Error(), "1h0m0s ahead of the clock") || !strings.Contains(err.Error(), "--allow-future") {
		t.Errorf("an hour ahead: err = %v", err)
	}
	_ = m.Close()
	m, _, _ = testMain(t, url, "")
	if err := m.Run(context.Background(), []string{"run-schedules", "--allow-future", "--at", "2026-11-23T09:00:00Z"}); err != nil {
		t.Errorf("an hour ahead with --allow-future: %v", err)
	}
}
