package redistest_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

func ping(t *testing.T, url string) error {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("ParseURL(%s): %v", url, err)
	}
	o.MaxRetries, o.DialerRetries = -1, 1
	c := redis.NewClient(o)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

func TestStartSharesOneServer(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	if a != b {
		t.Fatalf("Start gave %s then %s, want one shared server", a, b)
	}
	if err := ping(t, a); err != nil {
		t.Fatalf("PING %s: %v", a, err)
	}
}

func TestNewServerStops(t *testing.T) {
	srv := redistest.NewServer(t)
	if srv.URL() == redistest.Start(t) && os.Getenv(redistest.EnvURL) == "" {
		t.Fatal("NewServer returned the shared server")
	}
	if err := ping(t, srv.URL()); err != nil {
		t.Fatalf("PING: %v", err)
	}
	srv.Stop()
	srv.Stop() // twice is fine
	if err := ping(t, srv.URL()); err == nil {
		t.Fatal("PING after Stop succeeded")
	}
}

func TestPrefixIsUniqueAndTagSafe(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := redistest.Prefix(t)
		if seen[p] {
			t.Fatalf("Prefix repeated %q", p)
		}
		seen[p] = true
		if strings.ContainsAny(p, "{} ") {
			t.Fatalf("Prefix %q holds a brace or space", p)
		}
	}
}

func TestNewCluster(t *testing.T) {
	url := redistest.NewCluster(t)
	o, err := redis.ParseClusterURL(strings.Replace(url, "redis-cluster://", "redis://", 1))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClusterClient(o)
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "{a}x", "1", 0).Err(); err != nil {
		t.Fatalf("SET through the cluster: %v", err)
	}
	// A multi-key command across slots must be refused, as in production.
	if err := c.Do(ctx, "MSET", "x", "1", "y", "2").Err(); err == nil {
		t.Fatal("cross-slot MSET succeeded: the node is not enforcing cluster rules")
	}
}
