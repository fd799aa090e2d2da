package commands

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// `record` costs one write on Redis: the value and its history event in
// one atomic entry write. Before it, the workspace with the target (who
// may record, and that the target is here and live) and the metric book
// (the band, and the value a re-record replaces) are read side by side:
// three round trips in all, two of latency, however many values the
// workspace keeps. `show` and `list` of targets that cannot be metrics
// read no metric book.
func TestRecordRoundTripsOnRedis(t *testing.T) {
	ctx := context.Background()
	s, err := redisstore.Open(ctx, redistest.Start(t), &redisstore.Options{Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	h := New(Options{Store: store.Checked(s), Frameworks: fws})
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
		if n != 3 || w != 1 {
			t.Errorf("%q cost %d round trips (%d writes), want 3: two reads side by side, one write", text, n, w)
		}
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
