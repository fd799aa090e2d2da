package commands

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// `record` of a built-in indicator named in full costs one Redis round
// trip: the value and its history event in one write that checks the
// target and hands back the metric book. A custom target's value, whose
// definition is in the book, and a requester who is not the owner (an
// admin granted in chat is known from the workspace) read first: the
// workspace with the target and the book side by side, then one write.
// `show` of a target that cannot be a metric reads no metric book.
func TestRecordRoundTripsOnRedis(t *testing.T) {
	ctx := context.Background()
	h, s := onRedis(t)
	run := func(text string) (bot.Reply, int64, int64) {
		counter, scripts := &redistest.RoundTrips{}, &scriptCount{}
		s.AddHook(counter)
		s.AddHook(scripts)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: "U1", PlatformAdmin: true, Text: text})
		return r, counter.Load(), scripts.n.Load()
	}
	run("import wres")
	run("import eds")
	run("record wres/1 2020 10") // loads the script into Redis's cache
	for _, text := range []string{
		"record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120",
		"record wres/2 2025 white_shortlisted=1000 white_appointed=250 bme_shortlisted=1000 bme_appointed=200",
		"record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=125 corrected",
		"record wres/1 2026 12.5",
	} {
		r, n, w := run(text)
		if r.Code != "" {
			t.Fatalf("%q failed: %s", text, r.Text())
		}
		if n != 1 || w != 1 {
			t.Errorf("%q cost %d round trips (%d writes), want 1", text, n, w)
		}
	}
	run("add wres/workforce 10 Staff reporting harassment")
	run("measure wres/10 percent baseline 30 2025 goal 20 2028")
	if r, n, w := run("record wres/10 2026 25"); r.Code != "" || n != 3 || w != 1 {
		t.Errorf("a custom metric: %q, %d round trips (%d writes), want 3: two reads side by side, one write", r.Text(), n, w)
	}
	// The owner records in one; anyone else is refused after the reads.
	run("assign wres/3 @bob")
	owner := func(user, text string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: user, Text: text})
		return r, counter.Load()
	}
	rec := "record wres/3 2026 bme_entering_formal_disciplinary=20 bme_headcount=900 white_entering_formal_disciplinary=30 white_headcount=2000"
	if r, n := owner("bob", rec); r.Code != "" || n != 1 {
		t.Errorf("the owner's record: %q, %d round trips, want 1", r.Text(), n)
	}
	if r, n := owner("amy", rec); r.Code != "forbidden" || n != 3 {
		t.Errorf("another's record: %q %q, %d round trips, want forbidden after 3 (the write refused, then the reads)", r.Code, r.Text(), n)
	}
	// A refusal writes nothing.
	if r, _, w := run("record wres/2 2026 white_shortlisted=10 white_appointed=30 bme_shortlisted=900 bme_appointed=125"); r.Code == "" || w != 0 {
		t.Errorf("a refused record: %q, %d writes", r.Text(), w)
	}
	// A target that cannot be a metric costs show no read of the book;
	// a metric target one, whatever its history.
	_, plain, _ := run("show eds/1.1")
	if r, n, _ := run("show wres/2"); r.Code != "" || n != plain+1 {
		t.Errorf("show wres/2: %q, %d round trips, want %d: show eds/1.1's and the book", r.Code, n, plain+1)
	}
}

// scriptCount is a go-redis hook that counts the round trips that run a
// script: every store write is one.
type scriptCount struct{ n atomic.Int64 }

func (c *scriptCount) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *scriptCount) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.count(cmd)
		return next(ctx, cmd)
	}
}

func (c *scriptCount) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.count(cmds...)
		return next(ctx, cmds)
	}
}

func (c *scriptCount) count(cmds ...redis.Cmder) {
	for _, cmd := range cmds {
		if strings.HasPrefix(cmd.Name(), "eval") || cmd.Name() == "fcall" {
			c.n.Add(1)
			return
		}
	}
}
