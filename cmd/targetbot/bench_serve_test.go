package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/cmd/targetbot/internal/loadgen"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The end-to-end benchmark: signed /slack/commands requests
// (`update eds/1.K P% on-track note`) from a load generator in a process
// of its own, to a server in this process (targetbot's real serve
// handler, or cmd/targetbot/internal/limit) or to the Bolt peer, all
// against one private Redis on loopback TCP. Each phase reports
// throughput, latency, the server's CPU per command, Redis's CPU per
// command and, for servers in this process, allocations per command.
//
//	go test -run '^$' -bench 'Serve/targetbot' -benchtime 20000x -cpuprofile cpu.out ./cmd/targetbot
//	go test -run '^$' -bench 'ServeRatios' -benchtime 20000x ./cmd/targetbot
//
// -benchtime Nx sets the commands per phase. The ratios are the result:
// absolute figures move with whatever else the machine runs.

// benchConns is how many connections the load generator keeps busy.
const benchConns = 16

// loadgenEnv carries the load generator's configuration to the child
// process that runs it (TestLoadgenChild).
const loadgenEnv = "TARGETBOT_LOADGEN"

// TestLoadgenChild is the load generator's process: it runs only when
// the benchmark starts this test binary with TARGETBOT_LOADGEN set.
func TestLoadgenChild(t *testing.T) {
	raw := os.Getenv(loadgenEnv)
	if raw == "" {
		t.Skip("the benchmark's load generator; runs only as its child process")
	}
	var cfg loadgen.Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	res, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(res)
	os.Stdout.Write(append(append([]byte("LOADGEN-RESULT "), out...), '\n'))
}

// phase is what one run of the load against one server measured.
type phase struct {
	res      loadgen.Result
	cpu      time.Duration // the server's
	redisCPU time.Duration
	mallocs  uint64 // in this process, for servers in it
	bytes    uint64
}

func (p phase) perCmd(d time.Duration) float64 {
	return float64(d.Microseconds()) / float64(max(p.res.Sent, 1))
}

// add merges another run of the same server into p: throughput over
// both runs' time, the worse of their latencies.
func (p *phase) add(q phase) {
	p.res.Sent += q.res.Sent
	p.res.Errors += q.res.Errors
	p.res.Elapsed += q.res.Elapsed
	p.res.P50 = max(p.res.P50, q.res.P50)
	p.res.P99 = max(p.res.P99, q.res.P99)
	p.res.Max = max(p.res.Max, q.res.Max)
	p.cpu += q.cpu
	p.redisCPU += q.redisCPU
	p.mallocs += q.mallocs
	p.bytes += q.bytes
}

// measure sends n commands to s with the load generator in its own
// process, conns at a time, paced to rate per second when rate > 0.
func measure(b testing.TB, s *peer, rdb *redistest.TCPServer, n, conns int, rate float64) phase {
	cfg := loadgen.Config{Addr: s.addr, Secret: slackSecret, Team: benchTeam, User: benchUser, Conns: conns, Total: n, Rate: rate}
	raw, _ := json.Marshal(cfg)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadgenChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), loadgenEnv+"="+string(raw))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut

	if s.gcPercent != 0 {
		defer debug.SetGCPercent(debug.SetGCPercent(s.gcPercent))
	}
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0, r0 := s.cpu(), procCPU(rdb.PID())
	err := cmd.Run()
	cpu1, r1 := s.cpu(), procCPU(rdb.PID())
	runtime.ReadMemStats(&ms1)
	if err != nil {
		b.Fatalf("load generator: %v\n%s%s", err, out.String(), errOut.String())
	}
	var p phase
	for _, line := range strings.Split(out.String(), "\n") {
		if j, ok := strings.CutPrefix(line, "LOADGEN-RESULT "); ok {
			if err := json.Unmarshal([]byte(j), &p.res); err != nil {
				b.Fatal(err)
			}
		}
	}
	if p.res.Errors > 0 || p.res.Sent != n {
		b.Fatalf("%s: %d of %d answered 200, %d failed; first failure: %s", s.name, p.res.Sent, n, p.res.Errors, p.res.FirstError)
	}
	// The load generator starting up is not the server's time: the
	// server is idle until it connects, so only its process's start
	// and exit pad the wall time, not the CPU.
	p.cpu, p.redisCPU = cpu1-cpu0, r1-r0
	if s.inProcess {
		p.mallocs, p.bytes = ms1.Mallocs-ms0.Mallocs, ms1.TotalAlloc-ms0.TotalAlloc
	}
	return p
}

