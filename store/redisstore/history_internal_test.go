package redisstore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// One target's history, taken from its first update to a deep one: it
// is read whole, newest first, by every reader, at every depth, through
// each change of shape (inline; inline and listed; deep), with updates
// made out of time order, undone, and restored.
func TestHistoryShapes(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	const ws, ref = "slack:T1", "eqs/1"
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O", Targets: []framework.TargetSpec{{Code: "1", Title: "T"}}}}}
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("", 3600))
	if _, err := s.Import(ctx, ws, fw, t0); err != nil {
		t.Fatal(err)
	}
	k := s.keys(ws)
	var made []framework.Update // newest made first, as the store reads them
	check := func(n int) {
		t.Helper()
		got, err := s.Updates(ctx, ws, ref, 0)
		if err != nil || len(got) != len(made) {
			t.Fatalf("after %d updates: Updates = %d, %v; want %d", n, len(got), err, len(made))
		}
		for i := range made {
			if !sameUpdate(got[i], made[i]) {
				t.Fatalf("after %d updates: update %d = %+v, want %+v", n, i, got[i], made[i])
			}
		}
		if top, _ := s.Updates(ctx, ws, ref, 3); len(top) != min(3, len(made)) || top[0].ID != made[0].ID {
			t.Fatalf("after %d updates: the newest 3 = %+v", n, top)
		}
		since := t0.Add(time.Duration(n/2) * time.Hour)
		want := 0
		for _, u := range made {
			if u.Time.After(since) && !u.Withdrawn {
				want++
			}
		}
		if _, count, err := s.UpdatesSince(ctx, ws, since, time.Time{}, 5); err != nil || count != want {
			t.Fatalf("after %d updates: UpdatesSince counts %d, %v; want %d", n, count, err, want)
		}
		if !made[0].Withdrawn {
			if u, err := s.LastUpdateBy(ctx, ws, made[0].Author); err != nil || u.ID != made[0].ID {
				t.Fatalf("after %d updates: LastUpdateBy = %+v, %v; want %s", n, u, err, made[0].ID)
			}
		}
	}
	for i := 1; i <= 100; i++ {
		at := t0.Add(time.Duration(i) * time.Hour)
		if i%7 == 0 {
			at = t0.Add(time.Duration(i-20) * time.Hour) // made out of time order
		}
		u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: fmt.Sprint("U", i%3), Time: at, Progress: i % 100,
			Note: strings.Repeat("n", i%60)}, store.Once{})
		if err != nil {
			t.Fatal(err)
		}
		made = slices.Insert(made, 0, u)
		if i%9 == 0 { // undo it: the newest, inline or listed
			w, _, err := s.Withdraw(ctx, ws, u.ID, at.Add(time.Minute))
			if err != nil {
				t.Fatalf("withdraw update %d: %v", i, err)
			}
			made[0] = w
		}
		if i <= 10 || i%8 == 0 || i > 70 && i < 80 {
			check(i)
		}
	}
	if n, _ := s.c.HExists(ctx, k.shortHistories(), ref).Result(); n {
		t.Error("a deep history kept its inline field")
	}
	if n, _ := s.c.LLen(ctx, k.history(ref)).Result(); n != 100 {
		t.Errorf("a deep history's list holds %d records, want all 100", n)
	}

	// A restore writes it back in the shape the script keeps, and reads
	// back the same; so does a short one.
	for _, keep := range []int{100, 5} {
		snap, err := s.snapshot(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		snap.Updates = snap.Updates[len(snap.Updates)-keep:]
		snap.Targets[0].LastUpdate, snap.Targets[0].UpdatedAt = "", time.Time{}
		if last := snap.Updates[len(snap.Updates)-1]; !last.Withdrawn {
			snap.Targets[0].LastUpdate, snap.Targets[0].UpdatedAt = last.ID, last.Time
		}
		if err := snap.Check(); err != nil {
			t.Fatal(err)
		}
		if err := s.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
			t.Fatal(err)
		}
		made = made[:keep]
		check(keep)
	}
	if v, _ := s.c.HGet(ctx, k.shortHistories(), ref).Result(); v == "" || v[strings.Index(v, frameSep)+1] != recSep[0] {
		t.Errorf("a restored short history's newest record keeps its time and id: %.40q", v)
	}
}

// sameUpdate compares what a store keeps of an update.
func sameUpdate(a, b framework.Update) bool {
	return a.ID == b.ID && a.Target == b.Target && a.Author == b.Author && a.Time.Equal(b.Time) && a.Progress == b.Progress &&
		a.Status == b.Status && a.Note == b.Note && a.PrevProgress == b.PrevProgress && a.PrevStatus == b.PrevStatus &&
		a.Withdrawn == b.Withdrawn && a.WithdrawnAt.Equal(b.WithdrawnAt)
}

