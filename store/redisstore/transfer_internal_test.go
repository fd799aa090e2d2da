package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
	"github.com/targetbot/targetbot/store/storetest"
)

// Updates at one instant, as a console with a fixed clock logs them,
// still come out in the order each store made them: bolt's sequence
// numbers in numeric order, Redis ids in byte order, and every target's
// history as it is.
func TestMergeHistoriesOrder(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	u := func(id string, min int) framework.Update {
		return framework.Update{ID: id, Time: at.Add(time.Duration(min) * time.Minute)}
	}
	lists := [][]framework.Update{
		{u("9", 0), u("10", 0), u("018c0000000000020000beef", 0)},
		{u("2", 0), u("11", 0), u("12", 1)},
		{u("018c0000000000010000dead", 0), u("1", 2)}, // a history out of id order keeps its order
	}
	got := mergeHistories(lists, func(u *framework.Update) (time.Time, string) { return u.Time, u.ID })
	var ids []string
	for _, u := range got {
		ids = append(ids, u.ID)
	}
	want := []string{"2", "9", "10", "11", "018c0000000000010000dead", "018c0000000000020000beef", "12", "1"}
	if !slices.Equal(ids, want) {
		t.Fatalf("merged %q, want %q", ids, want)
	}
}

// stagedKeys lists the keys of every staging of the workspace, and the
// restores under way.
func stagedKeys(t *testing.T, s *Store, ws string) []string {
	t.Helper()
	k := s.keys(ws)
	keys, err := s.c.Keys(context.Background(), strings.ReplaceAll(string(k), "{", `\{`)+"restore*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// A restore stopped part of the way leaves the workspace as it was, and
// no staged keys behind.
func TestRestoreCancelledLeavesNothing(t *testing.T) {
	s := openInternal(t)
	ctx, cancel := context.WithCancel(context.Background())
	snap := bigSnapshot("local", 30_000, "note")
	err := s.Restore(ctx, snap, store.RestoreOptions{Progress: func(n, total int) {
		if n > 0 && n < total {
			cancel() // after the first pipeline of staged records
		}
	}})
	if err == nil {
		t.Fatal("a cancelled Restore succeeded")
	}
	if got, _ := s.Workspaces(context.Background()); len(got) != 0 {
		t.Fatalf("Workspaces after a cancelled Restore = %+v", got)
	}
	if keys := stagedKeys(t, s, "local"); len(keys) != 0 {
		t.Fatalf("a cancelled Restore left %d staged keys, such as %q", len(keys), keys[0])
	}
}

// A staging that lost a record before its commit (another restore
// removed it, Redis evicted it) is refused whole.
func TestCommitRefusesIncompleteStaging(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	snap := storetest.SampleSnapshot("local")
	s.c.AddHook(dropBeforeCommit{c: s.c, key: "ups"}) // the short histories
	err := s.Restore(ctx, snap, store.RestoreOptions{})
	if err == nil || framework.ErrorCode(err) != framework.EUNAVAILABLE || !strings.Contains(err.Error(), "TBSTAGING") {
		t.Fatalf("Restore of an incomplete staging = %v", err)
	}
	if got, _ := s.Workspaces(ctx); len(got) != 0 {
		t.Fatalf("Workspaces after a refused commit = %+v", got)
	}
	if keys := stagedKeys(t, s, "local"); len(keys) != 0 {
		t.Fatalf("a refused commit left %d staged keys, such as %q", len(keys), keys[0])
	}
}

// dropBeforeCommit deletes one staged key just before the commit script
// is sent.
type dropBeforeCommit struct {
	c   redis.UniversalClient
	key string
}

func (d dropBeforeCommit) DialHook(next redis.DialHook) redis.DialHook { return next }
func (d dropBeforeCommit) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return next
}
func (d dropBeforeCommit) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if args := c.Args(); (c.Name() == "evalsha" || c.Name() == "eval") && len(args) > 11 {
				if stage, ok := args[11].(string); ok && strings.Contains(stage, ":restore:") {
					if err := d.c.Del(ctx, stage+d.key).Err(); err != nil {
						return err
					}
				}
			}
		}
		return next(ctx, cmds)
	}
}

