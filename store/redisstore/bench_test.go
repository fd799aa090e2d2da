package redisstore_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/storetest"
)

// tripsPerOp reports the round trips the benchmark made per operation.
func tripsPerOp(b *testing.B, c *counter, before int64) {
	b.ReportMetric(float64(c.Load()-before)/float64(b.N), "trips/op")
}

func BenchmarkAppendUpdate(b *testing.B) {
	s, c := counted(b)
	before := c.Load()
	storetest.BenchmarkAppendUpdate(b, s)
	tripsPerOp(b, c, before) // includes the seeding Import: one trip in all
}

func BenchmarkChangeTarget(b *testing.B) {
	s, c := counted(b)
	storetest.BenchmarkChangeTarget(b, s, func(b *testing.B) func() {
		before := c.Load()
		return func() { tripsPerOp(b, c, before) }
	})
}

func BenchmarkAddEvidence(b *testing.B) {
	s, c := counted(b)
	before := c.Load()
	storetest.BenchmarkAddEvidence(b, s)
	tripsPerOp(b, c, before)
}

func BenchmarkTarget(b *testing.B) {
	s, c := counted(b)
	before := c.Load()
	storetest.BenchmarkTarget(b, s)
	tripsPerOp(b, c, before)
}

func BenchmarkTargets(b *testing.B) {
	storetest.BenchmarkTargets(b, open(b))
}

// BenchmarkDigestReads measures what a digest reads: every target, and
// the updates since the last digest, in a large workspace of 1,000
// targets and 100,000 updates logged a minute apart (about ten weeks),
// of which the last week's 10,080 are read. TARGETBOT_BENCH_UPDATES
// changes the total, to seed a smaller workspace quickly.
func BenchmarkDigestReads(b *testing.B) {
	ctx := context.Background()
	total := 100_000
	if v, err := strconv.Atoi(os.Getenv("TARGETBOT_BENCH_UPDATES")); err == nil && v > 0 {
		total = v
	}
	const week = 7 * 24 * 60
	s, c := counted(b)
	const ws = "bench:digest"
	if _, err := s.Import(ctx, ws, sizedFramework("big", 1000), t0); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	seedUpdates(b, s, ws, total)
	b.Logf("seeded %d updates in %v", total, time.Since(start).Round(time.Millisecond))
	since := t0.Add(time.Duration(max(0, total-week)) * time.Minute)
	want := min(total, week)

	before := c.Load()
	for b.Loop() {
		ts, err := s.Targets(ctx, ws)
		if err != nil || len(ts) != 1000 {
			b.Fatalf("Targets: %d, %v", len(ts), err)
		}
		// As a digest reads them: the newest screenful, and the count.
		us, n, err := s.UpdatesSince(ctx, ws, since, time.Time{}, digestLines)
		if err != nil || n != want || len(us) != min(want, digestLines) {
			b.Fatalf("UpdatesSince: %d of %d, %v; want %d of %d", len(us), n, err, min(want, digestLines), want)
		}
	}
	tripsPerOp(b, c, before)
	b.ReportMetric(float64(want), "updates/op")
}

// digestLines is how many updates a digest lists (reminders' maxListed).
const digestLines = 25
