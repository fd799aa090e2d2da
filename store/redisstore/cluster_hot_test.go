package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// hotServer is one Redis the hot path's cost is compared on: a URL for
// the store and a plain client of the server itself, for INFO.
type hotServer struct {
	name string
	url  string
	node *redis.Client
}

// hotServers starts a standalone Redis and a one-master Redis Cluster,
// both on loopback TCP.
func hotServers(tb testing.TB) []hotServer {
	tb.Helper()
	single := redistest.NewTCPServer(tb)
	cluster := redistest.NewCluster(tb)
	node := func(url string) *redis.Client {
		o, err := redis.ParseURL(url)
		if err != nil {
			tb.Fatal(err)
		}
		c := redis.NewClient(o)
		tb.Cleanup(func() { _ = c.Close() })
		return c
	}
	return []hotServer{
		{"standalone", single.URL(), node(single.URL())},
		{"cluster", cluster, node("redis://" + strings.TrimPrefix(cluster, "redis-cluster://"))},
	}
}

// openHot opens a store on url with one workspace of n targets
// (eqs/1 … eqs/n) to update.
func openHot(tb testing.TB, url string, n int) *redisstore.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := redisstore.Open(ctx, url, &redisstore.Options{Prefix: redistest.Prefix(tb), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	o := framework.Objective{Code: "1", Title: "O"}
	for i := 1; i <= n; i++ {
		o.Targets = append(o.Targets, framework.TargetSpec{Code: strconv.Itoa(i), Title: "T"})
	}
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{o}}
	if _, err := s.Import(ctx, "slack:T1", fw, time.Now()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// hotUpdate logs update i, with its replay claim, as a command does.
func hotUpdate(tb testing.TB, s *redisstore.Store, target, i int) {
	u := framework.Update{Target: "eqs/" + strconv.Itoa(target), Author: "U1", Progress: i%100 + 1, Note: "a note"}
	once := store.Once{Key: "once:k" + strconv.Itoa(i) + "-" + strconv.FormatInt(time.Now().UnixNano(), 10), TTL: time.Minute}
	if _, _, err := s.AppendUpdate(context.Background(), "slack:T1", u, once); err != nil {
		tb.Fatalf("update %d: %v", i, err)
	}
}

// commandStats reads INFO commandstats: calls per command.
func commandStats(tb testing.TB, c *redis.Client) map[string]int {
	tb.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		tb.Fatal(err)
	}
	calls := map[string]int{}
	for _, line := range strings.Split(info, "\r\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":calls=")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		n, _, _ := strings.Cut(rest, ",")
		calls[name] = atoi(n)
	}
	return calls
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestClusterUpdateCostsWhatStandaloneDoes: on a one-master Redis
// Cluster an update is one call, FCALL of the update's function (loaded
// on every master), and Redis runs the same commands per update as a
// standalone Redis (INFO commandstats, less the INFO and CONFIG the test
// sends itself).
func TestClusterUpdateCostsWhatStandaloneDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster node")
	}
	const n = 20
	per := map[string]map[string]int{}
	for _, srv := range hotServers(t) {
		s := openHot(t, srv.url, 1)
		hotUpdate(t, s, 1, 0) // the first call may connect, load the slot map
		if err := srv.node.ConfigResetStat(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= n; i++ {
			hotUpdate(t, s, 1, i)
		}
		stats := commandStats(t, srv.node)
		delete(stats, "info")
		delete(stats, "config|resetstat")
		delete(stats, "config")
		per[srv.name] = stats
		if got := stats["fcall"]; got != n {
			t.Errorf("%s: %d updates made %d FCALLs (all commands: %v), want one each", srv.name, n, got, stats)
		}
	}
	t.Logf("commands for %d updates: %v", n, per)
	if !maps.Equal(per["standalone"], per["cluster"]) {
		t.Errorf("commands for %d updates: standalone %v, cluster %v", n, per["standalone"], per["cluster"])
	}
}

// TestClusterReloadsFunctionsItLost: a master that has not the update's
// library (as a replica promoted after a failover may not, or a master
// restarted without persistence) gets it again on the first update that
// finds it missing, and that update is applied once.
func TestClusterReloadsFunctionsItLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster node")
	}
	ctx := context.Background()
	url := redistest.NewCluster(t)
	node := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(url, "redis-cluster://")})
	t.Cleanup(func() { _ = node.Close() })
	s := openHot(t, url, 1)
	hotUpdate(t, s, 1, 1)
	if err := node.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := node.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	hotUpdate(t, s, 1, 2)
	stats := commandStats(t, node)
	if stats["fcall"] != 2 || stats["function|load"] != 1 {
		t.Errorf("an update after the functions were flushed sent %v, want fcall twice (refused, then run) and function|load once", stats)
	}
	ups, err := s.Updates(ctx, "slack:T1", "eqs/1", 0)
	if err != nil || len(ups) != 2 {
		t.Fatalf("updates after the reload: %d, %v; want 2", len(ups), err)
	}
	hotUpdate(t, s, 1, 3)
	if stats := commandStats(t, node); stats["function|load"] != 1 {
		t.Errorf("the library was loaded again after it was back: %v", stats)
	}
}