// A restore killed before its commit leaves its staging listed; the
// next restore of the workspace, an hour on, removes it.
func TestRestoreRemovesAbandonedStagings(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	k := s.keys("local")
	old := s.ids.next(time.Now().Add(-2 * time.Hour))
	st := &stager{ctx: ctx, p: s.c.Pipeline(), k: k.stage(old), total: 1}
	st.p.SAdd(ctx, k.restores(), old)
	if err := st.write(storetest.SampleSnapshot("local")); err != nil {
		t.Fatal(err)
	}
	recent := s.ids.next(time.Now())
	if err := s.c.SAdd(ctx, k.restores(), recent).Err(); err != nil {
		t.Fatal(err)
	}
	if len(stagedKeys(t, s, "local")) < 10 {
		t.Fatal("the abandoned staging was not written")
	}
	if err := s.Restore(ctx, storetest.SampleSnapshot("local"), store.RestoreOptions{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if keys := stagedKeys(t, s, "local"); !slices.Equal(keys, []string{k.restores()}) {
		t.Fatalf("after Restore, staged keys %q remain; want only the restores set", keys)
	}
	if tokens, _ := s.c.SMembers(ctx, k.restores()).Result(); !slices.Equal(tokens, []string{recent}) {
		t.Fatalf("restores under way = %q, want only the recent one %q", tokens, recent)
	}
}

// bigSnapshot is a workspace of one framework of 100 targets and n
// updates spread over them, each with the note given.
func bigSnapshot(ws string, n int, note string) *store.Snapshot {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{"big"}, Cycle: "2026/27", CycleStarted: at}}
	for i := range 100 {
		snap.Targets = append(snap.Targets, framework.Target{Framework: "big", Objective: fmt.Sprint(i/10 + 1),
			Code: fmt.Sprintf("%d.%d", i/10+1, i%10+1), Title: fmt.Sprintf("Target %d, %s", i+1, note), Status: framework.NotStarted, CreatedAt: at})
	}
	for i := range n {
		t := &snap.Targets[i%100]
		u := framework.Update{ID: fmt.Sprint(i + 1), Target: t.Ref(), Author: "U1", Time: at.Add(time.Duration(i) * time.Second),
			Progress: i % 101, Status: framework.OnTrack, Note: note, PrevProgress: t.Progress, PrevStatus: t.Status}
		t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		snap.Updates = append(snap.Updates, u)
	}
	return snap
}

// An export that reads a workspace's records while a restore replaces
// them reads it again, and gives the new workspace whole, not the old
// targets with the new updates.
func TestExportAcrossARestore(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	old, next := bigSnapshot("local", 500, "old"), bigSnapshot("local", 500, "new")
	if err := s.Restore(ctx, old, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	other, err := dial(redistest.Start(t), &Options{Prefix: s.prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hook := &restoreMidExport{restore: func() error {
		return other.Restore(ctx, next, store.RestoreOptions{Replace: true})
	}}
	s.c.AddHook(hook)
	snap, err := store.ExportSnapshot(ctx, s, "local")
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if d := storetest.DiffSnapshots(snap, next); d != "" {
		t.Fatalf("an export across a restore: %s", d)
	}
	if !hook.fired {
		t.Fatal("the restore never ran between the export's reads")
	}
}

// restoreMidExport runs restore once, just after the export's atomic
// read, before it checks that no restore came between that read and the
// reads that follow it (the pages of the histories, or the events).
type restoreMidExport struct {
	restore func() error
	fired   bool
}

func (h *restoreMidExport) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *restoreMidExport) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if args := cmd.Args(); !h.fired && cmd.Name() == "hget" && len(args) == 3 && args[2] == "restored" {
			h.fired = true
			if err := h.restore(); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}
func (h *restoreMidExport) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		// The paged export checks the count with each page's reads.
		for _, cmd := range cmds {
			if args := cmd.Args(); !h.fired && cmds[0].Name() != "multi" && cmd.Name() == "hget" && len(args) == 3 && args[2] == "restored" {
				h.fired = true
				if err := h.restore(); err != nil {
					return err
				}
			}
		}
		return next(ctx, cmds)
	}
}

// The due and stale indexes a restore stages, and its commit renames
// into place, are the ones the writes keep: the same members with the
// same scores as in the workspace it was exported from.
func TestRestoreStagesTheIndexes(t *testing.T) {
	ctx := context.Background()
	src, dst := openInternal(t), openInternal(t)
	storetest.Populate(t, src, "local", 3, 80)
	snap, err := store.ExportSnapshot(ctx, src, "local")
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []func(keys) string{keys.due, keys.stale} {
		want, err := src.c.ZRangeWithScores(ctx, key(src.keys("local")), 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		got, err := dst.c.ZRangeWithScores(ctx, key(dst.keys("local")), 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s after a restore = %v, want %v", key(dst.keys("local")), got, want)
		}
	}
}
