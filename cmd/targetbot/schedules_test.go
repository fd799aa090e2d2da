package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
	for _, args := range [][]string{{"run-schedules"}, {"run-schedules", "--at", "Monday 9am"}} {
		m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "")
		err := m.Run(context.Background(), args)
		if err == nil || !strings.Contains(err.Error(), "2026-11-23T09:00:00Z") {
			t.Errorf("%v: err = %v, want a hint with an example time", args, err)
		}
	}
}
