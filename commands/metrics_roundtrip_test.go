package commands

import (
	"context"
	"maps"
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

// `record` of any metric target named in full costs one Redis round
// trip: the value and its history event in one write that checks the
// target, the requester (owner, or admin by platform, configuration or
// grant in chat) and, for a custom target, the unit its settings give,
// and hands back the metric book. A refusal the write finds (not the
// owner, not a metric, a value its unit refuses) costs the same one, and
// writes nothing. `show` of a target that cannot be a metric reads no
// metric book.
func TestRecordRoundTripsOnRedis(t *testing.T) {
	ctx := context.Background()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	own, err := catalog.Parse("own.yaml", []byte(ownFramework))
	if err != nil {
		t.Fatal(err)
	}
	h, s := onRedisWith(t, append(fws, own))
	as := func(user string, admin bool, text string) (bot.Reply, int64, int64) {
		counter, scripts := &redistest.RoundTrips{}, &scriptCount{}
		s.AddHook(counter)
		s.AddHook(scripts)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: user, PlatformAdmin: admin, Text: text})
		return r, counter.Load(), scripts.n.Load()
	}
	run := func(text string) (bot.Reply, int64, int64) { return as("U1", true, text) }
	for _, text := range []string{"import wres", "import eds", "import own",
		"add wres/workforce 10 Staff reporting harassment", "measure wres/10 percent baseline 30 2025 goal 20 2028",
		"assign wres/3 @bob", "assign wres/10 @bob", "assign own/1 @bob", "admins add @cat",
		"record wres/1 2020 10", // loads the script into Redis's cache
	} {
		if r, _, _ := run(text); r.Code != "" {
			t.Fatalf("%q: %s", text, r.Text())
		}
	}
	wres3 := "record wres/3 2026 bme_entering_formal_disciplinary=20 bme_headcount=900 white_entering_formal_disciplinary=30 white_headcount=2000"
	for _, tt := range []struct {
		name, user string
		admin      bool
		text, want string
	}{
		{"a built-in indicator", "U1", true, "record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120", "1.88"},
		{"another period", "U1", true, "record wres/2 2025 white_shortlisted=1000 white_appointed=250 bme_shortlisted=1000 bme_appointed=200", "1.25"},
		{"a period again", "U1", true, "record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=125 corrected", "replaces 1.88"},
		{"a built-in plain value", "U1", true, "record wres/1 2026 12.5", "12.50%"},
		{"a loaded framework's formula", "U1", true, "record own/1 2026 leavers=30 staff=600 exit survey", "5.00%"},
		{"a custom plain metric", "U1", true, "record wres/10 2026 25", "50% of the way"},
		{"the owner", "bob", false, wres3, "recorded 2026"},
		{"the owner of a custom metric", "bob", false, "record wres/10 2027 22", "80% of the way"},
		{"the owner of a loaded formula", "bob", false, "record own/1 2027 leavers=24 staff=600", "4.00%"},
		{"an admin granted in chat", "cat", false, "record wres/10 2027 21", "90% of the way"},
	} {
		r, n, w := as(tt.user, tt.admin, tt.text)
		if r.Code != "" || !strings.Contains(r.Text(), tt.want) {
			t.Fatalf("%s: %q = %q, want %q", tt.name, tt.text, r.Text(), tt.want)
		}
		if n != 1 || w != 1 {
			t.Errorf("%s: %q cost %d round trips (%d writes), want 1", tt.name, tt.text, n, w)
		}
	}
	// Refusals the write finds cost its one round trip and change
	// nothing; those found before it cost none.
	for _, tt := range []struct {
		name, user string
		text, code string
		trips      int64
	}{
		{"another's record", "amy", wres3, "forbidden", 1},
		{"another's custom record", "amy", "record wres/10 2026 20", "forbidden", 1},
		{"not a metric", "U1", "record eds/1.1 2026 25", "invalid", 1},
		{"over 100 percent", "U1", "record wres/10 2026 140", "invalid", 1},
		{"more appointed than shortlisted", "U1", "record wres/2 2026 white_shortlisted=10 white_appointed=30 bme_shortlisted=900 bme_appointed=125", "invalid", 0},
		{"an unknown input", "U1", "record own/1 2026 leavers=3 staf=600", "invalid", 0},
	} {
		before := metricEntries(t, s)
		r, n, w := as(tt.user, tt.user == "U1", tt.text)
		if r.Code != tt.code || n != tt.trips || w > 1 {
			t.Errorf("%s: %q = %s %q, %d round trips, want %s after %d", tt.name, tt.text, r.Code, r.Text(), n, tt.code, tt.trips)
		}
		if after := metricEntries(t, s); !maps.Equal(before, after) {
			t.Errorf("%s changed the metric entries", tt.name)
		}
	}
	// A target that cannot be a metric costs show no read of the book;
	// a metric target one, whatever its history.
	_, plain, _ := run("show eds/1.1")
	if r, n, _ := run("show wres/2"); r.Code != "" || n != plain+1 {
		t.Errorf("show wres/2: %q, %d round trips, want %d: show eds/1.1's and the book", r.Code, n, plain+1)
	}
}

// ownFramework is a loaded framework with a metric computed from inputs.
const ownFramework = `id: own
name: Our own measures
objectives:
  - code: people
    title: People
    targets:
      - code: "1"
        title: Staff turnover
        metric:
          unit: percent
          direction: lower-better
          formula: "pct = leavers / staff * 100"
          inputs:
            - {name: leavers, label: Staff who left}
            - {name: staff, label: Average headcount, group_count: true}
`

// metricEntries is the slack:T1 workspace's metric entries in s.
func metricEntries(t *testing.T, s *redisstore.Store) map[string]string {
	t.Helper()
	m, err := s.Entries(context.Background(), "slack:T1", store.EntryMetric)
	if err != nil {
		t.Fatal(err)
	}
	return m
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
