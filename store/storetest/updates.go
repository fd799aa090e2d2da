package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testAppendUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.2"
	mustImport(t, s, ws, eqs(), base)
	var first framework.Update

	t.Run("assigns an ID and records the previous values", func(t *testing.T) {
		if err := s.NoteReminded(ctx, ws, []string{ref}); err != nil {
			t.Fatalf("NoteReminded: %v", err)
		}
		in := framework.Update{Target: ref, Author: "U1", Time: at(10), Progress: 40, Status: framework.OnTrack, Note: "kick-off done"}
		u, tg := mustAppend(t, s, ws, in)
		if u.ID == "" {
			t.Fatal("AppendUpdate returned an update with no ID")
		}
		if u.Target != ref || u.Author != "U1" || u.Progress != 40 || u.Status != framework.OnTrack || u.Note != "kick-off done" || u.Withdrawn {
			t.Fatalf("stored update = %+v, want the logged values", u)
		}
		if u.PrevProgress != 0 || u.PrevStatus != framework.NotStarted {
			t.Fatalf("stored update prev = %d %q, want 0 not-started", u.PrevProgress, u.PrevStatus)
		}
		wantTime(t, "update Time", u.Time, at(10))
		if tg.Progress != 40 || tg.Status != framework.OnTrack || tg.LastUpdate != u.ID || tg.Reminders != 0 {
			t.Fatalf("target after update = %+v, want progress 40, on-track, LastUpdate %s, Reminders 0", tg, u.ID)
		}
		wantTime(t, "target UpdatedAt", tg.UpdatedAt, at(10))
		stored := mustTarget(t, s, ws, ref)
		if stored.Progress != 40 || stored.LastUpdate != u.ID || stored.Reminders != 0 {
			t.Fatalf("stored target = %+v, want what AppendUpdate returned (%+v)", stored, tg)
		}
		first = u
	})

	t.Run("Unchanged progress keeps the progress", func(t *testing.T) {
		u, tg := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U2", Time: at(20), Progress: framework.Unchanged, Status: framework.AtRisk})
		if u.Progress != 40 || u.Status != framework.AtRisk || u.PrevProgress != 40 || u.PrevStatus != framework.OnTrack {
			t.Fatalf("stored update = %+v, want progress 40 at-risk, prev 40 on-track", u)
		}
		if tg.Progress != 40 || tg.Status != framework.AtRisk {
			t.Fatalf("target = %+v, want progress 40 kept, at-risk", tg)
		}
		if u.ID == first.ID {
			t.Fatalf("second update reused ID %s", u.ID)
		}
	})

	t.Run("an empty status keeps the status", func(t *testing.T) {
		u, tg := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(30), Progress: 55, Note: "more done"})
		if u.Progress != 55 || u.Status != framework.AtRisk || u.PrevStatus != framework.AtRisk {
			t.Fatalf("stored update = %+v, want progress 55 and status at-risk kept", u)
		}
		if tg.Progress != 55 || tg.Status != framework.AtRisk || tg.LastUpdate != u.ID {
			t.Fatalf("target = %+v", tg)
		}
		wantTime(t, "UpdatedAt", tg.UpdatedAt, at(30))
	})

	t.Run("a note-only update changes neither", func(t *testing.T) {
		u, tg := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U3", Time: at(35), Progress: framework.Unchanged, Note: "fyi"})
		if u.Progress != 55 || u.Status != framework.AtRisk || tg.Progress != 55 || tg.Status != framework.AtRisk {
			t.Fatalf("note-only update = %+v, target %+v", u, tg)
		}
	})

	t.Run("progress with no status puts a target not started on track", func(t *testing.T) {
		other := "eqs/1.1"
		u, tg := mustAppend(t, s, ws, framework.Update{Target: other, Author: "U1", Time: at(36), Progress: 10})
		if u.Status != framework.OnTrack || tg.Status != framework.OnTrack || u.PrevStatus != framework.NotStarted {
			t.Fatalf("10%% on a not-started target = %+v, target %+v; want on-track", u, tg)
		}
		// A note alone leaves it as it is; 0% does not start it.
		third := "eqs/1.10"
		if u, _ := mustAppend(t, s, ws, framework.Update{Target: third, Author: "U1", Time: at(37), Progress: framework.Unchanged, Note: "kick-off booked"}); u.Status != framework.NotStarted {
			t.Fatalf("a note started the target: %+v", u)
		}
	})

	t.Run("a missing target is ENOTFOUND and stores nothing", func(t *testing.T) {
		before, _, err := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0)
		if err != nil {
			t.Fatalf("UpdatesSince: %v", err)
		}
		_, _, err = s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/9.9", Author: "Ughost", Time: at(40), Progress: 10}, store.Once{})
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "AppendUpdate to a missing target")
		after, _, _ := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0)
		if len(after) != len(before) {
			t.Fatalf("UpdatesSince has %d updates after a failed append, want %d", len(after), len(before))
		}
		_, err = s.LastUpdateBy(ctx, ws, "Ughost")
		wantKind(t, err, framework.ErrNoUpdate, "Ughost", "LastUpdateBy after a failed append")
		_, err = s.Target(ctx, ws, "eqs/9.9")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "Target after a failed append (must not create)")
	})

	t.Run("a done target stays at 100%, checked against the stored values", func(t *testing.T) {
		_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(41), Progress: framework.Unchanged, Status: framework.Done}, store.Once{})
		wantKind(t, err, framework.ErrDoneBelow100, ref, "done while the target is at 55%")
		if f := framework.ErrorField(err); f != "status" {
			t.Fatalf("error field = %q, want status", f)
		}
		done, _ := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(42), Progress: 100, Status: framework.Done})
		_, _, err = s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(43), Progress: 60}, store.Once{})
		wantKind(t, err, framework.ErrDoneBelow100, ref, "lowering a done target's progress without a status")
		tg := mustTarget(t, s, ws, ref)
		if tg.Progress != 100 || tg.Status != framework.Done || tg.LastUpdate != done.ID {
			t.Fatalf("target after refused updates = %+v, want done at 100%% with LastUpdate %s", tg, done.ID)
		}
		_, tg = mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(44), Progress: 60, Status: framework.OnTrack})
		if tg.Progress != 60 || tg.Status != framework.OnTrack {
			t.Fatalf("reopened target = %+v, want 60%% on-track", tg)
		}
	})
}

