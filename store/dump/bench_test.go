package dump

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// BenchmarkMigrate moves a workspace of 1,000 targets and 100,000
// updates from bbolt to Redis with Migrate: export, restore (staged in
// pipelines, committed by one script), read back and compare. Each
// iteration also times, on the same server, the floor: the same records
// as raw pipelined HSETs, 10,000 to a pipeline, as redis-benchmark -P
// would send them. Absolute times on a shared machine are noise; the
// ratio to the floor is the figure docs/PERFORMANCE.md keeps. The
// server is private to the benchmark, which flushes it between runs.
func BenchmarkMigrate(b *testing.B) {
	heavy(b)
	ctx := context.Background()
	srv := redistest.NewServer(b)
	snap := sizedWorkspace("slack:T1", 1000, 100_000)
	bolt, err := boltstore.Open(filepath.Join(b.TempDir(), "targetbot.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bolt.Close()
	if err := bolt.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		b.Fatal(err)
	}
	raw := redistest.Client(b, srv.URL())
	commit := &commitTimer{}
	var floor, migrate, commits time.Duration
	steps := map[string]time.Duration{}
	for range b.N {
		if err := raw.FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := rawHSets(ctx, raw, snap); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(start)
		if err := raw.FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}

		dst := openRedisAt(b, srv.URL())
		dst.AddHook(commit)
		step, stepStart := "", time.Time{}
		start = time.Now()
		_, err := Migrate(ctx, bolt, dst, Options{Progress: func(p Progress) {
			if p.Step != step {
				now := time.Now()
				if step != "" {
					steps[step] += now.Sub(stepStart)
				}
				step, stepStart = p.Step, now
			}
		}})
		migrate += time.Since(start)
		steps[step] += time.Since(stepStart)
		if err != nil {
			b.Fatal(err)
		}
		commits += commit.took()
		_ = dst.Close()
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / n }
	b.ReportMetric(ms(migrate), "migrate-ms")
	b.ReportMetric(ms(floor), "hset-floor-ms")
	b.ReportMetric(float64(migrate)/float64(floor), "x-floor")
	for _, s := range []string{"dump", "restore", "verify"} {
		b.ReportMetric(ms(steps[s]), s+"-ms")
	}
	b.ReportMetric(ms(commits), "commit-script-ms")
	b.ReportMetric(float64(commit.trips.Load())/n, "redis-round-trips")
}

// heavy skips a run of a move of 100,000 updates asked to repeat it more
// than ten times: make bench's -benchtime=2000x is meant for the
// microsecond operations beside it, and would take hours here.
func heavy(b *testing.B) {
	if b.N > 10 {
		b.Skipf("%d moves of 100,000 updates would take hours: run go test -run '^$' -bench Migrate -benchtime 3x ./store/dump", b.N)
	}
}

// rawHSets writes the snapshot's targets and updates as bare hashes, as
// many fields each as the store writes, in pipelines of 10,000.
func rawHSets(ctx context.Context, c *redis.Client, snap *store.Snapshot) error {
	p := c.Pipeline()
	flush := func() error {
		_, err := p.Exec(ctx)
		return err
	}
	for _, t := range snap.Targets {
		p.HSet(ctx, "floor:t:"+t.Ref(), "framework", t.Framework, "objective", t.Objective, "code", t.Code, "title", t.Title,
			"status", string(t.Status), "progress", strconv.Itoa(t.Progress), "last_update", t.LastUpdate,
			"updated_at", t.UpdatedAt.Format(time.RFC3339Nano), "created_at", t.CreatedAt.Format(time.RFC3339Nano))
	}
	for i, u := range snap.Updates {
		p.HSet(ctx, "floor:u:"+u.ID, "id", u.ID, "target", u.Target, "author", u.Author, "time", u.Time.Format(time.RFC3339Nano),
			"progress", strconv.Itoa(u.Progress), "status", string(u.Status), "note", u.Note,
			"prev_progress", strconv.Itoa(u.PrevProgress), "prev_status", string(u.PrevStatus))
		if (i+1)%10_000 == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// commitTimer times the restore's commit script (how long Redis runs
// it), and counts round trips to Redis: each command sent alone, and
// each pipeline.
type commitTimer struct {
	mu    sync.Mutex
	d     time.Duration
	trips atomic.Int64
}

func (c *commitTimer) took() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.d
	c.d = 0
	return d
}

func (c *commitTimer) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *commitTimer) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n != "hello" && n != "client" { // a new connection's handshake
			c.trips.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *commitTimer) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.trips.Add(1)
		start := time.Now()
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if args := cmd.Args(); len(args) > 11 && (cmd.Name() == "evalsha" || cmd.Name() == "eval") && strings.Contains(fmt.Sprint(args[11]), ":restore:") {
				c.mu.Lock()
				c.d += time.Since(start)
				c.mu.Unlock()
			}
		}
		return err
	}
}

// sizedWorkspace is a workspace of one framework of n targets and m
// updates spread over them, a note each, as a busy team's would be.
func sizedWorkspace(ws string, n, m int) *store.Snapshot {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{"big"}, Cycle: "2026/27", CycleStarted: at}}
	for i := range n {
		snap.Targets = append(snap.Targets, framework.Target{Framework: "big", Objective: strconv.Itoa(i/10 + 1),
			Code: fmt.Sprintf("%d.%d", i/10+1, i%10+1), Title: fmt.Sprintf("Target %d of the sized framework", i+1),
			Owner: "U" + strconv.Itoa(i%7), Status: framework.NotStarted, CreatedAt: at})
	}
	for i := range m {
		t := &snap.Targets[i%n]
		u := framework.Update{ID: strconv.Itoa(i + 1), Target: t.Ref(), Author: "U" + strconv.Itoa(i%7), Time: at.Add(time.Duration(i) * time.Minute),
			Progress: i % 101, Status: framework.OnTrack, Note: "Held two listening events with the staff network",
			PrevProgress: t.Progress, PrevStatus: t.Status}
		t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		snap.Updates = append(snap.Updates, u)
	}
	return snap
}

// BenchmarkMigrateToBolt moves the same workspace back, from Redis to a
// new bbolt file: one transaction, whose indexes go in in key order.
func BenchmarkMigrateToBolt(b *testing.B) {
	heavy(b)
	ctx := context.Background()
	srv := redistest.NewServer(b)
	src := openRedisAt(b, srv.URL())
	if err := src.Restore(ctx, sizedWorkspace("slack:T1", 1000, 100_000), store.RestoreOptions{}); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		dst, err := boltstore.Open(filepath.Join(b.TempDir(), "targetbot.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Migrate(ctx, src, dst, Options{}); err != nil {
			b.Fatal(err)
		}
		_ = dst.Close()
	}
}
