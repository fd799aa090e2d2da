package storetest

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testWithdraw(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.1"
	mustImport(t, s, ws, eqs(), base)

	u1, _ := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(10), Progress: 40, Status: framework.OnTrack})
	u2, _ := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U1", Time: at(20), Progress: 70, Status: framework.AtRisk, Note: "oops"})

	t.Run("an update that is not the latest is ECONFLICT", func(t *testing.T) {
		_, _, err := s.Withdraw(ctx, ws, u1.ID, at(25))
		wantKind(t, err, framework.ErrNotLatest, u1.ID, "Withdraw of an older update")
		if tg := mustTarget(t, s, ws, ref); tg.Progress != 70 || tg.LastUpdate != u2.ID {
			t.Fatalf("target after a rejected withdraw = %+v, want it unchanged", tg)
		}
	})

	t.Run("restores the previous progress and status", func(t *testing.T) {
		w, tg, err := s.Withdraw(ctx, ws, u2.ID, at(30))
		if err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		if w.ID != u2.ID || !w.Withdrawn || w.Progress != 70 || w.Note != "oops" || w.PrevProgress != 40 {
			t.Fatalf("withdrawn update = %+v, want the record kept and marked", w)
		}
		wantTime(t, "WithdrawnAt", w.WithdrawnAt, at(30))
		for _, tg := range []framework.Target{tg, mustTarget(t, s, ws, ref)} {
			if tg.Progress != 40 || tg.Status != framework.OnTrack || tg.LastUpdate != "" {
				t.Fatalf("target after withdraw = %+v, want progress 40, on-track, no LastUpdate", tg)
			}
		}
	})

	t.Run("the record stays in history", func(t *testing.T) {
		us, err := s.Updates(ctx, ws, ref, 10)
		if err != nil {
			t.Fatalf("Updates: %v", err)
		}
		if len(us) != 2 || us[0].ID != u2.ID || !us[0].Withdrawn || us[1].ID != u1.ID || us[1].Withdrawn {
			t.Fatalf("history = %+v, want u2 (withdrawn) then u1", us)
		}
	})

	t.Run("twice is ECONFLICT", func(t *testing.T) {
		_, _, err := s.Withdraw(ctx, ws, u2.ID, at(35))
		wantKind(t, err, framework.ErrAlreadyWithdrawn, u2.ID, "Withdraw twice")
		us, _ := s.Updates(ctx, ws, ref, 1)
		wantTime(t, "WithdrawnAt after a second attempt", us[0].WithdrawnAt, at(30))
	})

	t.Run("an update whose later updates were all withdrawn is the newest in force", func(t *testing.T) {
		const other = "eqs/1.2"
		a, _ := mustAppend(t, s, ws, framework.Update{Target: other, Author: "U1", Time: at(36), Progress: 40, Status: framework.OnTrack})
		b, _ := mustAppend(t, s, ws, framework.Update{Target: other, Author: "U2", Time: at(37), Progress: 70, Status: framework.AtRisk})
		c, _ := mustAppend(t, s, ws, framework.Update{Target: other, Author: "U3", Time: at(38), Progress: 90})
		if _, _, err := s.Withdraw(ctx, ws, c.ID, at(39)); err != nil {
			t.Fatalf("Withdraw of the newest: %v", err)
		}
		// b still stands between a and the withdrawn c.
		_, _, err := s.Withdraw(ctx, ws, a.ID, at(39))
		wantKind(t, err, framework.ErrNotLatest, a.ID, "Withdraw with an update in force after it")
		if tg := mustTarget(t, s, ws, other); tg.Progress != 70 || tg.Status != framework.AtRisk {
			t.Fatalf("target after a rejected withdraw = %+v, want 70 at-risk", tg)
		}
		if _, tg, err := s.Withdraw(ctx, ws, b.ID, at(40)); err != nil || tg.Progress != 40 || tg.Status != framework.OnTrack {
			t.Fatalf("Withdraw of b past the withdrawn c = %+v, %v, want 40 on-track", tg, err)
		}
		w, tg, err := s.Withdraw(ctx, ws, a.ID, at(41))
		if err != nil || !w.Withdrawn || tg.Progress != 0 || tg.Status != framework.NotStarted || tg.LastUpdate != "" {
			t.Fatalf("Withdraw of a past the withdrawn b and c = %+v, %+v, %v, want 0 not-started", w, tg, err)
		}
		if tg := mustTarget(t, s, ws, other); tg.Progress != 0 || tg.Status != framework.NotStarted {
			t.Fatalf("stored target = %+v, want 0 not-started", tg)
		}
	})

	t.Run("an update after a withdraw can be withdrawn", func(t *testing.T) {
		u3, _ := mustAppend(t, s, ws, framework.Update{Target: ref, Author: "U2", Time: at(40), Progress: 100, Status: framework.Done})
		if u3.PrevProgress != 40 || u3.PrevStatus != framework.OnTrack {
			t.Fatalf("update after a withdraw = %+v, want prev 40 on-track (the restored values)", u3)
		}
		_, tg, err := s.Withdraw(ctx, ws, u3.ID, at(41))
		if err != nil {
			t.Fatalf("Withdraw: %v", err)
		}
		if tg.Status != framework.OnTrack || tg.Progress != 40 {
			t.Fatalf("target = %+v, want on-track 40 again", tg)
		}
	})

	t.Run("an archived target's update cannot be withdrawn", func(t *testing.T) {
		const other = "eqs/2.1"
		u, _ := mustAppend(t, s, ws, framework.Update{Target: other, Author: "U1", Time: at(45), Progress: 30})
		mustChange(t, s, ws, other, framework.Change{Kind: framework.EventArchive})
		_, _, err := s.Withdraw(ctx, ws, u.ID, at(46))
		wantKind(t, err, framework.ErrArchived, other, "Withdraw on an archived target")
		if tg := mustTarget(t, s, ws, other); tg.Progress != 30 || tg.LastUpdate != u.ID {
			t.Fatalf("archived target after a refused withdraw = %+v, want it unchanged", tg)
		}
	})

	t.Run("an unknown id is ENOTFOUND", func(t *testing.T) {
		_, _, err := s.Withdraw(ctx, ws, "no-such-update", at(50))
		wantKind(t, err, framework.ErrUpdateNotFound, "no-such-update", "Withdraw unknown id")
		_, _, err = s.Withdraw(ctx, ws, "", at(50))
		wantKind(t, err, framework.ErrUpdateNotFound, "", "Withdraw empty id")
	})
}
