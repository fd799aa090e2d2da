package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// recordSession is the console session: a grade in one cycle, a
// new cycle, a grade in it; show, history and list; then a mistaken
// custom target archived out of the list and the digest, its history
// kept.
const recordSession = `import eds-2022
rate eds-2022/2B developing no policy yet
cycle start 2027/28
rate eds-2022/2B achieving
show eds-2022/2B
history eds-2022/2B
list eds-2022
add eds-2022/2 2E Staf netwrk meets monthy
digest here
digest now
archive eds-2022/2E
list eds-2022
digest now
history eds-2022/2E
`

// checkRecordSession checks what recordSession printed, reply by reply.
func checkRecordSession(t *testing.T, out string) {
	t.Helper()
	replies := strings.Split(strings.TrimRight(out, "\n"), "\n\n")
	find := func(prefix string, from int) (int, string) {
		t.Helper()
		for i := from; i < len(replies); i++ {
			if strings.HasPrefix(replies[i], prefix) {
				return i, replies[i]
			}
		}
		t.Fatalf("no reply starting %q after reply %d in:\n%s", prefix, from, out)
		return 0, ""
	}
	_, show := find("⚪ eds-2022/2B", 0)
	mustContain(t, show, "Domain: eds-2022/2 Workforce health and well-being", "Rating: 🟩 achieving (2027/28) · was 🟧 developing (2026/27)")
	_, history := find("History of eds-2022/2B", 0)
	mustContain(t, history, "(newest first, 2)", "@sam rated 🟩 achieving in 2027/28", "@sam rated 🟧 developing in 2026/27 “no policy yet”")
	if i, j := strings.Index(history, "2027/28"), strings.Index(history, "in 2026/27"); i > j {
		t.Errorf("history is not newest first:\n%s", history)
	}
	i, list := find("Outcomes of eds-2022 (11)", 0)
	mustContain(t, list, "Score eds-2022 in 2027/28: 2 of 33 so far, 🟥 undeveloped (provisional: 10 outcomes ungraded)", "In 2026/27: 1 of 33 so far, 🟥 undeveloped (provisional: 10 outcomes ungraded)")
	i, _ = find("@sam added the custom outcome eds-2022/2E", i)
	i, digest := find("── #console ──", i)
	mustContain(t, digest, "12 outcomes")
	i, archived := find("@sam archived eds-2022/2E", i)
	mustContain(t, archived, "/target history eds-2022/2E still shows its record")
	i, list = find("Outcomes of eds-2022 (11)", i)
	if strings.Contains(list, "2E") {
		t.Errorf("list still shows the archived target:\n%s", list)
	}
	i, digest = find("── #console ──", i)
	mustContain(t, digest, "11 outcomes")
	_, history = find("History of eds-2022/2E", i)
	mustContain(t, history, "archived", "@sam archived it")
}

// runRecordSession runs recordSession on a store whose clock moves a
// second each time it is read, so the two digests are two posts.
func runRecordSession(t *testing.T, storeURL, prefix string) string {
	m, out, errOut := testMain(t, storeURL, recordSession)
	m.RedisPrefix = prefix
	var ticks atomic.Int64
	m.Now = func() time.Time { return fixedNow.Add(time.Duration(ticks.Add(1)) * time.Second) }
	if err := m.Run(context.Background(), []string{"console"}); err != nil {
		t.Fatalf("console: %v\n%s", err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestRecordSessionOnBolt(t *testing.T) {
	checkRecordSession(t, runRecordSession(t, "bolt:"+filepath.Join(t.TempDir(), "targetbot.db"), ""))
}

func TestRecordSessionOnRedis(t *testing.T) {
	out := runRecordSession(t, redistest.Start(t), redistest.Prefix(t))
	checkRecordSession(t, out)
	// The stores agree to the letter.
	if bolt := runRecordSession(t, "bolt:"+filepath.Join(t.TempDir(), "targetbot.db"), ""); bolt != out {
		t.Errorf("bolt and redis differ:\nbolt:\n%s\nredis:\n%s", bolt, out)
	}
}
