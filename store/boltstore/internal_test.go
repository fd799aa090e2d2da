package boltstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// keys counts the keys of a bucket, found by following path from the root.
func keys(t *testing.T, s *Store, path ...string) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(path[0]))
		for _, p := range path[1:] {
			b = b.Bucket([]byte(p))
		}
		n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Claims are keyed per fire time, so they would pile up for ever unless
// expired ones are swept as new ones are taken.
func TestExpiredClaimsAreSwept(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := Open(filepath.Join(t.TempDir(), "t.db"), &Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 100 {
		if ok, err := s.Claim(ctx, "local", fmt.Sprintf("digest:%d", i), time.Hour); err != nil || !ok {
			t.Fatalf("Claim %d = %v, %v", i, ok, err)
		}
	}
	if n := keys(t, s, "claims"); n != 100 {
		t.Fatalf("%d claims stored, want 100", n)
	}
	now = now.Add(2 * time.Hour)
	for i := range 3 {
		if ok, err := s.Claim(ctx, "local", fmt.Sprintf("later:%d", i), time.Hour); err != nil || !ok {
			t.Fatalf("later Claim = %v, %v", ok, err)
		}
	}
	// 64 swept per call: three calls clear the 100 expired ones.
	if n, m := keys(t, s, "claims"), keys(t, s, "claim-expiry"); n != 3 || m != 3 {
		t.Fatalf("after expiry: %d claims, %d expiry entries; want only the 3 live ones", n, m)
	}
}

// UpdatesSince walks the time index; a withdraw must take its update out
// so that the walk costs what it returns.
func TestWithdrawLeavesTimeIndex(t *testing.T) {
	ctx := context.Background()
	s, now := oneTarget(t)
	u, _, err := s.AppendUpdate(ctx, "local", framework.Update{Target: "eqs/1.1", Author: "U1", Time: now, Progress: 5}, store.Once{})
	if err != nil {
		t.Fatal(err)
	}
	if n := keys(t, s, "ws:local", "by-time"); n != 1 {
		t.Fatalf("by-time has %d keys, want 1", n)
	}
	if _, _, err := s.Withdraw(ctx, "local", u.ID, now); err != nil {
		t.Fatal(err)
	}
	if n := keys(t, s, "ws:local", "by-time"); n != 0 {
		t.Fatalf("by-time has %d keys after withdraw, want 0", n)
	}
	if n := keys(t, s, "ws:local", "updates"); n != 1 {
		t.Fatalf("updates has %d records after withdraw, want the 1 kept in history", n)
	}
}

// An index entry whose target has gone is damage to the file, and Due and
// Stale must say so (EINTERNAL) rather than blame the caller (ENOTFOUND).
func TestDanglingIndexEntryIsInternal(t *testing.T) {
	ctx := context.Background()
	s, now := oneTarget(t)
	for _, ch := range []framework.Change{{Kind: framework.EventDue, Due: "2026-04-01"}, {Kind: framework.EventAssign, Owner: "U1"}} {
		if _, _, err := s.ChangeTarget(ctx, "local", "eqs/1.1", ch); err != nil {
			t.Fatal(err)
		}
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("ws:local")).Bucket(bTargets).Delete([]byte("eqs/1.1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Due(ctx, "local", "", "2099-12-31"); framework.ErrorCode(err) != framework.EINTERNAL {
		t.Fatalf("Due over a dangling entry: %v, want EINTERNAL", err)
	}
	if _, err := s.Stale(ctx, "local", now.Add(time.Hour)); framework.ErrorCode(err) != framework.EINTERNAL {
		t.Fatalf("Stale over a dangling entry: %v, want EINTERNAL", err)
	}
}

// A file written before events, evidence and cycles existed lacks their
// buckets; Open adds them, so it reads as a workspace with none.
func TestOpenUpgradesOlderFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	fw := &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{
		{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}}},
	}}
	if _, err := s.Import(ctx, "local", fw, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket([]byte("ws:local"))
		for _, b := range [][]byte{bEvents, bTargetEvents, bEvidence, bCycles, bEvidenceURLs} {
			if err := root.DeleteBucket(b); err != nil {
				return err
			}
		}
		return root.Bucket(bMeta).Delete(keyCycle)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path, nil); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if w, err := s.Workspace(ctx, "local"); err != nil || w.Cycle != "" || len(w.PastCycles) != 0 {
		t.Fatalf("Workspace of an older file = %+v, %v", w, err)
	}
	if es, err := s.Events(ctx, "local", "eqs/1.1", 0); err != nil || len(es) != 0 {
		t.Fatalf("Events of an older file = %+v, %v", es, err)
	}
	if evs, err := s.Evidence(ctx, "local", ""); err != nil || len(evs) != 0 {
		t.Fatalf("Evidence of an older file = %+v, %v", evs, err)
	}
	_, e, err := s.ChangeTarget(ctx, "local", "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving, Time: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)})
	if err != nil || e.Cycle != "2026/27" {
		t.Fatalf("first rate in an older file = %+v, %v; want it to pin the cycle of its time", e, err)
	}
}

// oneTarget is a store whose workspace "local" has imported one target,
// eqs/1.1, at the time it returns. The store closes when the test ends.
func oneTarget(t *testing.T) (*Store, time.Time) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	fw := &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{
		{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}}},
	}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if _, err := s.Import(context.Background(), "local", fw, now); err != nil {
		t.Fatal(err)
	}
	return s, now
}
