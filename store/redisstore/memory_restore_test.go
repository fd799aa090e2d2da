package redisstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/store"
)

// TestMemoryBudgetRestored holds a workspace restored from a stream of
// records (RestoreRecords: migrate, and the CLI's restore) to the
// budget TestMemoryBudget holds the logged one to: the restore repacks
// each short history inline, as the updates left it, rather than
// leaving it on a list of its own. It reads back the same, and the
// repack's round trips grow with the targets, not with their records.
func TestMemoryBudgetRestored(t *testing.T) {
	for _, depth := range []int{1, 10, 20} {
		t.Run(fmt.Sprintf("%d per target", depth), func(t *testing.T) {
			ctx := context.Background()
			const targets = 1000
			s, afterImport, logged := loggedWorkspace(t, targets, targets*depth)
			recs := exportRecords(t, s, memoryWorkspace)
			stream := func(fn func(store.Record) error) error {
				for _, r := range recs {
					if err := fn(r); err != nil {
						return err
					}
				}
				return nil
			}
			trips := &repackTrips{}
			s.AddHook(trips)
			if err := s.RestoreRecords(ctx, memoryWorkspace, stream, store.RestoreOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			restored := workspaceBytes(t, s.Client())
			update := float64(restored-afterImport) / float64(targets*depth)
			t.Logf("%.0f bytes per update restored (%.0f logged); the repack took %d round trips",
				update, float64(logged-afterImport)/float64(targets*depth), trips.n)
			if update > budgetPerUpdate {
				t.Errorf("an update restored from a stream takes %.0f bytes of Redis memory at %d per target, over the budget of %d: see docs/PERFORMANCE.md", update, depth, budgetPerUpdate)
			}
			if want := targets/256 + 2; trips.n > want {
				t.Errorf("the repack of %d targets took %d round trips, want at most %d", targets, trips.n, want)
			}
			if !sameTally(t, recs, exportRecords(t, s, memoryWorkspace)) {
				t.Error("the restored workspace exports other records than it was restored from")
			}
		})
	}
}

// exportRecords is the workspace's export, held.
func exportRecords(t *testing.T, s store.Transfer, ws string) []store.Record {
	t.Helper()
	var recs []store.Record
	if err := s.Export(context.Background(), ws, func(r store.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return recs
}

// sameTally reports whether a and b tally the same (store.Tally.Same).
func sameTally(t *testing.T, a, b []store.Record) bool {
	t.Helper()
	tally := func(recs []store.Record) store.Tally {
		tl := store.NewTallier()
		for i := range recs {
			if err := tl.Add(&recs[i]); err != nil {
				t.Fatal(err)
			}
		}
		return tl.Tally()
	}
	x, y := tally(a), tally(b)
	return x.Same(&y)
}

// repackTrips is a go-redis hook that counts the pipelines that read or
// write a history's shape (LLEN, LTRIM, HDEL): the staging writes none
// of them, so these are the repack's round trips.
type repackTrips struct{ n int }

func (h *repackTrips) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *repackTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *repackTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if slices.ContainsFunc(cmds, func(c redis.Cmder) bool { n := c.Name(); return n == "llen" || n == "ltrim" || n == "hdel" }) {
			h.n++
		}
		return next(ctx, cmds)
	}
}
