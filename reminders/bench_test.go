package reminders

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
)

// roundTrips counts Redis round trips: a command or a whole pipeline is one.
// roundTrips counts the calls made to Redis, leaving out a new
// connection's handshake (HELLO, then CLIENT SETINFO): a read that finds
// every pooled connection busy dials one, and that depends on timing.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "hello" {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) == 0 || cmds[0].Name() != "client" {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// countedRedis is a fresh redisstore whose round trips are counted.
func countedRedis(b *testing.B) (*redisstore.Store, *roundTrips) {
	st := openRedisStore(b)
	rt := &roundTrips{}
	st.AddHook(rt)
	return st, rt
}

// bigFramework has n targets in objectives of 20.
func bigFramework(n int) *framework.Framework {
	fw := &framework.Framework{ID: "big", Name: "Big"}
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			o := strconv.Itoa(i/20 + 1)
			fw.Objectives = append(fw.Objectives, framework.Objective{Code: o, Title: "Objective " + o})
		}
		o := &fw.Objectives[len(fw.Objectives)-1]
		o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%s.%d", o.Code, i%20+1), Title: "Target " + strconv.Itoa(i)})
	}
	return fw
}

// BenchmarkDigest builds one digest for a workspace of 1,000 targets
// (a tenth overdue) with 1,000 or 100,000 updates since the last digest,
// on Redis, and reports the store round trips it took.
func BenchmarkDigest(b *testing.B) {
	for _, updates := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("targets=1000/updates=%d", updates), func(b *testing.B) {
			st, rt := countedRedis(b)
			since := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			fw := bigFramework(1000)
			ctx := background()
			if _, err := st.Import(ctx, ws, fw, since); err != nil {
				b.Fatal(err)
			}
			refs := make([]string, 0, 1000)
			for _, t := range fw.Targets() {
				refs = append(refs, t.Ref())
			}
			for i, ref := range refs[:100] {
				patch(b, st, ws, ref, targetPatch{Owner: ptr("U" + strconv.Itoa(i%7)), Due: dateP("2026-05-01")})
			}
			var wg sync.WaitGroup
			var next atomic.Int64
			for range 16 {
				wg.Go(func() {
					for i := next.Add(1) - 1; i < int64(updates); i = next.Add(1) - 1 {
						u := framework.Update{Target: refs[i%1000], Author: "U" + strconv.Itoa(int(i%13)),
							Time: since.Add(time.Duration(i) * time.Second), Progress: int(i % 101), Status: framework.OnTrack, Note: "note"}
						if _, _, err := st.AppendUpdate(ctx, ws, u, store.Once{}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			at := since.Add(time.Duration(updates+1) * time.Second)
			s := New(Options{Store: st, Now: func() time.Time { return at }, Logger: quietLogger()})
			b.ReportAllocs()
			rt.n.Store(0)
			b.ResetTimer()
			for b.Loop() {
				r, err := s.buildDigest(ctx, framework.Workspace{ID: ws}, time.UTC, since, at, at)
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Details) == 0 {
					b.Fatal("empty digest")
				}
			}
			b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
		})
	}
}

// BenchmarkRunDueTick is one scheduler tick over 1,000 workspaces that
// each have a reminder fire time due, with 100 overdue owned targets in
// all (on 100 workspaces), on Redis. Every iteration is a new minute, so
// every workspace's reminders are due again.
// BenchmarkRunDueTick is one scheduler tick over 1,000 workspaces whose
// reminders are all due, with 100 overdue targets in total. Every target
// was imported 40 days before and never updated, so all are past the
// 30-day "update due" line. Its round trips and time must not grow with
// the targets per workspace: the tick reads the due-date index and the
// index of owned stale targets, not the targets.
func BenchmarkRunDueTick(b *testing.B) {
	for _, per := range []int{5, 100} {
		b.Run(fmt.Sprintf("workspaces=1000/targets=%d", per*1000), func(b *testing.B) {
			benchmarkTick(b, bigFramework(per), "big/1.1")
		})
	}
}

func benchmarkTick(b *testing.B, fw *framework.Framework, overdue string) {
	st, rt := countedRedis(b)
	ctx := background()
	base := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		w := "slack:T" + strconv.Itoa(i)
		if _, err := st.Import(ctx, w, fw, base.AddDate(0, 0, -40)); err != nil {
			b.Fatal(err)
		}
		if err := st.SetReminderSpec(ctx, w, "* * * * *"); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			patch(b, st, w, overdue, targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-01")})
		}
	}
	var posted atomic.Int64
	poster := posterFunc(func(context.Context, bot.Message) error { posted.Add(1); return nil })
	at := base
	s := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": poster}, Now: func() time.Time { return at }, Logger: quietLogger()})
	b.ReportAllocs()
	rt.n.Store(0)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		at = base.Add(time.Duration(i) * time.Minute)
		i++
		res, err := s.RunDue(ctx, at)
		if err != nil {
			b.Fatal(err)
		}
		if res.Reminders != 100 {
			b.Fatalf("tick posted %d reminders, want 100", res.Reminders)
		}
	}
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(posted.Load())/float64(b.N), "dms/op")
}

// posterFunc adapts a function to bot.Poster.
type posterFunc func(context.Context, bot.Message) error

func (f posterFunc) Post(ctx context.Context, m bot.Message) error { return f(ctx, m) }

// BenchmarkTick is the scheduler at 1,000, 10,000 and 100,000
// workspaces (each with one target and weekday reminders), of which
// tickDue have a digest due every minute: a serve tick (one Scheduler,
// a minute on each iteration) and a run-schedules (a new process on
// the same keys each iteration). Its round trips and commands per tick
// are the same at every size: a tick reads the next-fire index, then
// only what is due. TestTickCostIsFlatInWorkspaces pins that.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		st, open := tickStore(b, n)
		at := tickBase
		var posted atomic.Int64
		s := tickScheduler(st, &at, &posted)
		if _, err := s.RunDue(background(), at); err != nil { // the one pass over every workspace
			b.Fatal(err)
		}
		cost := &redisCost{}
		st.AddHook(cost)
		measure := func(b *testing.B, tick func() (Result, error)) {
			cost.take()
			b.ReportAllocs()
			for b.Loop() {
				at = at.Add(time.Minute)
				if res, err := tick(); err != nil || res.Digests != tickDue {
					b.Fatalf("tick = %+v, %v; want %d digests", res, err, tickDue)
				}
			}
			trips, cmds := cost.take()
			b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
			b.ReportMetric(float64(cmds)/float64(b.N), "commands/op")
		}
		b.Run("serve/workspaces="+strconv.Itoa(n), func(b *testing.B) {
			measure(b, func() (Result, error) { return s.RunDue(background(), at) })
		})
		b.Run("run-schedules/workspaces="+strconv.Itoa(n), func(b *testing.B) {
			measure(b, func() (Result, error) {
				b.StopTimer()
				other := open()
				other.AddHook(cost)
				b.StartTimer()
				return tickScheduler(other, &at, &posted).RunDue(background(), at)
			})
		})
	}
}
