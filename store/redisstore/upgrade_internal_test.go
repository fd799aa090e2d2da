package redisstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
	"github.com/targetbot/targetbot/store/storetest"
)

// writeLegacyUpdate stores u the way the first layout did (legacy.go):
// its hash, its id in the target's list and, unless withdrawn, in the
// workspace's log, and the author's pointer; and points the target at it.
func writeLegacyUpdate(t *testing.T, c redis.UniversalClient, k keys, u framework.Update) {
	t.Helper()
	ctx := context.Background()
	f := []any{"id", u.ID, "target", u.Target, "author", u.Author, "time", fmtTime(u.Time),
		"progress", u.Progress, "status", string(u.Status), "note", u.Note, "prev_progress", u.PrevProgress, "prev_status", string(u.PrevStatus)}
	if u.Withdrawn {
		f = append(f, "withdrawn", "1", "withdrawn_at", fmtTime(u.WithdrawnAt))
	}
	_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.legacyUpdate(u.ID), f...)
		p.LPush(ctx, k.legacyTargetLog(u.Target), u.ID)
		if !u.Withdrawn {
			p.ZAdd(ctx, k.legacyLog(), redis.Z{Score: float64(u.Time.UnixMilli()), Member: u.ID})
			p.HSet(ctx, k.legacyTarget(u.Target), "progress", u.Progress, "status", string(u.Status), "last_update", u.ID, "updated_at", fmtTime(u.Time))
		}
		p.Set(ctx, string(k)+"last:"+u.Author, u.ID, 0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A Redis an earlier release wrote, with targets and updates kept the
// first way, is upgraded when the store opens: every target and update
// reads back as it was, the old keys are gone, the indexes are whole, and
// undo, history and digests work on the records.
// Opening it again does nothing more.
func TestOpenUpgradesTheFirstLayout(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	quiet := &Options{Prefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	old := New(redistest.Client(t, url), quiet) // its client and keys only: the first layout is written by hand
	const ws = "slack:T1"
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 123456789, time.FixedZone("", 3600))
	k := old.keys(ws)
	// The settings, the framework and two targets, as the first layout
	// kept them: a hash per target, its ref in a set.
	_, err := old.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.settings(), "timezone", "Europe/London", "cycle", "2026/27", "cycle_started", fmtTime(t0))
		p.SAdd(ctx, k.frameworks(), "eqs")
		for _, c := range []struct{ code, title string }{{"1", strings.Repeat("A title longer than a listpack value takes, ", 3)}, {"2", "U"}} {
			p.SAdd(ctx, k.legacyTargets(), "eqs/"+c.code)
			p.HSet(ctx, k.legacyTarget("eqs/"+c.code), "framework", "eqs", "objective", "1", "code", c.code, "title", c.title,
				"status", "not-started", "progress", "0", "created_at", fmtTime(t0), "activity_ms", t0.UnixMilli(), "owner", "U9",
				"rating", "developing", "grade:2025/26", "achieving", "custom", "", "due", "2026-12-31")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	legacy := []framework.Update{
		{ID: "018f0000000000010000aaaa", Target: "eqs/1", Author: "U1", Time: t0.Add(time.Minute), Progress: 10, Status: framework.OnTrack, PrevStatus: framework.NotStarted, Note: "first"},
		{ID: "018f0000000000020000bbbb", Target: "eqs/2", Author: "U2", Time: t0.Add(2 * time.Minute), Progress: 30, Status: framework.AtRisk, PrevStatus: framework.NotStarted,
			Withdrawn: true, WithdrawnAt: t0.Add(3 * time.Minute)},
		{ID: "018f0000000000030000cccc", Target: "eqs/1", Author: "U1", Time: t0.Add(4 * time.Minute), Progress: 40, Status: framework.OnTrack, PrevProgress: 10, PrevStatus: framework.OnTrack, Note: "second"},
	}
	for _, u := range legacy {
		writeLegacyUpdate(t, old.c, k, u)
	}
	if _, err := old.c.SAdd(ctx, old.workspaces(), ws).Result(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, url, quiet)
	if err != nil {
		t.Fatalf("Open over the first layout: %v", err)
	}
	defer s.Close()
	if v, _ := s.c.Get(ctx, s.layoutKey()).Int(); v != layoutVersion {
		t.Fatalf("layout after Open = %d, want %d", v, layoutVersion)
	}
	for _, key := range []string{k.legacyLog(), k.legacyTargetLog("eqs/1"), k.legacyTargetLog("eqs/2"), k.legacyUpdate(legacy[0].ID), string(k) + "last:U1",
		k.legacyTargets(), k.legacyTarget("eqs/1"), k.legacyTarget("eqs/2")} {
		if s.c.Exists(ctx, key).Val() != 0 {
			t.Errorf("the first layout's %s survived the upgrade", strings.TrimPrefix(key, string(k)))
		}
	}
	tg, err := s.Target(ctx, ws, "eqs/1")
	if err != nil || tg.Owner != "U9" || tg.Due != "2026-12-31" || tg.Rating != framework.Developing || tg.Grades["2025/26"] != framework.Achieving ||
		tg.Progress != 40 || tg.LastUpdate != legacy[2].ID || !strings.HasPrefix(tg.Title, "A title longer") {
		t.Fatalf("eqs/1 after the upgrade = %+v, %v", tg, err)
	}
	if due, err := s.Due(ctx, ws, "", "2027-01-01"); err != nil || len(due) != 2 {
		t.Fatalf("the due index after the upgrade: %d targets, %v; want both", len(due), err)
	}
	us, err := s.Updates(ctx, ws, "eqs/1", 0)
	if err != nil || len(us) != 2 || us[0].ID != legacy[2].ID || us[1].Note != "first" || !us[0].Time.Equal(legacy[2].Time) {
		t.Fatalf("eqs/1's updates after the upgrade = %+v, %v", us, err)
	}
	if _, off := us[0].Time.Zone(); off != 3600 {
		t.Errorf("an upgraded time lost its offset: %v", us[0].Time)
	}
	if us, err := s.Updates(ctx, ws, "eqs/2", 0); err != nil || len(us) != 1 || !us[0].Withdrawn || !us[0].WithdrawnAt.Equal(legacy[1].WithdrawnAt) {
		t.Fatalf("eqs/2's withdrawn update after the upgrade = %+v, %v", us, err)
	}
	if got, n, err := s.UpdatesSince(ctx, ws, t0, time.Time{}, 10); err != nil || n != 2 || len(got) != 2 {
		t.Fatalf("UpdatesSince after the upgrade = %d of %d, %v; want the 2 that stand", len(got), n, err)
	}
	last, err := s.LastUpdateBy(ctx, ws, "U1")
	if err != nil || last.ID != legacy[2].ID {
		t.Fatalf("LastUpdateBy(U1) after the upgrade = %+v, %v", last, err)
	}
	if _, tg, err := s.Withdraw(ctx, ws, last.ID, t0.Add(time.Hour)); err != nil || tg.Progress != 10 {
		t.Fatalf("undo after the upgrade = %+v, %v", tg, err)
	}

	// A second open finds the layout current and changes nothing.
	if _, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1", Author: "U1", Time: t0.Add(2 * time.Hour), Progress: 60}, store.Once{}); err != nil {
		t.Fatal(err)
	}
	before, err := store.ExportSnapshot(ctx, s, ws)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, url, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	after, err := store.ExportSnapshot(ctx, again, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Updates) != 4 {
		t.Fatalf("%d updates before the second Open, want 4", len(before.Updates))
	}
	if d := storetest.DiffSnapshots(after, before); d != "" {
		t.Fatalf("a second Open changed the workspace: %s", d)
	}
	if r := again.c.HGet(ctx, k.settings(), "restored").Val(); r != "1" {
		t.Fatalf("the workspace was restored %q times, want once, by the first Open", r)
	}
}