func testUpdates(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)

	t.Run("a target with no updates has none", func(t *testing.T) {
		us, err := s.Updates(ctx, ws, "eqs/1.1", 5)
		if err != nil {
			t.Fatalf("Updates: %v", err)
		}
		if len(us) != 0 {
			t.Fatalf("Updates = %+v, want none", us)
		}
	})

	var logged []framework.Update // oldest first
	t.Run("newest first, up to n, only that target", func(t *testing.T) {
		for i := 1; i <= 6; i++ {
			u, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(i * 10), Progress: i * 10, Status: framework.OnTrack})
			logged = append(logged, u)
			mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U1", Time: at(i*10 + 1), Progress: i, Status: framework.OnTrack})
		}
		us, err := s.Updates(ctx, ws, "eqs/1.1", 10)
		if err != nil {
			t.Fatalf("Updates: %v", err)
		}
		want := slices.Clone(logged)
		slices.Reverse(want)
		if !slices.Equal(updateIDs(us), updateIDs(want)) {
			t.Fatalf("Updates IDs = %q, want newest first %q", updateIDs(us), updateIDs(want))
		}
		for i := range us {
			sameUpdate(t, "Updates entry", us[i], want[i])
		}
		us, _ = s.Updates(ctx, ws, "eqs/1.1", 2)
		if !slices.Equal(updateIDs(us), updateIDs(want[:2])) {
			t.Fatalf("Updates n=2 IDs = %q, want %q", updateIDs(us), updateIDs(want[:2]))
		}
		us, _ = s.Updates(ctx, ws, "eqs/1.1", 1)
		if len(us) != 1 || us[0].ID != want[0].ID {
			t.Fatalf("Updates n=1 = %q, want [%s]", updateIDs(us), want[0].ID)
		}
	})

	t.Run("withdrawn updates are included", func(t *testing.T) {
		last := logged[len(logged)-1]
		if _, _, err := s.Withdraw(ctx, ws, last.ID, at(100)); err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		us, _ := s.Updates(ctx, ws, "eqs/1.1", 3)
		if len(us) != 3 || us[0].ID != last.ID || !us[0].Withdrawn {
			t.Fatalf("Updates after withdraw = %+v, want the withdrawn one first, marked", us)
		}
		wantTime(t, "WithdrawnAt", us[0].WithdrawnAt, at(100))
	})

	t.Run("a missing target is ENOTFOUND", func(t *testing.T) {
		_, err := s.Updates(ctx, ws, "eqs/9.9", 5)
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "Updates of a missing target")
	})
}

