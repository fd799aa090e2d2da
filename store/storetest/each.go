package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testEachUpdate pins EachUpdate against UpdatesSince: the same updates
// in every window, each target's oldest first across batches, deep
// histories read to the window's start and no further, and fn's error
// returned as it is.
func testEachUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	refs := []string{"eqs/1.1", "eqs/1.2", "eqs/2.1"}
	// 1.1 is deep (300 updates), 1.2 shallow, 2.1 has one logged out of
	// time order (an hour before the one logged just before it).
	for i := range 300 {
		mustAppend(t, s, ws, framework.Update{Target: refs[0], Author: "U1", Time: at(i + 1), Progress: i % 100, Note: fmt.Sprint(i)})
	}
	mustAppend(t, s, ws, framework.Update{Target: refs[1], Author: "U2", Time: at(50), Progress: 5})
	mustAppend(t, s, ws, framework.Update{Target: refs[1], Author: "U2", Time: at(250), Progress: 25})
	mustAppend(t, s, ws, framework.Update{Target: refs[2], Author: "U3", Time: at(200), Progress: 20})
	mustAppend(t, s, ws, framework.Update{Target: refs[2], Author: "U3", Time: at(140), Progress: 14})
	last, _ := mustAppend(t, s, ws, framework.Update{Target: refs[0], Author: "U1", Time: at(301), Progress: 99, Note: "withdrawn"})
	if _, _, err := s.Withdraw(ctx, ws, last.ID, at(302)); err != nil {
		t.Fatalf("Withdraw: %v", err)
	}

	each := func(t *testing.T, since, until time.Time) []framework.Update {
		t.Helper()
		var out []framework.Update
		latest := map[string]framework.Update{}
		err := s.EachUpdate(ctx, ws, since, until, func(us []framework.Update) error {
			for _, u := range us {
				if p, ok := latest[u.Target]; ok && u.Time.Before(p.Time) {
					t.Errorf("%s's update %s at %v came after %s at %v", u.Target, u.ID, u.Time, p.ID, p.Time)
				}
				latest[u.Target] = u
				out = append(out, u)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("EachUpdate: %v", err)
		}
		return out
	}
	for _, tc := range []struct {
		name         string
		since, until time.Time
	}{
		{"all of it", time.Time{}, time.Time{}},
		{"a window in the middle", at(100), at(200)},
		{"since only", at(199), time.Time{}},
		{"the newest minute", at(299), time.Time{}},
		{"after everything", at(400), time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, total, err := s.UpdatesSince(ctx, ws, tc.since, tc.until, 0)
			if err != nil {
				t.Fatalf("UpdatesSince: %v", err)
			}
			got := each(t, tc.since, tc.until)
			byID := func(us []framework.Update) []string {
				ids := updateIDs(us)
				slices.Sort(ids)
				return ids
			}
			if !slices.Equal(byID(got), byID(want)) || len(got) != total {
				t.Fatalf("EachUpdate gave %d updates, UpdatesSince %d of %d", len(got), len(want), total)
			}
			for _, u := range got {
				if u.Withdrawn || !u.Time.After(tc.since) || !tc.until.IsZero() && u.Time.After(tc.until) {
					t.Errorf("update %s at %v is outside (%v, %v] or withdrawn", u.ID, u.Time, tc.since, tc.until)
				}
			}
		})
	}

	t.Run("fn's error stops it", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := s.EachUpdate(ctx, ws, time.Time{}, time.Time{}, func([]framework.Update) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("EachUpdate = %v after %d calls, want fn's error after 1", err, calls)
		}
	})

	t.Run("a workspace with nothing", func(t *testing.T) {
		if got := len(eachOf(t, s, "slack:T9")); got != 0 {
			t.Fatalf("EachUpdate of an empty workspace gave %d updates", got)
		}
	})
}

func eachOf(t *testing.T, s store.Store, ws string) []framework.Update {
	t.Helper()
	var out []framework.Update
	if err := s.EachUpdate(context.Background(), ws, time.Time{}, time.Time{}, func(us []framework.Update) error {
		out = append(out, us...)
		return nil
	}); err != nil {
		t.Fatalf("EachUpdate: %v", err)
	}
	return out
}
