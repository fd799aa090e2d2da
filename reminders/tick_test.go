package reminders

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// redisCost counts Redis round trips (a command alone, or a pipeline)
// and the commands in them, leaving out a new connection's handshake.
type redisCost struct{ trips, cmds atomic.Int64 }

func (c *redisCost) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *redisCost) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.count(cmd)
		return next(ctx, cmd)
	}
}

func (c *redisCost) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.count(cmds...)
		return next(ctx, cmds)
	}
}

func (c *redisCost) count(cmds ...redis.Cmder) {
	n := 0
	for _, cmd := range cmds {
		if name := cmd.Name(); name != "hello" && name != "client" {
			n++
		}
	}
	if n > 0 {
		c.trips.Add(1)
		c.cmds.Add(int64(n))
	}
}

// take returns the counts so far and starts again from zero.
func (c *redisCost) take() (trips, cmds int64) { return c.trips.Swap(0), c.cmds.Swap(0) }

// tickDue is how many workspaces each measured tick finds due: a
// constant, whatever the number of workspaces.
const tickDue = 10

// tickBase is Monday 2026-06-15 09:00 UTC: every workspace's reminders
// fire then, and the first tick settles them until Tuesday.
var tickBase = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// tickStore is n workspaces on one Redis, each with one target and the
// default weekday reminders, tickDue of them also with a digest every
// minute, and a function that opens another store on the same keys, as
// another process would.
func tickStore(tb testing.TB, n int) (*redisstore.Store, func() *redisstore.Store) {
	tb.Helper()
	url, prefix := redistest.Start(tb), redistest.Prefix(tb)
	open := func() *redisstore.Store {
		s, err := redisstore.Open(background(), url, &redisstore.Options{Prefix: prefix, Logger: quietLogger()})
		if err != nil {
			tb.Fatalf("open redis: %v", err)
		}
		tb.Cleanup(func() { _ = s.Close() })
		return s
	}
	st := open()
	fw := bigFramework(1)
	ctx := background()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 16 {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				w := "slack:T" + strconv.Itoa(int(i))
				if _, err := st.Import(ctx, w, fw, tickBase.AddDate(0, 0, -40)); err != nil {
					tb.Error(err)
					return
				}
				if i < tickDue {
					sub := framework.Subscription{Workspace: w, Channel: "C1", Spec: "* * * * *", CreatedAt: tickBase.AddDate(0, 0, -1)}
					if err := st.PutSubscription(ctx, sub); err != nil {
						tb.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
	return st, open
}

// tickScheduler is a Scheduler over st whose clock is *at, counting
// the digests it posts.
func tickScheduler(st *redisstore.Store, at *time.Time, posted *atomic.Int64) *Scheduler {
	poster := posterFunc(func(context.Context, bot.Message) error { posted.Add(1); return nil })
	return New(Options{Store: st, Posters: map[string]bot.Poster{"slack": poster}, Now: func() time.Time { return *at }, Logger: quietLogger()})
}

// tickCost settles st (the first tick reads every workspace once, as
// the first after an upgrade does), then measures one serve tick and
// one run-schedules (a fresh process on the same keys), each a minute
// on, when only the tickDue digests are due.
func tickCost(t *testing.T, n int) (tickTrips, tickCmds, runTrips, runCmds int64) {
	st, open := tickStore(t, n)
	at := tickBase
	var posted atomic.Int64
	s := tickScheduler(st, &at, &posted)
	if _, err := s.RunDue(background(), at); err != nil {
		t.Fatal(err)
	}
	cost := &redisCost{}
	st.AddHook(cost)
	for i := range 2 {
		at = tickBase.Add(time.Duration(i+1) * time.Minute)
		posted.Store(0)
		cost.take()
		res, err := s.RunDue(background(), at)
		if err != nil || res.Digests != tickDue || posted.Load() != tickDue {
			t.Fatalf("tick at %d workspaces = %+v, %v; want %d digests", n, res, err, tickDue)
		}
		tickTrips, tickCmds = cost.take()
	}
	other := open()
	other.AddHook(cost)
	at = at.Add(time.Minute)
	res, err := tickScheduler(other, &at, &posted).RunDue(background(), at)
	if err != nil || res.Digests != tickDue {
		t.Fatalf("run-schedules at %d workspaces = %+v, %v; want %d digests", n, res, err, tickDue)
	}
	runTrips, runCmds = cost.take()
	return tickTrips, tickCmds, runTrips, runCmds
}

// A scheduler tick costs O(due): with the same workspaces due, its
// round trips and commands are the same at 100 and at 2,000
// workspaces, for a serve tick and for run-schedules (a new process,
// which checks once that the next-fire index was built).
func TestTickCostIsFlatInWorkspaces(t *testing.T) {
	small := [4]int64{}
	small[0], small[1], small[2], small[3] = tickCost(t, 100)
	large := [4]int64{}
	large[0], large[1], large[2], large[3] = tickCost(t, 2000)
	t.Logf("per tick with %d due, at 100 and 2,000 workspaces: serve %d round trips, %d commands; run-schedules %d round trips, %d commands",
		tickDue, small[0], small[1], small[2], small[3])
	if small != large {
		t.Errorf("round trips and commands (serve tick, then run-schedules) at 100 workspaces %v, at 2,000 %v: want them equal", small, large)
	}
	// An idle tick is one read of the index.
	st, _ := tickStore(t, 100)
	at := tickBase.Add(30 * time.Second)
	var posted atomic.Int64
	s := tickScheduler(st, &at, &posted)
	if _, err := s.RunDue(background(), tickBase); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunDue(background(), at); err != nil { // the digests of 09:00 are done
		t.Fatal(err)
	}
	cost := &redisCost{}
	st.AddHook(cost)
	if _, err := s.RunDue(background(), at.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if trips, cmds := cost.take(); trips != 1 || cmds != 1 {
		t.Errorf("a tick with nothing due took %d round trips and %d commands, want 1 and 1", trips, cmds)
	}
}
