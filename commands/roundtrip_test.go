package commands

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The everyday write, `update` with a full reference, costs one Redis
// round trip from the command text to the reply; every other change to a
// target costs two.
func TestUpdateIsOneRoundTripOnRedis(t *testing.T) {
	ctx := context.Background()
	// Through the checking layer, as cmd opens stores: its checks cost
	// no round trip.
	h, s := onRedis(t)
	run := func(text string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		// The display name is recorded on first sight (in the warm-up):
		// after that it costs nothing.
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: "U1", UserName: "Una Ulm", PlatformAdmin: true, Text: text})
		return r, counter.Load()
	}
	run("import eds")          // also warms the connection, and records U1's name
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

	// A change checks who may make it with one read of the workspace and
	// the target together, then makes one atomic write with its event.
	for _, text := range []string{
		"rate eds/1.1 developing no policy yet", "assign eds/1.1 @amy", "due eds/1.1 2026-12-31",
		"snooze eds/1.1 2w waiting for the survey", "evidence eds/1.1 https://example.org/paper.pdf Board paper",
		"edit eds/1.5 Retitled", "archive eds/1.5", "restore eds/1.5",
	} {
		for _, warm := range []bool{true, false} {
			if warm {
				// Warm the script cache in another workspace first.
				h.Handle(ctx, bot.Request{Workspace: "slack:warm", Channel: "C1", User: "U1", PlatformAdmin: true, Text: "import eds"})
				h.Handle(ctx, bot.Request{Workspace: "slack:warm", Channel: "C1", User: "U1", PlatformAdmin: true, Text: text})
				continue
			}
			r, n := run(text)
			if r.Code != "" {
				t.Fatalf("%q failed: %s", text, r.Text())
			}
			want := int64(2)
			if strings.HasPrefix(text, "rate ") {
				want = 3 // and the panels: one open on the objective refuses a rate
			}
			if n != want {
				t.Errorf("%q cost %d round trips, want %d: one read to check, one write", text, n, want)
			}
		}
	}
	// A change refused as no change costs no more.
	if r, n := run("due eds/1.1 2026-12-31"); r.Code != "conflict" || n != 2 {
		t.Errorf("a no-op due: %q %q, %d round trips", r.Code, r.Text(), n)
	}
	// And an update, its no-op refusal included, stays one.
	if r, n := run("update eds/1.1 45%"); r.Code != "" || n != 1 {
		t.Errorf("update after changes: %q, %d round trips", r.Text(), n)
	}
	if r, n := run("update eds/1.1 45%"); r.Code != "conflict" || n != 1 || !contains(r.Text(), "nothing changed") {
		t.Errorf("a no-op update: %q %q, %d round trips", r.Code, r.Text(), n)
	}

	// Reads of the record cost the same however long it is: the
	// workspace and target together, then the updates (one read: the
	// history holds the records), the events and (for show) the
	// evidence, each an index read and one pipeline, and the names of
	// the people it names; history also reads the workspace's newest
	// events for the target's actions' (actionHistory), and show the
	// actions (one read of their entries).
	for _, q := range []struct {
		text  string
		trips int64
	}{{"history eds/1.1 all", 6}, {"show eds/1.1", 8}} {
		if r, n := run(q.text); r.Code != "" || n != q.trips {
			t.Errorf("%q: %q, %d round trips, want %d", q.text, r.Code, n, q.trips)
		}
	}

	// A signed request carries its replay key (bot.Request.Once). An
	// update takes it inside its one write; every other verb claims it
	// first, so a change costs three round trips, as it did when the
	// adapter claimed. A replay is refused at the claim.
	once := func(text, key string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: "U1", PlatformAdmin: true, Text: text, Once: key, OnceFor: time.Minute})
		return r, counter.Load()
	}
	for _, c := range []struct {
		text  string
		trips int64
	}{{"update eds/1.1 50% on-track", 1}, {"due eds/1.1 2027-01-31", 3}} {
		if r, n := once(c.text, "sig:"+c.text); r.Code != "" || n != c.trips {
			t.Errorf("%q with a replay key: %q %q, %d round trips, want %d", c.text, r.Code, r.Text(), n, c.trips)
		}
		// (Claim's losing path reads who holds the claim: 2 at most.)
		if r, n := once(c.text, "sig:"+c.text); r.Code != "conflict" || !contains(r.Text(), "already received") || n > 2 {
			t.Errorf("%q replayed: %q %q, %d round trips, want a refusal after 2 at most", c.text, r.Code, r.Text(), n)
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

// onRedis is a Handler of the built-in frameworks on a private Redis,
// behind the checking layer as cmd opens stores (its checks cost no
// round trip), and the driver, to count a command's round trips with a
// hook.
func onRedis(t *testing.T) (*Handler, *redisstore.Store) {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return onRedisWith(t, fws)
}

// onRedisWith is onRedis offering the frameworks fws.
func onRedisWith(t *testing.T, fws []*framework.Framework) (*Handler, *redisstore.Store) {
	t.Helper()
	s, err := redisstore.Open(context.Background(), redistest.Start(t), &redisstore.Options{Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return New(Options{Store: store.Checked(s), Frameworks: fws}), s
}