// A Redis the previous release wrote (layout 2: every history a list,
// target times in RFC 3339) opens as it is: it reads as it did, a listed
// history takes its updates on its list, a target without history starts
// one inline, and undo and export work on both.
func TestOpenKeepsTheSecondLayout(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	quiet := &Options{Prefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	old := New(redistest.Client(t, url), quiet) // its client and keys only: layout 2 is written by hand
	const ws = "slack:T1"
	k := old.keys(ws)
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 123456789, time.FixedZone("", 3600))
	ups := []framework.Update{ // oldest first
		{ID: "018f0000000000010000aaaa", Target: "eqs/1", Author: "U1", Time: t0.Add(time.Minute), Progress: 10, Status: framework.OnTrack, PrevStatus: framework.NotStarted, Note: "first"},
		{ID: "018f0000000000020000bbbb", Target: "eqs/1", Author: "U2", Time: t0.Add(3 * time.Minute), Progress: 20, Status: framework.OnTrack, PrevProgress: 10, PrevStatus: framework.OnTrack},
		{ID: "018f0000000000030000cccc", Target: "eqs/1", Author: "U1", Time: t0.Add(2 * time.Minute), Progress: 30, Status: framework.AtRisk, PrevProgress: 20, PrevStatus: framework.OnTrack, Note: "late"},
	}
	targets := []framework.Target{
		{Framework: "eqs", Objective: "1", Code: "1", Title: "One", Status: framework.AtRisk, Progress: 30, LastUpdate: ups[2].ID, UpdatedAt: ups[2].Time, CreatedAt: t0, Owner: "U9"},
		{Framework: "eqs", Objective: "1", Code: "2", Title: "Two", Status: framework.NotStarted, CreatedAt: t0},
	}
	_, err := old.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, prefix+":layout", 2, 0)
		p.SAdd(ctx, old.workspaces(), ws)
		p.HSet(ctx, k.settings(), "timezone", "Europe/London", "cycle", "2026/27", "cycle_started", fmtTime(t0))
		p.SAdd(ctx, k.frameworks(), "eqs")
		for i := range targets {
			f := strings.Split(encodeTarget(&targets[i]), recSep)
			f[12], f[13] = fmtTime(targets[i].UpdatedAt), fmtTime(targets[i].CreatedAt) // as layout 2 kept them
			p.HSet(ctx, k.targets(), targets[i].Ref(), strings.Join(f, recSep))
		}
		latest := ""
		for i := range ups {
			p.LPush(ctx, k.history("eqs/1"), encodeUpdate(&ups[i], latest))
			latest = max(latest, fmtNanos(ups[i].Time))
		}
		p.HSet(ctx, k.last(), "U1", "eqs/1"+recSep+ups[2].ID, "U2", "eqs/1"+recSep+ups[1].ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, url, quiet)
	if err != nil {
		t.Fatalf("Open over layout 2: %v", err)
	}
	defer s.Close()
	if v, _ := s.c.Get(ctx, s.layoutKey()).Int(); v != layoutVersion {
		t.Fatalf("layout after Open = %d, want %d", v, layoutVersion)
	}
	if tg, err := s.Target(ctx, ws, "eqs/1"); err != nil || !tg.UpdatedAt.Equal(ups[2].Time) || !tg.CreatedAt.Equal(t0) || tg.LastUpdate != ups[2].ID {
		t.Fatalf("a layout 2 target reads %+v, %v", tg, err)
	}
	read := func(ref string) []framework.Update {
		t.Helper()
		us, err := s.Updates(ctx, ws, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		return us
	}
	if us := read("eqs/1"); len(us) != 3 || !sameUpdate(us[0], ups[2]) || !sameUpdate(us[2], ups[0]) {
		t.Fatalf("a layout 2 history reads %+v", us)
	}
	if u, err := s.LastUpdateBy(ctx, ws, "U2"); err != nil || u.ID != ups[1].ID {
		t.Fatalf("LastUpdateBy(U2) = %+v, %v", u, err)
	}
	if us, n, err := s.UpdatesSince(ctx, ws, t0.Add(90*time.Second), time.Time{}, 1); err != nil || n != 2 || us[0].ID != ups[1].ID {
		t.Fatalf("UpdatesSince = %+v, %d, %v; want 2, the newest %s", us, n, err, ups[1].ID)
	}

	u1, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1", Author: "U1", Time: t0.Add(time.Hour), Progress: 40}, store.Once{})
	if err != nil {
		t.Fatal(err)
	}
	u2, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/2", Author: "U2", Time: t0.Add(time.Hour), Progress: 5}, store.Once{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.c.LLen(ctx, k.history("eqs/1")).Result(); n != 4 || s.c.HExists(ctx, k.shortHistories(), "eqs/1").Val() {
		t.Errorf("a listed history's update: its list holds %d, inline field %v; want 4 and none", n, s.c.HExists(ctx, k.shortHistories(), "eqs/1").Val())
	}
	if s.c.Exists(ctx, k.history("eqs/2")).Val() != 0 || !s.c.HExists(ctx, k.shortHistories(), "eqs/2").Val() {
		t.Error("a layout 2 target's first update was not kept inline")
	}
	if us := read("eqs/1"); len(us) != 4 || us[0].ID != u1.ID || us[0].PrevProgress != 30 || us[0].PrevStatus != framework.AtRisk {
		t.Fatalf("after an update, the listed history reads %+v", us)
	}
	for _, u := range []framework.Update{u1, u2} {
		if w, _, err := s.Withdraw(ctx, ws, u.ID, t0.Add(2*time.Hour)); err != nil || !w.Withdrawn {
			t.Fatalf("Withdraw(%s) = %+v, %v", u.ID, w, err)
		}
	}
	if us := read("eqs/2"); len(us) != 1 || !us[0].Withdrawn || us[0].ID != u2.ID {
		t.Fatalf("the inline history after its undo reads %+v", us)
	}
	snap, err := s.snapshot(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Updates) != 5 || len(snap.Targets) != 2 {
		t.Fatalf("the export holds %d updates and %d targets, want 5 and 2", len(snap.Updates), len(snap.Targets))
	}
	before := append(read("eqs/1"), read("eqs/2")...)
	if err := s.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	after := append(read("eqs/1"), read("eqs/2")...)
	if len(after) != len(before) {
		t.Fatalf("after a restore: %d updates, want %d", len(after), len(before))
	}
	for i := range before {
		if !sameUpdate(after[i], before[i]) {
			t.Fatalf("after a restore: update %d = %+v, want %+v", i, after[i], before[i])
		}
	}
}