// A Redis a newer release wrote is not touched.
func TestOpenRefusesANewerLayout(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	c := redistest.Client(t, url)
	if err := c.Set(ctx, prefix+":layout", "10", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, url, &Options{Prefix: prefix})
	if err == nil || !strings.Contains(err.Error(), "newer release") {
		t.Fatalf("Open over layout 10 = %v, want a refusal naming a newer release", err)
	}
}

// A store opened while Redis does not answer upgrades the layout once it
// does, in the background: until then it serves, and reports Redis as
// unavailable.
func TestOpenUpgradesOnceRedisAnswers(t *testing.T) {
	ctx := context.Background()
	srv := redistest.NewServer(t)
	prefix := redistest.Prefix(t)
	raw := redistest.Client(t, srv.URL())
	const ws = "slack:T1"
	k := keys(prefix + ":{" + ws + "}:")
	_, err := raw.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, prefix+":workspaces", ws)
		p.HSet(ctx, k.settings(), "timezone", "Europe/London")
		p.SAdd(ctx, k.frameworks(), "eqs")
		p.SAdd(ctx, k.legacyTargets(), "eqs/1")
		p.HSet(ctx, k.legacyTarget("eqs/1"), "framework", "eqs", "objective", "1", "code", "1", "title", "T", "status", "not-started", "progress", "0")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	srv.Freeze()
	openCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	s, err := Open(openCtx, srv.URL(), &Options{Prefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cancel()
	if err != nil {
		srv.Thaw()
		t.Fatalf("Open while Redis does not answer: %v", err)
	}
	defer s.Close()
	// Until the upgrade, the store answers nothing: the target would
	// read as missing, and one written over it would be lost. The gate is
	// in the process, so it refuses these before they reach Redis, which
	// is still frozen: a call that got past it would wait for Redis
	// instead, and end with its short context, not with the gate's error
	// (and a write would be applied once Redis thaws, checked below).
	gated := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, errLayoutPending) || framework.ErrorCode(err) != framework.EUNAVAILABLE {
			t.Errorf("%s before the upgrade = %v, want the layout gate's refusal", what, err)
		}
	}
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	gated("Ping", s.Ping(short))
	_, err = s.Target(short, ws, "eqs/1")
	gated("Target", err)
	_, _, err = s.AppendUpdate(short, ws, framework.Update{Target: "eqs/1", Author: "U1", Progress: 5}, store.Once{Key: "gated", TTL: time.Minute})
	gated("AppendUpdate", err)
	_, err = s.Claim(short, ws, "gated-claim", time.Minute)
	gated("Claim", err)
	srv.Thaw()
	// (The first background attempt waits a second, so this is before it.)
	if v, _ := raw.Get(ctx, prefix+":layout").Int(); v == layoutVersion {
		t.Fatal("Open upgraded while Redis did not answer: the test did not test the background path")
	}
	deadline := time.Now().Add(10 * time.Second)
	for v, _ := raw.Get(ctx, prefix+":layout").Int(); v != layoutVersion; v, _ = raw.Get(ctx, prefix+":layout").Int() {
		if time.Now().After(deadline) {
			t.Fatal("the layout was not upgraded once Redis answered")
		}
		time.Sleep(50 * time.Millisecond)
	}
	deadline = time.Now().Add(5 * time.Second)
	for s.Ping(ctx) != nil { // the layout key is set just before the store opens up
		if time.Now().After(deadline) {
			t.Fatal("the store did not answer after the upgrade")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tg, err := s.Target(ctx, ws, "eqs/1"); err != nil || tg.Title != "T" || tg.Progress != 0 {
		t.Fatalf("eqs/1 after the background upgrade = %+v, %v; want as it was", tg, err)
	}
	if ups, err := s.Updates(ctx, ws, "eqs/1", 0); err != nil || len(ups) != 0 {
		t.Errorf("updates after the background upgrade = %+v, %v; want none (the gated one was refused)", ups, err)
	}
	if ok, err := s.Claim(ctx, ws, "gated-claim", time.Minute); !ok || err != nil {
		t.Errorf("Claim of the key refused before the upgrade = %v, %v; want taken now", ok, err)
	}
}

// While another process holds the upgrade's lease, Open waits for it,
// as long as its context allows, and leaves that process's lease alone.
func TestOpenWaitsForAnotherUpgrade(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	raw := redistest.Client(t, url)
	const ws = "slack:T1"
	k := keys(prefix + ":{" + ws + "}:")
	raw.SAdd(ctx, prefix+":workspaces", ws)
	raw.SAdd(ctx, k.legacyTargets(), "eqs/1")
	raw.Set(ctx, prefix+":layout:upgrading", "another process", time.Minute)

	openCtx, cancel := context.WithTimeout(ctx, 600*time.Millisecond)
	defer cancel()
	_, err := Open(openCtx, url, &Options{Prefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || !strings.Contains(err.Error(), "waiting for another process to upgrade") {
		t.Fatalf("Open while another process upgrades = %v, want it to say it waited", err)
	}
	if v := raw.Get(ctx, prefix+":layout:upgrading").Val(); v != "another process" {
		t.Errorf("the other process's lease is now %q", v)
	}
	if raw.Exists(ctx, prefix+":layout").Val() != 0 {
		t.Error("the layout was recorded while another process held the upgrade")
	}
}
