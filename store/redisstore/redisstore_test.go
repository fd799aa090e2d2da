package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
	"github.com/targetbot/targetbot/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// open returns a Store on the test Redis under a prefix no other test
// uses, closed when t ends. Keys are left behind: the server may be
// shared (TARGETBOT_TEST_REDIS), so tests never flush it.
func open(t testing.TB) *redisstore.Store {
	t.Helper()
	url := redistest.Start(t)
	s, err := redisstore.Open(context.Background(), url, &redisstore.Options{
		Prefix: redistest.Prefix(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("Open(%s): %v", url, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.Checked(open(t)) })
}
