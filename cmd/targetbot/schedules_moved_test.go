package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// runSchedulesAt runs run-schedules on storeURL (a Redis one with
// prefix) with the clock at now, and returns what it printed.
func runSchedulesAt(t *testing.T, storeURL, prefix string, now time.Time, args ...string) (string, error) {
	t.Helper()
	m, out, errOut := testMain(t, storeURL, "")
	m.RedisPrefix = prefix
	m.Now = func() time.Time { return now }
	err := m.Run(context.Background(), append([]string{"run-schedules"}, args...))
	_ = m.Close()
	return out.String() + errOut.String(), err
}

// Issue 28 goal 2: exactly once survives dump, restore and migrate. A
// workspace whose Monday digest and reminders have run is moved, by
// dump and restore into a fresh bbolt file, and by migrate to Redis and
// from Redis back to bbolt; run-schedules on each copy, in the same
// period, posts nothing, because each schedule's last run moves with
// its workspace. The next period still posts, on the copy.
func TestScheduleStateMovesWithTheWorkspace(t *testing.T) {
	dir := t.TempDir()
	from := "bolt:" + filepath.Join(dir, "from.db")
	runConsole(t, from, "import eds\nassign eds/1.1 @sam\ndue eds/1.1 2026-11-01\ndigest here\n")
	monday := fixedNow.Add(time.Hour) // Mon 23 Nov 2026 09:00, when both fire
	out, err := runSchedulesAt(t, from, "", monday.Add(time.Minute))
	if err != nil || !strings.Contains(out, "posted 1 digest and 1 reminder") {
		t.Fatalf("the first run: %v\n%s", err, out)
	}
	nothing := func(t *testing.T, what, url, prefix string) {
		t.Helper()
		out, err := runSchedulesAt(t, url, prefix, monday.Add(2*time.Minute))
		if err != nil || !strings.Contains(out, "posted 0 digests and 0 reminders") {
			t.Errorf("run-schedules after %s, in the same period: %v\n%s", what, err, out)
		}
	}

	t.Run("dump and restore", func(t *testing.T) {
		file := filepath.Join(dir, "dump.jsonl")
		mustRun(t, "", "", "dump", "--store", from, "--out", file)
		to := "bolt:" + filepath.Join(dir, "restored.db")
		mustRun(t, "", "", "restore", "--store", to, "--in", file)
		nothing(t, "a restore", to, "")
		// The next period is the copy's to post.
		out, err := runSchedulesAt(t, to, "", monday.Add(24*time.Hour+time.Minute))
		if err != nil || !strings.Contains(out, "posted 0 digests and 1 reminder") {
			t.Errorf("the next day's run on the restored copy: %v\n%s", err, out)
		}
	})

	t.Run("migrate to Redis and back to bbolt", func(t *testing.T) {
		redisURL, prefix := redistest.Start(t), redistest.Prefix(t)
		mustRun(t, prefix, "", "migrate", "--from", from, "--to", redisURL)
		nothing(t, "migrate from bbolt to Redis", redisURL, prefix)
		back := "bolt:" + filepath.Join(dir, "back.db")
		mustRun(t, prefix, "", "migrate", "--from", redisURL, "--to", back)
		nothing(t, "migrate from Redis to bbolt", back, "")
	})
}

// Issue 27 item 6: a reminder run keeps its last run, and run-schedules
// --at before it is refused unless --replay is given.
func TestRunSchedulesRefusesBeforeTheLastReminderRun(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	// Set up a fortnight before, so the replayed Friday has the target.
	m, _, errOut := testMain(t, url, "import eds\nassign eds/1.1 @sam\ndue eds/1.1 2026-11-01\n")
	m.Now = func() time.Time { return fixedNow.AddDate(0, 0, -14) }
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatalf("console: %v\n%s", err, errOut)
	}
	_ = m.Close()
	monday := fixedNow.Add(time.Hour)
	if out, err := runSchedulesAt(t, url, "", monday, "--at", "2026-11-23T09:00:00Z"); err != nil || !strings.Contains(out, "1 reminder") {
		t.Fatalf("the reminders' first run: %v\n%s", err, out)
	}
	later := monday.Add(72 * time.Hour)
	_, err := runSchedulesAt(t, url, "", later, "--at", "2026-11-20T09:00:00Z")
	if err == nil || !strings.Contains(err.Error(), "--replay") || !strings.Contains(err.Error(), "the reminders of local last ran at 2026-11-23T09:00:00Z") {
		t.Errorf("before the last reminder run: err = %v, want a refusal naming it and --replay", err)
	}
	if out, err := runSchedulesAt(t, url, "", later, "--replay", "--at", "2026-11-20T09:00:00Z"); err != nil || !strings.Contains(out, "1 reminder") {
		t.Errorf("the same with --replay: %v\n%s", err, out)
	}
	// The replay did not move the last run back.
	if _, err := runSchedulesAt(t, url, "", later, "--at", "2026-11-20T09:00:00Z"); err == nil {
		t.Errorf("after the replay, a run before the last one is accepted")
	}
}