func testUpdatesSince(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)

	u1, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(10), Progress: 10})
	u2, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/2.1", Author: "U2", Time: at(20), Progress: 20})
	u3, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(30), Progress: 30})
	u4, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.10", Author: "U3", Time: at(40), Progress: 40})

	since := func(t *testing.T, from, until time.Time, limit int) ([]framework.Update, int) {
		t.Helper()
		us, total, err := s.UpdatesSince(ctx, ws, from, until, limit)
		if err != nil {
			t.Fatalf("UpdatesSince: %v", err)
		}
		return us, total
	}

	t.Run("oldest first, across targets, with the total", func(t *testing.T) {
		us, total := since(t, time.Time{}, time.Time{}, 0)
		if want := []string{u1.ID, u2.ID, u3.ID, u4.ID}; !slices.Equal(updateIDs(us), want) || total != 4 {
			t.Fatalf("UpdatesSince(zero) = %q (total %d), want %q (total 4)", updateIDs(us), total, want)
		}
		sameUpdate(t, "UpdatesSince entry", us[1], u2)
	})

	t.Run("only updates strictly after since", func(t *testing.T) {
		us, total := since(t, at(20), time.Time{}, 0)
		if want := []string{u3.ID, u4.ID}; !slices.Equal(updateIDs(us), want) || total != 2 {
			t.Fatalf("UpdatesSince(+20m) = %q (total %d), want %q (total 2)", updateIDs(us), total, want)
		}
		if us, total = since(t, at(40), time.Time{}, 0); len(us) != 0 || total != 0 {
			t.Fatalf("UpdatesSince(newest) = %q (total %d), want none", updateIDs(us), total)
		}
	})

	t.Run("until is inclusive", func(t *testing.T) {
		us, total := since(t, at(10), at(30), 0)
		if want := []string{u2.ID, u3.ID}; !slices.Equal(updateIDs(us), want) || total != 2 {
			t.Fatalf("UpdatesSince(+10m, +30m] = %q (total %d), want %q (total 2)", updateIDs(us), total, want)
		}
	})

	t.Run("a limit keeps the newest, oldest first, and counts them all", func(t *testing.T) {
		us, total := since(t, time.Time{}, time.Time{}, 2)
		if want := []string{u3.ID, u4.ID}; !slices.Equal(updateIDs(us), want) || total != 4 {
			t.Fatalf("UpdatesSince(limit 2) = %q (total %d), want %q (total 4)", updateIDs(us), total, want)
		}
		us, total = since(t, time.Time{}, at(30), 1)
		if want := []string{u3.ID}; !slices.Equal(updateIDs(us), want) || total != 3 {
			t.Fatalf("UpdatesSince(until +30m, limit 1) = %q (total %d), want %q (total 3)", updateIDs(us), total, want)
		}
	})

	t.Run("the count is exact within a millisecond of either edge", func(t *testing.T) {
		const w2 = "slack:T2"
		mustImport(t, s, w2, eqs(), base)
		edge := at(100)
		for i, d := range []time.Duration{0, 300 * time.Microsecond, 10 * time.Millisecond, time.Minute, time.Minute + 700*time.Microsecond} {
			// Each has a note: the first sets the progress it already has.
			mustAppend(t, s, w2, framework.Update{Target: "eqs/1.1", Author: "U1", Time: edge.Add(d), Progress: i, Note: "edge"})
		}
		// (edge, edge+1m+200µs] holds +300µs, +10ms and +1m, not edge itself or +1m700µs.
		us, total, err := s.UpdatesSince(ctx, w2, edge, edge.Add(time.Minute+200*time.Microsecond), 1)
		if err != nil {
			t.Fatalf("UpdatesSince: %v", err)
		}
		if total != 3 || len(us) != 1 || us[0].Progress != 3 {
			t.Fatalf("UpdatesSince near the edges = %d listed (progress %v), total %d; want the +1m update, total 3", len(us), progresses(us), total)
		}
	})

	t.Run("withdrawn updates are neither listed nor counted", func(t *testing.T) {
		if _, _, err := s.Withdraw(ctx, ws, u4.ID, at(45)); err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		us, total := since(t, at(5), time.Time{}, 0)
		if want := []string{u1.ID, u2.ID, u3.ID}; !slices.Equal(updateIDs(us), want) || total != 3 {
			t.Fatalf("UpdatesSince after withdraw = %q (total %d), want %q (total 3)", updateIDs(us), total, want)
		}
		if us, total = since(t, at(5), time.Time{}, 1); len(us) != 1 || us[0].ID != u3.ID || total != 3 {
			t.Fatalf("UpdatesSince(limit 1) after withdraw = %q (total %d), want %s (total 3)", updateIDs(us), total, u3.ID)
		}
	})
}

