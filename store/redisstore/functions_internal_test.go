package redisstore

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// commandNames is a go-redis hook that records the commands sent alone,
// but for a new connection's handshake.
type commandNames struct {
	mu    sync.Mutex
	names []string
}

func (h *commandNames) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *commandNames) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n != "hello" && n != "client" { // a new connection's handshake
			h.mu.Lock()
			h.names = append(h.names, n)
			h.mu.Unlock()
		}
		return next(ctx, cmd)
	}
}
func (h *commandNames) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// take returns the names recorded since the last take.
func (h *commandNames) take() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := strings.Join(h.names, " ")
	h.names = nil
	return s
}

// needFunctions skips a test on a Redis before 7.0, which has no
// Functions (the store runs scripts there, which TestConformance covers).
func needFunctions(t testing.TB, url string) {
	t.Helper()
	info, err := redistest.Client(t, url).Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			if major, _, _ := strings.Cut(v, "."); atoi(major) < 7 {
				t.Skipf("Redis %s has no Functions", v)
			}
		}
	}
}

// openFunctions opens a store on url with a target to update, and
// records its commands.
func openFunctions(t testing.TB, url string) (*Store, *commandNames) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, url, &Options{Prefix: redistest.Prefix(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O", Targets: []framework.TargetSpec{{Code: "1", Title: "T"}}}}}
	if _, err := s.Import(ctx, "slack:T1", fw, time.Now()); err != nil {
		t.Fatal(err)
	}
	names := &commandNames{}
	s.AddHook(names)
	return s, names
}

// update logs progress p to eqs/1 and checks the target took it.
func update(t testing.TB, s *Store, p int) {
	t.Helper()
	_, tg, err := s.AppendUpdate(context.Background(), "slack:T1", framework.Update{Target: "eqs/1", Author: "U1", Progress: p, Note: "a note"}, store.Once{Key: "k" + time.Now().String(), TTL: time.Minute})
	if err != nil || tg.Progress != p {
		t.Fatalf("update to %d%%: %+v, %v", p, tg, err)
	}
}

// Where Redis has Functions, the update's script is called as its
// library's function; a Redis that lost it (restarted without
// persistence, or flushed) has the library loaded again, once for all
// the calls that found it missing, and each update applied once. (A
// server of the test's own: it flushes functions.)
func TestHotScriptRunsAsAFunction(t *testing.T) {
	ctx := context.Background()
	url := redistest.NewServer(t).URL()
	needFunctions(t, url)
	s, names := openFunctions(t, url)
	update(t, s, 10)
	if got := names.take(); got != "fcall" {
		t.Fatalf("an update sent %q, want one fcall", got)
	}
	if err := s.hotc.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	names.take()
	update(t, s, 20)
	if got := names.take(); got != "fcall function fcall" {
		t.Errorf("an update after FUNCTION FLUSH sent %q, want fcall, function (load), fcall", got)
	}
	update(t, s, 30)
	if got := names.take(); got != "fcall" {
		t.Errorf("the next update sent %q, want one fcall", got)
	}

	// Many updates finding the library gone together load it once.
	if err := s.hotc.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	names.take()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, _, err := s.AppendUpdate(ctx, "slack:T1", framework.Update{Target: "eqs/1", Author: "U1", Progress: 40, Note: strconv.Itoa(i)}, store.Once{})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := strings.Count(names.take(), "function"); got != 1 {
		t.Errorf("20 updates after FUNCTION FLUSH loaded the library %d times, want once", got)
	}
	ups, err := s.Updates(ctx, "slack:T1", "eqs/1", 0)
	if err != nil || len(ups) != 23 {
		t.Fatalf("updates: %d, %v; want 23, each once", len(ups), err)
	}
}

// A user Redis does not allow to load functions (or a Redis before 7.0)
// runs the update as a script; so does a store whose Redis refuses FCALL
// after it loaded the library (the user lost the right), from then on.
func TestHotScriptWithoutFunctions(t *testing.T) {
	ctx := context.Background()
	srv := redistest.NewServer(t)
	needFunctions(t, srv.URL())
	admin := redistest.Client(t, srv.URL())
	if err := admin.Do(ctx, "acl", "setuser", "nofunctions", "on", ">pw", "~*", "&*", "+@all", "-function").Err(); err != nil {
		t.Fatal(err)
	}
	s, names := openFunctions(t, "unix://nofunctions:pw@"+strings.TrimPrefix(srv.URL(), "unix://"))
	if s.functions.Load() {
		t.Fatal("the store loaded functions as a user not allowed FUNCTION LOAD")
	}
	update(t, s, 10)
	update(t, s, 20)
	if got := names.take(); got != "evalsha evalsha" {
		t.Errorf("two updates sent %q, want two evalsha", got)
	}

	s, names = openFunctions(t, srv.URL())
	update(t, s, 30)
	if got := names.take(); got != "fcall" {
		t.Fatalf("an update sent %q, want one fcall", got)
	}
	if err := admin.Do(ctx, "acl", "setuser", "default", "-fcall").Err(); err != nil {
		t.Fatal(err)
	}
	update(t, s, 40)
	update(t, s, 50)
	if got := names.take(); got != "fcall evalsha evalsha" {
		t.Errorf("updates once FCALL is refused sent %q, want fcall (refused), evalsha, evalsha", got)
	}
	ups, err := s.Updates(ctx, "slack:T1", "eqs/1", 0)
	if err != nil || len(ups) != 3 {
		t.Fatalf("updates: %d, %v; want 3, each once", len(ups), err)
	}
}

// BenchmarkHotScript measures the update's script as Redis times it
// (INFO commandstats: the call alone, without reading or answering it),
// run as a script (EVALSHA) and as its library's function (FCALL) in
// turn, on one server, so that both see the same machine.
func BenchmarkHotScript(b *testing.B) {
	url := redistest.Start(b)
	needFunctions(b, url)
	s, _ := openFunctions(b, url)
	update(b, s, 0) // the first EVALSHA of a script Redis may not have
	names := []string{"evalsha", "fcall"}
	var calls, usec [2]float64
	for i, name := range names {
		calls[i], usec[i] = commandStat(b, s.c, name)
	}
	b.ResetTimer()
	for i := range b.N {
		s.functions.Store(i%2 == 1)
		update(b, s, 1+i%99)
	}
	b.StopTimer()
	var per [2]float64
	for i, name := range names {
		c, u := commandStat(b, s.c, name)
		per[i] = (u - usec[i]) / (c - calls[i])
		b.ReportMetric(per[i], name+"-µs/call")
	}
	b.ReportMetric(per[1]/per[0], "fcall÷evalsha")
}

// commandStat is the calls of command name Redis has counted, and the
// microseconds it spent on them.
func commandStat(tb testing.TB, c redis.UniversalClient, name string) (calls, usec float64) {
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		stats, ok := strings.CutPrefix(line, "cmdstat_"+name+":")
		if !ok {
			continue
		}
		for _, kv := range strings.Split(stats, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "calls":
				calls, _ = strconv.ParseFloat(v, 64)
			case "usec":
				usec, _ = strconv.ParseFloat(v, 64)
			}
		}
	}
	return calls, usec
}
