package boltstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
)

// A file an earlier release wrote has no next-fire index: Open indexes
// every workspace as changed, once, so the first tick reads them all.
func TestOpenIndexesAnEarlierReleasesFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range []string{"slack:T1", "slack:T2"} {
		if err := s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "C1"}); err != nil {
			t.Fatal(err)
		}
	}
	// As the earlier release left it: no index buckets.
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketNextFires, bucketNextFireOrder} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	due, err := s.DueSchedules(ctx, time.Unix(0, 0), 0, 10)
	if err != nil || len(due) != 2 || due[0].Mark >= 0 || due[1].Mark >= 0 {
		t.Fatalf("DueSchedules after reopening = %v, %v; want both workspaces marked changed", due, err)
	}
}
