package main

import (
	"testing"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// maxAllocsPerCommand is the goal for the hot path (DESIGN section 21):
// allocations per `/target update …`, from the signed request to the
// answer written, in the server's process.
const maxAllocsPerCommand = 130

// TestServeAllocsPerCommand pins the hot path's allocations per command:
// targetbot's serve handler, configured as in production (startTargetbot),
// answers signed Slack slash commands (`update eds/1.K P% on-track note`)
// against a private Redis, sent by the benchmark's load generator from a
// process of its own, so that every allocation counted here is the
// server's. Allocation counts do not depend on the machine's speed: the
// figure moves by a fraction of an allocation between runs (go-redis's and
// net/http's background work, amortised over the commands).
func TestServeAllocsPerCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("serves 2,300 commands through a private Redis")
	}
	if raceDetector {
		t.Skip("the race detector changes what allocates")
	}
	rdb := redistest.NewTCPServer(t)
	p := startTargetbot(t, rdb.URL())
	measure(t, p, rdb, 300, benchConns, 0) // warm up: connections, pools, caches
	const n = 2000
	ph := measure(t, p, rdb, n, benchConns, 0)
	per := float64(ph.mallocs) / float64(ph.res.Sent)
	t.Logf("%.1f allocations and %.0f bytes per command", per, float64(ph.bytes)/float64(ph.res.Sent))
	if per > maxAllocsPerCommand {
		t.Errorf("%.1f allocations per command, want at most %d (docs/PERFORMANCE.md says how to trace them)", per, maxAllocsPerCommand)
	}
}
