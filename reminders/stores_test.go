package reminders

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// backend opens a fresh, empty real store whose claim expiry (where the
// store keeps its own clock) follows c.
type backend struct {
	name string
	open func(t testing.TB, c *clock) store.Store
}

var backends = []backend{
	{"bolt", openBolt},
	{"redis", openRedis},
}

func openBolt(t testing.TB, c *clock) store.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "targetbot.db"), &boltstore.Options{Now: c.now})
	if err != nil {
		t.Fatalf("open bolt: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openRedis(t testing.TB, _ *clock) store.Store {
	t.Helper()
	return openRedisStore(t)
}

func openRedisStore(t testing.TB) *redisstore.Store {
	t.Helper()
	url := redistest.Start(t)
	s, err := redisstore.Open(background(), url, &redisstore.Options{Prefix: redistest.Prefix(t), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open redis: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// forEachBackend runs fn as a subtest on every real store.
func forEachBackend(t *testing.T, fn func(t *testing.T, open func(testing.TB, *clock) store.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}