// reportPhase reports a phase's figures, each unit prefixed with prefix.
func reportPhase(b *testing.B, prefix string, p phase, inProcess bool) {
	b.ReportMetric(p.res.PerSecond(), prefix+"cmd/s")
	b.ReportMetric(float64(p.res.P50.Microseconds())/1000, prefix+"p50-ms")
	b.ReportMetric(float64(p.res.P99.Microseconds())/1000, prefix+"p99-ms")
	b.ReportMetric(p.perCmd(p.cpu), prefix+"cpu-µs/cmd")
	b.ReportMetric(p.perCmd(p.redisCPU), prefix+"redis-cpu-µs/cmd")
	if inProcess {
		b.ReportMetric(float64(p.mallocs)/float64(p.res.Sent), prefix+"allocs/cmd")
		b.ReportMetric(float64(p.bytes)/float64(p.res.Sent), prefix+"B/cmd")
	}
}

// BenchmarkServe measures one server at a time, for profiling:
// -cpuprofile and -memprofile see the server (and the idle benchmark),
// never the load generator.
func BenchmarkServe(b *testing.B) {
	starts := []struct {
		name  string
		start func(testing.TB, string) *peer
	}{{"limit", startLimit}, {"floor", startFloor}, {"targetbot", startTargetbot}, {"bolt", startBolt}}
	for _, s := range starts {
		b.Run(s.name, func(b *testing.B) {
			rdb := redistest.NewTCPServer(b)
			p := s.start(b, rdb.URL())
			if p == nil {
				b.Skip("set " + boltModules + " to the Bolt peer's node_modules to include it")
			}
			measure(b, p, rdb, min(b.N, 500), benchConns, 0) // warm up
			b.ResetTimer()
			ph := measure(b, p, rdb, b.N, benchConns, 0)
			b.StopTimer()
			reportPhase(b, "", ph, p.inProcess)
		})
	}
}

// BenchmarkServeRatios runs targetbot, the limit server, the floor (the
// limit with targetbot's write, metrics and log line: startFloor) and,
// when available, the Bolt peer in
// one run, alternating between them, and reports targetbot's throughput
// and CPU per command as ratios of theirs, the floor's and Bolt's as
// ratios of the limit's, then every server's latency at 1,000 commands
// a second.
func BenchmarkServeRatios(b *testing.B) {
	rdb := redistest.NewTCPServer(b)
	peers := []*peer{startTargetbot(b, rdb.URL()), startLimit(b, rdb.URL()), startFloor(b, rdb.URL())}
	if bolt := startBolt(b, rdb.URL()); bolt != nil {
		peers = append(peers, bolt)
	}
	for _, p := range peers {
		measure(b, p, rdb, min(b.N, 2000), benchConns, 0) // warm up
	}
	b.ResetTimer()
	total := make([]phase, len(peers))
	const rounds = 2
	for range rounds {
		for i, p := range peers {
			total[i].add(measure(b, p, rdb, b.N, benchConns, 0))
		}
	}
	paced := make([]phase, len(peers))
	for i, p := range peers {
		if b.N < 100 {
			break // the testing package's first, one-command call: nothing to report
		}
		paced[i] = measure(b, p, rdb, 5000, benchConns, 1000)
	}
	b.StopTimer()

	ratios := func(prefix string, of, to phase, name string) {
		b.ReportMetric(of.res.PerSecond()/to.res.PerSecond(), prefix+"throughput-x-"+name)
		b.ReportMetric(of.perCmd(of.cpu)/to.perCmd(to.cpu), prefix+"cpu-x-"+name)
	}
	bot, lim := total[0], total[1]
	for i, p := range peers {
		reportPhase(b, p.name+"-", total[i], p.inProcess)
		b.ReportMetric(float64(paced[i].res.P99.Microseconds())/1000, p.name+"-p99-ms@1k/s")
		if i > 0 {
			ratios("", bot, total[i], p.name)
		}
		if i > 1 {
			ratios(p.name+"-", total[i], lim, "limit")
		}
	}
}