// redisCPU is a Redis server's CPU time so far (INFO cpu).
func redisCPU(tb testing.TB, c *redis.Client) time.Duration {
	tb.Helper()
	info, err := c.Info(context.Background(), "cpu").Result()
	if err != nil {
		tb.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\r\n") {
		for _, f := range []string{"used_cpu_user:", "used_cpu_sys:"} {
			if v, ok := strings.CutPrefix(line, f); ok {
				x, _ := strconv.ParseFloat(v, 64)
				total += x
			}
		}
	}
	return time.Duration(total * float64(time.Second))
}

// processCPU is this process's CPU time so far, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkClusterUpdateCPU measures the CPU an update costs the bot
// (this process) and Redis on a one-master Redis Cluster and on a
// standalone Redis, in turn, in one run, both on loopback TCP: b.N
// updates of 100 targets from 16 goroutines at once, as concurrent
// commands arrive. It reports each one's CPU per update and the
// cluster's as a ratio of standalone's (the goal: at most 1.3×, bot and
// Redis each; docs/PERFORMANCE.md). Two rounds each, alternating.
//
//	go test -run '^$' -bench ClusterUpdateCPU -benchtime 5000x ./store/redisstore
func BenchmarkClusterUpdateCPU(b *testing.B) {
	const conns, targets, rounds = 16, 100, 2
	servers := hotServers(b)
	stores := make([]*redisstore.Store, len(servers))
	for i, srv := range servers {
		stores[i] = openHot(b, srv.url, targets)
	}
	run := func(s *redisstore.Store, n, from int) {
		var wg sync.WaitGroup
		for w := range conns {
			wg.Go(func() {
				for i := w; i < n; i += conns {
					hotUpdate(b, s, i%targets+1, from+i)
				}
			})
		}
		wg.Wait()
	}
	for i := range servers {
		run(stores[i], min(b.N, 500), 0) // warm up
	}
	bot := make([]time.Duration, len(servers))
	rds := make([]time.Duration, len(servers))
	b.ResetTimer()
	for r := range rounds {
		for i, srv := range servers {
			c0, r0 := processCPU(), redisCPU(b, srv.node)
			run(stores[i], b.N, (r+1)*b.N)
			bot[i] += processCPU() - c0
			rds[i] += redisCPU(b, srv.node) - r0
		}
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(rounds*b.N) }
	for i, srv := range servers {
		b.ReportMetric(per(bot[i]), srv.name+"-bot-cpu-µs/update")
		b.ReportMetric(per(rds[i]), srv.name+"-redis-cpu-µs/update")
	}
	b.ReportMetric(per(bot[1])/per(bot[0]), "cluster-bot-cpu-x-standalone")
	b.ReportMetric(per(rds[1])/per(rds[0]), "cluster-redis-cpu-x-standalone")
}
