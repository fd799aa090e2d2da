package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// What a workspace costs in Redis memory, as MEMORY USAGE counts it over
// every key of the workspace: per target as imported, and per update
// logged. docs/PERFORMANCE.md gives the figures; TestMemoryBudget holds
// the layout to the goals, 300 bytes a target and 150 an update,
// at every depth of history it measures, so a change that makes records
// bigger fails.
const (
	budgetPerTarget = 300 // bytes
	budgetPerUpdate = 150 // bytes
)

// TestMemoryBudget measures 1,000 targets with 1, 10, 20 and 100 updates
// each: a history kept inline, one whose list has begun (which costs
// most), one with a few batches listed, and a deep one (history.go).
func TestMemoryBudget(t *testing.T) {
	for _, depth := range []int{1, 10, 20, 100} {
		t.Run(fmt.Sprintf("%d per target", depth), func(t *testing.T) {
			target, update := measureMemory(t, 1000, 1000*depth)
			t.Logf("%.0f bytes per target, %.0f bytes per update", target, update)
			if target > budgetPerTarget {
				t.Errorf("a target takes %.0f bytes of Redis memory, over the budget of %d: see docs/PERFORMANCE.md", target, budgetPerTarget)
			}
			if update > budgetPerUpdate {
				t.Errorf("an update takes %.0f bytes of Redis memory at %d per target, over the budget of %d: see docs/PERFORMANCE.md", update, depth, budgetPerUpdate)
			}
		})
	}
}

// BenchmarkMemory reports the bytes per target and per update for 1,000
// targets and 100,000 updates. The figures do not depend on b.N, so they
// are measured once per process, however many times the benchmark runs
// (make bench runs it with -benchtime 2000x).
func BenchmarkMemory(b *testing.B) {
	memoryOnce.Do(func() { memoryTarget, memoryUpdate = measureMemory(b, 1000, 100000) })
	b.ReportMetric(memoryTarget, "B/target")
	b.ReportMetric(memoryUpdate, "B/update")
}

var (
	memoryOnce                 sync.Once
	memoryTarget, memoryUpdate float64
)

// memoryNote is a typical note: a sentence.
const memoryNote = "Held two listening events with the staff networks"

// measureMemory imports targets targets into a fresh Redis through the
// store, with the production key prefix and titles of a real framework's
// length, then logs updates updates across them from ten authors, and
// returns the bytes the workspace's keys take per target (before any
// update) and per update (what the updates added, over their number).
func measureMemory(tb testing.TB, targets, updates int) (perTarget, perUpdate float64) {
	tb.Helper()
	_, afterImport, afterUpdates := loggedWorkspace(tb, targets, updates)
	return float64(afterImport) / float64(targets), float64(afterUpdates-afterImport) / float64(updates)
}

// memoryWorkspace is the workspace measureMemory fills.
const memoryWorkspace = "slack:T0123ABCD"

// loggedWorkspace fills memoryWorkspace as measureMemory describes, and
// returns its store and the bytes its keys take after the import and
// after the updates.
func loggedWorkspace(tb testing.TB, targets, updates int) (s *redisstore.Store, afterImport, afterUpdates int64) {
	tb.Helper()
	ctx := context.Background()
	srv := redistest.NewServer(tb) // private: the default prefix, and nothing else in it
	s, err := redisstore.Open(ctx, srv.URL(), &redisstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	const ws = memoryWorkspace
	fw := memoryFramework(targets)
	if _, err := s.Import(ctx, ws, fw, time.Now()); err != nil {
		tb.Fatal(err)
	}
	afterImport = workspaceBytes(tb, s.Client())

	refs := fw.Targets()
	start := time.Now().Add(-time.Duration(updates) * time.Second)
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < updates; i += writers {
				u := framework.Update{
					Target: refs[i%len(refs)].Ref(), Author: fmt.Sprintf("U0%07d", i%10), Time: start.Add(time.Duration(i) * time.Second),
					Progress: i % 101, Status: framework.OnTrack, Note: memoryNote,
				}
				if _, _, err := s.AppendUpdate(ctx, ws, u, store.Once{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	return s, afterImport, workspaceBytes(tb, s.Client())
}

// memoryFramework has n targets whose titles are as long as the built-in
// frameworks' (about 90 characters), ten to an objective.
func memoryFramework(n int) *framework.Framework {
	fw := &framework.Framework{ID: "mem", Name: "Memory"}
	for i := range n {
		obj := fmt.Sprint(i/10 + 1)
		if i%10 == 0 {
			fw.Objectives = append(fw.Objectives, framework.Objective{Code: obj, Title: "Objective " + obj})
		}
		o := &fw.Objectives[len(fw.Objectives)-1]
		title := fmt.Sprintf("Target %d: services are commissioned, designed and procured to meet local health needs", i+1)
		o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%s.%d", obj, i%10+1), Title: title})
	}
	return fw
}

// workspaceBytes sums MEMORY USAGE, exactly (SAMPLES 0), over every key.
func workspaceBytes(tb testing.TB, c redis.UniversalClient) int64 {
	tb.Helper()
	ctx := context.Background()
	var keys []string
	iter := c.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	var total int64
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 1000)]
		keys = keys[len(batch):]
		cmds, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range batch {
				p.MemoryUsage(ctx, k, 0)
			}
			return nil
		})
		if err != nil && !strings.Contains(err.Error(), "nil") {
			tb.Fatal(err)
		}
		for _, cmd := range cmds {
			n, _ := cmd.(*redis.IntCmd).Result()
			total += n
		}
	}
	return total
}
