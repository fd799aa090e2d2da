package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testNextFires pins the next-fire index a scheduler tick reads: every
// write that can change a schedule marks its workspace due at once, a
// next fire time stored takes it off until then, and a mark made after
// a read makes that read's SetNextFire a no-op.
func testNextFires(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	far := base.AddDate(1, 0, 0)
	due := func(t *testing.T, at time.Time) map[string]store.DueSchedule {
		t.Helper()
		ds, err := s.DueSchedules(ctx, at, 0, 100)
		if err != nil {
			t.Fatalf("DueSchedules: %v", err)
		}
		out := map[string]store.DueSchedule{}
		for _, d := range ds {
			out[d.Workspace] = d
		}
		return out
	}
	settle := func(t *testing.T, ws string, next time.Time) {
		t.Helper()
		d, ok := due(t, far)[ws]
		if !ok {
			t.Fatalf("%s is not in the index", ws)
		}
		if ok, err := s.SetNextFire(ctx, d, next); err != nil || !ok {
			t.Fatalf("SetNextFire(%v, %v) = %v, %v; want stored", d, next, ok, err)
		}
	}
	wantDue := func(t *testing.T, what, ws string) {
		t.Helper()
		if _, ok := due(t, base)[ws]; !ok {
			t.Errorf("after %s, %s is not due at once", what, ws)
		}
	}

	t.Run("an empty store has nothing due", func(t *testing.T) {
		if d := due(t, far); len(d) != 0 {
			t.Fatalf("DueSchedules = %v, want none", d)
		}
	})

	t.Run("each change marks its workspace due, and a next fire time unmarks it", func(t *testing.T) {
		const ws = "slack:TNEXT"
		changes := []struct {
			name string
			do   func() error
		}{
			{"Import", func() error { _, err := s.Import(ctx, ws, eqs(), base); return err }},
			{"PutSubscription", func() error {
				return s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "C1", Spec: "0 9 * * MON", CreatedAt: base})
			}},
			{"SetTimezone", func() error { return s.SetTimezone(ctx, ws, "Europe/London") }},
			{"SetReminderSpec", func() error { return s.SetReminderSpec(ctx, ws, "0 8 * * *") }},
			{"SetRemindersPaused", func() error { return s.SetRemindersPaused(ctx, ws, "2026-04-01") }},
			{"DeleteSubscription", func() error { return s.DeleteSubscription(ctx, ws, "C1") }},
		}
		for _, c := range changes {
			if err := c.do(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			wantDue(t, c.name, ws)
			settle(t, ws, base.Add(time.Hour))
			if _, ok := due(t, base)[ws]; ok {
				t.Fatalf("after SetNextFire an hour ahead, %s is still due now", ws)
			}
			d, ok := due(t, base.Add(time.Hour))[ws]
			if !ok || d.Mark != base.Add(time.Hour).UnixMilli() {
				t.Fatalf("an hour ahead, DueSchedules gives %v (%v), want %s marked %d", d, ok, ws, base.Add(time.Hour).UnixMilli())
			}
		}
	})

	t.Run("a change made after the read wins over SetNextFire", func(t *testing.T) {
		const ws = "slack:TRACE"
		mustImport(t, s, ws, eqs(), base)
		d := due(t, base)[ws]
		if err := s.SetReminderSpec(ctx, ws, "0 7 * * *"); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.SetNextFire(ctx, d, far); err != nil || ok {
			t.Fatalf("SetNextFire with a stale read = %v, %v; want not stored", ok, err)
		}
		wantDue(t, "a change after the read", ws)
		// Two changes in a row are two marks, not one.
		d = due(t, base)[ws]
		if err := s.SetReminderSpec(ctx, ws, "0 6 * * *"); err != nil {
			t.Fatal(err)
		}
		if d2 := due(t, base)[ws]; d2.Mark == d.Mark {
			t.Fatalf("a second change left the mark at %d", d.Mark)
		}
	})

	t.Run("a mark never repeats one a slower reader holds", func(t *testing.T) {
		// Two schedulers read the same mark; the faster stores a next
		// fire time (or none), then a change marks the entry again. The
		// slower one's SetNextFire, from settings read before the
		// change, must not store: the new mark differs from the one it
		// read, though the entry went through the same values.
		const ws = "slack:TABA"
		for _, next := range []time.Time{base.Add(time.Hour), {}} {
			if err := s.SetTimezone(ctx, ws, "UTC"); err != nil {
				t.Fatal(err)
			}
			slow := due(t, far)[ws]
			settle(t, ws, next)
			if err := s.SetTimezone(ctx, ws, "Europe/Paris"); err != nil {
				t.Fatal(err)
			}
			if ok, err := s.SetNextFire(ctx, slow, time.Time{}); err != nil || ok {
				t.Fatalf("after a fire time of %v and a change, SetNextFire with the mark read before both = %v, %v; want not stored", next, ok, err)
			}
			wantDue(t, "a change after another reader stored", ws)
			settle(t, ws, far)
		}
	})

	t.Run("MarkDue marks a settled workspace, and a read before it cannot unmark it", func(t *testing.T) {
		const ws = "slack:TCUT"
		if err := s.SetTimezone(ctx, ws, "UTC"); err != nil {
			t.Fatal(err)
		}
		settle(t, ws, far.AddDate(0, 0, 7))
		stale, ok := due(t, far.AddDate(0, 0, 7))[ws]
		if !ok {
			t.Fatalf("%s is not in the index", ws)
		}
		if err := s.MarkDue(ctx, ws); err != nil {
			t.Fatalf("MarkDue: %v", err)
		}
		wantDue(t, "MarkDue", ws)
		if ok, err := s.SetNextFire(ctx, stale, far); err != nil || ok {
			t.Fatalf("SetNextFire from a read before MarkDue = %v, %v; want not stored", ok, err)
		}
		wantDue(t, "MarkDue after a stale SetNextFire", ws)
		settle(t, ws, far)
	})
	t.Run("the zero next fire time removes the entry until the next change", func(t *testing.T) {
		const ws = "slack:TNONE"
		if err := s.SetTimezone(ctx, ws, "UTC"); err != nil {
			t.Fatal(err)
		}
		settle(t, ws, time.Time{})
		if _, ok := due(t, far)[ws]; ok {
			t.Fatalf("%s is still indexed after SetNextFire(zero)", ws)
		}
		if n, err := s.IndexSchedules(ctx); err != nil || n != 1 {
			t.Fatalf("IndexSchedules = %d, %v; want the one workspace with no entry", n, err)
		}
		wantDue(t, "IndexSchedules", ws)
		settle(t, ws, time.Time{})
		if err := s.SetTimezone(ctx, ws, "Europe/Paris"); err != nil {
			t.Fatal(err)
		}
		wantDue(t, "SetTimezone on an unindexed workspace", ws)
	})

	t.Run("offset and limit page through the due ones, changed ones first", func(t *testing.T) {
		for _, ws := range []string{"slack:TNEXT", "slack:TRACE", "slack:TNONE"} {
			settle(t, ws, base.Add(time.Minute))
		}
		if err := s.SetTimezone(ctx, "slack:TNONE", "UTC"); err != nil {
			t.Fatal(err)
		}
		first, err := s.DueSchedules(ctx, base.Add(time.Minute), 0, 1)
		if err != nil || len(first) != 1 || first[0].Workspace != "slack:TNONE" {
			t.Fatalf("DueSchedules(limit 1) = %v, %v; want the changed slack:TNONE first", first, err)
		}
		rest, err := s.DueSchedules(ctx, base.Add(time.Minute), 1, 10)
		if err != nil || len(rest) != 2 {
			t.Fatalf("DueSchedules(offset 1) = %v, %v; want the other two", rest, err)
		}
		if none, _ := s.DueSchedules(ctx, base, 1, 10); len(none) != 0 {
			t.Fatalf("DueSchedules before their time, after the changed one = %v", none)
		}
	})

	t.Run("restore marks the workspace, drop removes it", func(t *testing.T) {
		snap, err := store.ExportSnapshot(ctx, s, "slack:TNEXT")
		if err != nil {
			t.Fatal(err)
		}
		other := open(t)
		if err := other.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		if ds, err := other.DueSchedules(ctx, base, 0, 10); err != nil || len(ds) != 1 || ds[0].Workspace != "slack:TNEXT" {
			t.Fatalf("after Restore into a fresh store, DueSchedules = %v, %v", ds, err)
		}
		if err := s.Drop(ctx, "slack:TNEXT"); err != nil {
			t.Fatal(err)
		}
		if _, ok := due(t, far)["slack:TNEXT"]; ok {
			t.Fatalf("a dropped workspace is still indexed")
		}
	})
}
