package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// NewCluster starts a private one-node Redis Cluster that owns all 16384
// slots, and returns its redis-cluster:// URL. One node is enough to hold
// code to cluster rules: Redis refuses a command, MULTI block or script
// whose keys span slots even when one node serves them all. The test
// owns the node; it is stopped when the test ends. It skips the test
// when redis-server is not installed.
func NewCluster(tb testing.TB) string {
	tb.Helper()
	srv, port, err := startClusterNode()
	if err != nil {
		fail(tb, err)
	}
	tb.Cleanup(srv.Stop)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if err := assignSlots(addr); err != nil {
		tb.Fatalf("redistest: cluster node %s: %v", addr, err)
	}
	return "redis-cluster://" + addr
}

// freePort finds a TCP port p where both p and the cluster bus port
// p+10000 are free right now.
func freePort() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if p+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			continue
		}
		_ = bus.Close()
		return p, nil
	}
	return 0, fmt.Errorf("redistest: no free port pair for a cluster node")
}

func startClusterNode() (*Server, int, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, 0, errNotInstalled{err}
	}
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	dir, err := os.MkdirTemp("", "redistest-cluster")
	if err != nil {
		return nil, 0, fmt.Errorf("redistest: %w", err)
	}
	s, out, err := spawn(bin, dir, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if err := waitListening(s, "tcp", addr, out); err != nil {
		return nil, 0, err
	}
	return s, port, nil
}

// assignSlots gives the node every slot and waits until the cluster
// reports itself ready.
func assignSlots(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if err := c.ClusterAddSlotsRange(ctx, 0, 16383).Err(); err != nil {
		return fmt.Errorf("add slots: %w", err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster not ready within 10s: %v %s", err, info)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
