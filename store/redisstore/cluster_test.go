package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
	"github.com/targetbot/targetbot/store/storetest"
)

// TestConformanceCluster runs the whole suite through a ClusterClient
// against a real Redis Cluster node. Redis refuses any command, MULTI or
// script whose keys span slots, so this proves every key of a call
// carries the workspace's hash tag, and that writes touching the global
// workspace list keep it out of the workspace's MULTI or script.
func TestConformanceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster node")
	}
	url := redistest.NewCluster(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := redisstore.Open(context.Background(), url, &redisstore.Options{
			Prefix: redistest.Prefix(t),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatalf("Open(%s): %v", url, err)
		}
		if _, ok := s.Client().(*redis.ClusterClient); !ok {
			t.Fatalf("Open(%s) gave a %T, want a cluster client", url, s.Client())
		}
		t.Cleanup(func() { _ = s.Close() })
		return store.Checked(s)
	})
}

// TestConformanceThreeMasters runs the suite on a three-master cluster on
// loopback (DESIGN section 13): workspaces spread over three processes,
// so reads across workspaces (the scheduler's) must ask every master.
func TestConformanceThreeMasters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three cluster nodes")
	}
	url := redistest.NewClusterOf(t, 3)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := redisstore.Open(context.Background(), url, &redisstore.Options{
			Prefix: redistest.Prefix(t),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatalf("Open(%s): %v", url, err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return store.Checked(s)
	})
}
