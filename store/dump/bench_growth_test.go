package dump

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// growthSizes are the workspaces the growth benchmarks move: 1,000
// targets and 10,000, 100,000 and 400,000 updates.
var growthSizes = []int{10_000, 100_000, 400_000}

// BenchmarkGrowthRestore restores a dump of one workspace of each size
// into Redis with RestoreFrom, which reads the file twice (check, then
// write) and holds one workspace at a time. It reports the peak heap
// above the start (peak-heap-MB), the time (restore-ms) and the longest
// commit script (commit-script-ms), the one call that blocks Redis.
func BenchmarkGrowthRestore(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprintf("updates=%d", n), func(b *testing.B) {
			heavy(b)
			ctx := context.Background()
			path, _ := dumpFileOf(b, 1, 1000, n)
			srv := redistest.NewServer(b)
			raw := redistest.Client(b, srv.URL())
			var peak uint64
			var took, commits time.Duration
			for range b.N {
				if err := raw.FlushAll(ctx).Err(); err != nil {
					b.Fatal(err)
				}
				dst := openRedisAt(b, srv.URL())
				commit := &commitTimer{}
				dst.AddHook(commit)
				start := time.Now()
				peak = max(peak, peakHeap(b, func() error {
					_, err := RestoreFrom(ctx, dst, opener(path), Options{})
					return err
				}))
				took += time.Since(start)
				commits = max(commits, commit.took())
				_ = dst.Close()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "restore-ms")
			b.ReportMetric(float64(commits.Microseconds())/1000, "commit-script-ms")
		})
	}
}

// BenchmarkGrowthMigrate moves one workspace of each size from bbolt to
// Redis, and back to a new bbolt file, with Migrate (export, restore,
// read back and compare), and reports the peak heap above the start of
// each way.
func BenchmarkGrowthMigrate(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprintf("updates=%d", n), func(b *testing.B) {
			heavy(b)
			ctx := context.Background()
			srv := redistest.NewServer(b)
			raw := redistest.Client(b, srv.URL())
			src, err := boltstore.Open(filepath.Join(b.TempDir(), "targetbot.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			if err := src.Restore(ctx, sizedWorkspace("slack:T1", 1000, n), store.RestoreOptions{}); err != nil {
				b.Fatal(err)
			}
			var toRedis, toBolt uint64
			for range b.N {
				if err := raw.FlushAll(ctx).Err(); err != nil {
					b.Fatal(err)
				}
				dst := openRedisAt(b, srv.URL())
				toRedis = max(toRedis, peakHeap(b, func() error {
					_, err := Migrate(ctx, src, dst, Options{})
					return err
				}))
				back, err := boltstore.Open(filepath.Join(b.TempDir(), "back.db"), nil)
				if err != nil {
					b.Fatal(err)
				}
				toBolt = max(toBolt, peakHeap(b, func() error {
					_, err := Migrate(ctx, dst, back, Options{})
					return err
				}))
				_ = back.Close()
				_ = dst.Close()
			}
			b.ReportMetric(float64(toRedis)/(1<<20), "to-redis-peak-heap-MB")
			b.ReportMetric(float64(toBolt)/(1<<20), "to-bolt-peak-heap-MB")
		})
	}
}