func testLastUpdateBy(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)

	t.Run("someone who logged nothing is ENOTFOUND", func(t *testing.T) {
		_, err := s.LastUpdateBy(ctx, ws, "U1")
		wantKind(t, err, framework.ErrNoUpdate, "U1", "LastUpdateBy with no updates")
	})

	a, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(1), Progress: 10})
	mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U2", Time: at(2), Progress: 20})
	b, _ := mustAppend(t, s, ws, framework.Update{Target: "eqs/2.1", Author: "U1", Time: at(3), Progress: 30, Note: "mine"})
	mustAppend(t, s, ws, framework.Update{Target: "eqs/1.2", Author: "U2", Time: at(4), Progress: 40})

	t.Run("returns the author's newest update", func(t *testing.T) {
		got, err := s.LastUpdateBy(ctx, ws, "U1")
		if err != nil {
			t.Fatalf("LastUpdateBy: %v", err)
		}
		sameUpdate(t, "LastUpdateBy U1", got, b)
		if got.ID == a.ID {
			t.Fatal("LastUpdateBy returned the older update")
		}
	})

	t.Run("a withdrawn newest update is still returned, marked", func(t *testing.T) {
		w, _, err := s.Withdraw(ctx, ws, b.ID, at(5))
		if err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		got, err := s.LastUpdateBy(ctx, ws, "U1")
		if err != nil {
			t.Fatalf("LastUpdateBy: %v", err)
		}
		sameUpdate(t, "LastUpdateBy after withdraw", got, w)
		if !got.Withdrawn {
			t.Fatalf("LastUpdateBy = %+v, want it marked withdrawn", got)
		}
	})
}

func progresses(us []framework.Update) []int {
	out := make([]int, len(us))
	for i, u := range us {
		out[i] = u.Progress
	}
	return out
}

// An update that carries a claim (store.Once) takes it in the same
// write: the first runs, a replay changes nothing and says so, and the
// claim is taken even when the update is refused, so a replay is
// refused whatever has changed since. Claim sees the same keys.
func testAppendUpdateOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	once := func(key string) store.Once { return store.Once{Key: key, TTL: time.Minute} }
	in := framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(1), Progress: 30}

	u, _, err := s.AppendUpdate(ctx, ws, in, once("once:sig:a"))
	if err != nil {
		t.Fatalf("first AppendUpdate with a claim: %v", err)
	}
	before := mustTarget(t, s, ws, "eqs/1.1")
	again := in
	again.Progress, again.Time = 60, at(2)
	_, _, err = s.AppendUpdate(ctx, ws, again, once("once:sig:a"))
	wantKind(t, err, framework.ErrReplayed, "once:sig:a", "a replayed AppendUpdate")
	if tg := mustTarget(t, s, ws, "eqs/1.1"); !sameTarget(tg, before) || tg.LastUpdate != u.ID {
		t.Fatalf("after a replay the target is %+v, want it untouched (%+v)", tg, before)
	}
	if us, err := s.Updates(ctx, ws, "eqs/1.1", 0); err != nil || len(us) != 1 {
		t.Fatalf("after a replay Updates = %d, %v; want the first update alone", len(us), err)
	}
	if ok, err := s.Claim(ctx, ws, "once:sig:a", time.Minute); ok || err != nil {
		t.Fatalf("Claim of a key an update took = %v, %v; want false", ok, err)
	}

	// The same key in another workspace is another claim.
	mustImport(t, s, "slack:T2", eqs(), base)
	if _, _, err := s.AppendUpdate(ctx, "slack:T2", in, once("once:sig:a")); err != nil {
		t.Fatalf("the same key in another workspace: %v", err)
	}

	// Refused updates take their claim all the same: a missing target
	// (one no key could hold too), a no-op, an archived target.
	for _, c := range []struct {
		key  string
		u    framework.Update
		kind framework.Kind
	}{
		{"once:sig:missing", framework.Update{Target: "eqs/9.9", Author: "U1", Time: at(3), Progress: 10}, framework.ErrTargetNotFound},
		{"once:sig:badref", framework.Update{Target: "eqs/1.1:x", Author: "U1", Time: at(3), Progress: 10}, framework.ErrTargetNotFound},
		{"once:sig:nochange", framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(3), Progress: 30}, framework.ErrNoChange},
	} {
		_, _, err := s.AppendUpdate(ctx, ws, c.u, once(c.key))
		if !errors.Is(err, c.kind) {
			t.Fatalf("AppendUpdate %s = %v, want %s", c.key, err, c.kind)
		}
		_, _, err = s.AppendUpdate(ctx, ws, in, once(c.key))
		wantKind(t, err, framework.ErrReplayed, c.key, "AppendUpdate after a refused "+c.key)
	}
	if _, _, err := s.AppendUpdate(ctx, ws, in, store.Once{Key: "once:sig:nottl"}); framework.ErrorCode(err) != framework.EINVALID {
		t.Fatalf("a claim without a TTL = %v, want EINVALID", err)
	}
	if us, err := s.Updates(ctx, ws, "eqs/1.1", 0); err != nil || len(us) != 1 {
		t.Fatalf("after the refusals Updates = %d, %v; want the first update alone", len(us), err)
	}
}
