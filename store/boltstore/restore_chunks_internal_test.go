package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/storetest"
)

// chunkedSnapshot is a workspace of 10 targets and n updates.
func chunkedSnapshot(ws, note string, n int) *store.Snapshot {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{"big"}}}
	for i := range 10 {
		snap.Targets = append(snap.Targets, framework.Target{Framework: "big", Objective: "1", Code: fmt.Sprintf("1.%d", i+1),
			Title: note, Status: framework.NotStarted, CreatedAt: at})
	}
	for i := range n {
		t := &snap.Targets[i%10]
		u := framework.Update{ID: fmt.Sprint(i + 1), Target: t.Ref(), Author: "U1", Time: at.Add(time.Duration(i) * time.Second),
			Progress: i % 101, Status: framework.OnTrack, Note: note, PrevProgress: t.Progress, PrevStatus: t.Status}
		t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		snap.Updates = append(snap.Updates, u)
	}
	return snap
}

// stagings counts the staging buckets at the root.
func stagings(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if bytes.HasPrefix(name, []byte(stagingPrefix)) {
				n++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A restore written in several transactions that fails after some have
// committed leaves the workspace as it was, and no staging; one killed
// part of the way leaves a staging that the next Open removes.
func TestRestoreInChunks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "targetbot.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	old, next := chunkedSnapshot("local", "old", 100), chunkedSnapshot("local", "new", 3*restoreChunk)
	if err := s.Restore(ctx, old, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	err = s.Restore(cctx, next, store.RestoreOptions{Replace: true, Progress: func(n, _ int) {
		if n > 2*restoreChunk {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a restore cancelled after two chunks: %v", err)
	}
	got, err := store.ExportSnapshot(ctx, s, "local")
	if err != nil {
		t.Fatal(err)
	}
	if d := storetest.DiffSnapshots(got, old); d != "" {
		t.Fatalf("a failed restore changed the workspace: %s", d)
	}
	if n := stagings(t, s); n != 0 {
		t.Fatalf("a failed restore left %d stagings", n)
	}
	if err := s.Restore(ctx, next, store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if got, err = store.ExportSnapshot(ctx, s, "local"); err != nil {
		t.Fatal(err)
	}
	if d := storetest.DiffSnapshots(got, next); d != "" {
		t.Fatalf("a restore in chunks: %s", d)
	}
	// A killed restore's staging, as it would be left.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(stagingPrefix + "local:9"))
		if err != nil {
			return err
		}
		_, err = b.CreateBucket([]byte(wsPrefix + "local"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if s, err = Open(path, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := stagings(t, s); n != 0 {
		t.Fatalf("Open left %d stagings of killed restores", n)
	}
	if ws, err := s.Workspaces(ctx); err != nil || len(ws) != 1 {
		t.Fatalf("Workspaces = %v, %v", ws, err)
	}
}
