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

// NewClusterOf starts a private Redis Cluster of n masters on loopback,
// the slots split evenly between them, and returns its redis-cluster://
// URL naming every node. Unlike the one-node cluster, keys of different
// workspaces land on different processes, so anything that reads across
// workspaces must ask every master. The nodes stop when the test ends.
func NewClusterOf(tb testing.TB, n int) string {
	tb.Helper()
	addrs := make([]string, n)
	for i := range n {
		srv, port, err := startClusterNode()
		if err != nil {
			fail(tb, err)
		}
		tb.Cleanup(srv.Stop)
		addrs[i] = "127.0.0.1:" + strconv.Itoa(port)
	}
	if err := formCluster(addrs); err != nil {
		tb.Fatalf("redistest: cluster %v: %v", addrs, err)
	}
	return "redis-cluster://" + strings.Join(addrs, ",")
}

// formCluster joins the nodes, gives each an even share of the slots,
// and waits until every node reports the cluster ready.
func formCluster(addrs []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	clients := make([]*redis.Client, len(addrs))
	for i, a := range addrs {
		clients[i] = redis.NewClient(&redis.Options{Addr: a})
		defer clients[i].Close()
	}
	per := 16384 / len(addrs)
	for i, c := range clients {
		lo, hi := i*per, (i+1)*per-1
		if i == len(clients)-1 {
			hi = 16383
		}
		if err := c.ClusterAddSlotsRange(ctx, lo, hi).Err(); err != nil {
			return fmt.Errorf("add slots %d-%d to %s: %w", lo, hi, addrs[i], err)
		}
		if i > 0 {
			host, port, _ := net.SplitHostPort(addrs[0])
			if err := c.ClusterMeet(ctx, host, port).Err(); err != nil {
				return fmt.Errorf("meet: %w", err)
			}
		}
	}
	for _, c := range clients {
		for {
			info, err := c.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(addrs))) {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("cluster not ready within 20s: %v %s", err, info)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
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
