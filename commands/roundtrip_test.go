package commands

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// roundTrips counts calls to Redis: a command or a whole pipeline is one.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// The everyday write, `update` with a full reference, costs one Redis
// round trip from the command text to the reply.
func TestUpdateIsOneRoundTripOnRedis(t *testing.T) {
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
	h := New(Options{Store: s, Frameworks: fws})
	run := func(text string) (bot.Reply, int64) {
		counter := &roundTrips{}
		s.Client().AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: "U1", PlatformAdmin: true, Text: text})
		return r, counter.n.Load()
	}
	run("import eds")          // also warms the connection
	run("update eds/4.3 -- x") // and loads the script into Redis's cache

	tests := []struct {
		text string
		max  int64
	}{
		{"update eds/1.1 40% on-track Held two listening events", 1},
		{"update EDS/1.2 done", 1},
		{"update eds/1.3 -- a note only", 1},
		{"update 1.4 20%", 4}, // a bare code reads the workspace and its targets first
	}
	for _, tt := range tests {
		r, n := run(tt.text)
		if r.Code != "" {
			t.Fatalf("%q failed: %s", tt.text, r.Text())
		}
		if n > tt.max {
			t.Errorf("%q cost %d round trips, want at most %d", tt.text, n, tt.max)
		}
		if n < 1 {
			t.Errorf("%q cost %d round trips: the counter is not counting", tt.text, n)
		}
	}

	// Errors on the fast path still explain themselves.
	if r, _ := run("update eds/9.9 40%"); r.Code != "not found" || !contains(r.Text(), "try `/target list`") {
		t.Errorf("unknown full ref: %q %q", r.Code, r.Text())
	}
	if r, _ := run("update eds/1.2 50%"); r.Code != "invalid" || !contains(r.Text(), "is done: give its new status") || r.Field != "status" {
		t.Errorf("lowering a done target: %q %q field %q", r.Code, r.Text(), r.Field)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }
