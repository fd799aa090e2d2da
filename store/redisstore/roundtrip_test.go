package redisstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// counter counts a store's round trips.
type counter = redistest.RoundTrips

// trips runs f and returns how many round trips it made.
func trips(t testing.TB, c *counter, what string, f func() error) int64 {
	t.Helper()
	n, err := c.Count(f)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return n
}

func counted(t testing.TB) (*redisstore.Store, *counter) {
	s := open(t)
	c := &counter{}
	s.AddHook(c)
	return s, c
}

// sizedFramework has n targets in objectives of ten.
func sizedFramework(id string, n int) *framework.Framework {
	fw := &framework.Framework{ID: id, Name: "Sized " + id}
	for i := range n {
		obj := fmt.Sprint(i/10 + 1)
		if i%10 == 0 {
			fw.Objectives = append(fw.Objectives, framework.Objective{Code: obj, Title: "Objective " + obj})
		}
		o := &fw.Objectives[len(fw.Objectives)-1]
		o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%s.%d", obj, i%10+1), Title: fmt.Sprintf("Target %d", i+1)})
	}
	return fw
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// TestWriteIsOneRoundTrip pins DESIGN.md section 5: every write command
// is one round trip (a script, or one MULTI/EXEC). Each write runs once
// to warm the server's script cache (a cold cache costs one EVAL retry),
// then is counted.
func TestWriteIsOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, c := counted(t)
	const ws = "slack:T1"
	ref := "rt/1.1"
	due := framework.Date("2026-04-01")
	owner := "U9"

	// lastID is the update Withdraw undoes, looked up outside the count.
	var lastID string
	cases := []struct {
		name string
		run  func(ws string) error
	}{
		{"Import", func(ws string) error {
			_, err := s.Import(ctx, ws, sizedFramework("rt", 18), t0)
			return err
		}},
		{"AppendUpdate", func(ws string) error {
			_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: t0, Progress: 30, Status: framework.OnTrack}, store.Once{})
			return err
		}},
		{"Withdraw", func(ws string) error {
			_, _, err := s.Withdraw(ctx, ws, lastID, t0.Add(time.Minute))
			return err
		}},
		{"ChangeTarget assign", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventAssign, Owner: owner, Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget due", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventDue, Due: due, Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget rate", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Achieving, Reason: "why", Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget snooze", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventSnooze, Until: due, Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget edit", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventEdit, Title: "Retitled", Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget archive", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, "rt/1.2", framework.Change{Kind: framework.EventArchive, Author: "U1", Time: t0})
			return err
		}},
		{"ChangeTarget restore", func(ws string) error {
			_, _, err := s.ChangeTarget(ctx, ws, "rt/1.2", framework.Change{Kind: framework.EventRestore, Author: "U1", Time: t0})
			return err
		}},
		{"AddEvidence", func(ws string) error {
			_, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org/e", Author: "U1", Time: t0})
			return err
		}},
		{"StartCycle", func(ws string) error {
			_, _, err := s.StartCycle(ctx, ws, "2026/27", t0)
			return err
		}},
		{"AddTarget", func(ws string) error {
			return s.AddTarget(ctx, ws, framework.Target{Framework: "rt", Objective: "1", Code: "x1", Title: "Custom", Custom: true, CreatedAt: t0})
		}},
		{"NoteReminded", func(ws string) error { return s.NoteReminded(ctx, ws, []string{ref, "rt/1.2", "rt/none"}) }},
		{"SetTimezone", func(ws string) error { return s.SetTimezone(ctx, ws, "Europe/London") }},
		{"SetReminderSpec", func(ws string) error { return s.SetReminderSpec(ctx, ws, "0 10 * * MON-FRI") }},
		{"PutSubscription", func(ws string) error {
			return s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "C1", Spec: framework.DefaultDigestSpec, CreatedAt: t0})
		}},
		{"MarkDigested", func(ws string) error { return s.MarkDigested(ctx, ws, "C1", t0) }},
		{"DeleteSubscription", func(ws string) error { return s.DeleteSubscription(ctx, ws, "C1") }},
		{"Claim", func(ws string) error {
			ok, err := s.Claim(ctx, ws, "digest:C1:2026-03-02T09:00", time.Hour)
			if err == nil && !ok {
				err = fmt.Errorf("first claim was refused")
			}
			return err
		}},
	}
	// The cases run in order, first against a warm-up workspace (which
	// loads the scripts into the server's cache), then counted.
	for _, warm := range []bool{true, false} {
		w := ws
		if warm {
			w = "slack:warm-up"
		}
		for _, tc := range cases {
			if tc.name == "Withdraw" {
				u, err := s.LastUpdateBy(ctx, w, "U1")
				if err != nil {
					t.Fatalf("LastUpdateBy: %v", err)
				}
				lastID = u.ID
			}
			n := trips(t, c, tc.name, func() error { return tc.run(w) })
			if warm {
				t.Logf("%s, first run (script cache may be cold): %d round trips", tc.name, n)
			}
			if !warm && n != 1 {
				t.Errorf("%s cost %d round trips, want 1", tc.name, n)
			}
		}
	}
}

// TestDigestReadsDoNotGrow pins that the digest's reads cost the same
// number of round trips whatever the workspace's size: the updates'
// grow only with the logarithm of the deepest history in the window.
func TestDigestReadsDoNotGrow(t *testing.T) {
	ctx := context.Background()
	s, c := counted(t)
	if testing.Short() {
		t.Skip("seeds 5,000 updates")
	}

	readTargets := func(ws string, want int) int64 {
		return trips(t, c, "Targets", func() error {
			ts, err := s.Targets(ctx, ws)
			if err == nil && len(ts) != want {
				err = fmt.Errorf("Targets returned %d, want %d", len(ts), want)
			}
			return err
		})
	}
	for _, n := range []int{18, 1000} {
		if _, err := s.Import(ctx, fmt.Sprintf("ws:%d", n), sizedFramework("big", n), t0); err != nil {
			t.Fatal(err)
		}
	}
	small, large := readTargets("ws:18", 18), readTargets("ws:1000", 1000)
	t.Logf("Targets: %d round trips for 18 targets, %d for 1,000", small, large)
	if small != 1 || large != 1 {
		t.Errorf("Targets cost %d round trips for 18 targets and %d for 1,000: want 1, the targets' hash", small, large)
	}

	// Updates: 10 in one workspace, 5,000 in another, appended by
	// concurrent writers to keep the seeding quick.
	seedUpdates(t, s, "ws:18", 10)
	seedUpdates(t, s, "ws:1000", 5000)
	readSince := func(ws string, want int) int64 {
		return trips(t, c, "UpdatesSince", func() error {
			us, n, err := s.UpdatesSince(ctx, ws, t0, time.Time{}, 0)
			if err == nil && (len(us) != want || n != want) {
				err = fmt.Errorf("UpdatesSince returned %d of %d, want %d", len(us), n, want)
			}
			return err
		})
	}
	small, large = readSince("ws:18", 10), readSince("ws:1000", 5000)
	t.Logf("UpdatesSince: %d round trips for 10 updates, %d for 5,000", small, large)
	if small != large || small > 2 {
		t.Errorf("UpdatesSince cost %d round trips for 10 updates and %d for 5,000: want the same, at most 2", small, large)
	}
	// A digest's window (a limit) reads the histories' heads first, then
	// reads sized to the window (at most 1.5 times it,
	// TestDigestReadsFollowTheWindow): two records past each head, then
	// the rest, which a probe found in the window. Short histories, kept
	// inline, are read whole with the heads (history.go).
	digest := trips(t, c, "UpdatesSince", func() error {
		_, n, err := s.UpdatesSince(ctx, "ws:1000", t0, time.Time{}, 25)
		if err == nil && n != 5000 {
			err = fmt.Errorf("UpdatesSince counted %d, want 5000", n)
		}
		return err
	})
	if digest > 4 {
		t.Errorf("a digest's UpdatesSince cost %d round trips, want at most 4", digest)
	}
	// Depth costs its logarithm: 2,000 updates of one target are read
	// 16, 64, 256, 1,024 and then 4,096 records at a time.
	if _, err := s.Import(ctx, "ws:deep", sizedFramework("big", 1), t0); err != nil {
		t.Fatal(err)
	}
	seedUpdates(t, s, "ws:deep", 2000)
	if deep := readSince("ws:deep", 2000); deep != 6 {
		t.Errorf("UpdatesSince cost %d round trips for one history of 2,000 updates, want 6", deep)
	}

	// Due and Stale: every target has a due date and is open.
	for _, ws := range []string{"ws:18", "ws:1000"} {
		ts, err := s.Targets(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			for _, ch := range []framework.Change{{Kind: framework.EventDue, Due: "2026-05-01"}, {Kind: framework.EventAssign, Owner: "U1"}} {
				if _, _, err := s.ChangeTarget(ctx, ws, tg.Ref(), ch); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, q := range []struct {
		name string
		read func(ws string) (int, error)
	}{
		{"Due", func(ws string) (int, error) {
			ts, err := s.Due(ctx, ws, "", "2026-12-31")
			return len(ts), err
		}},
		{"Stale", func(ws string) (int, error) {
			ts, err := s.Stale(ctx, ws, t0.Add(1000*time.Hour))
			return len(ts), err
		}},
	} {
		var got [2]int
		small := trips(t, c, q.name, func() (err error) { got[0], err = q.read("ws:18"); return })
		large := trips(t, c, q.name, func() (err error) { got[1], err = q.read("ws:1000"); return })
		if got != [2]int{18, 1000} {
			t.Errorf("%s returned %v targets, want [18 1000]", q.name, got)
		}
		if small != large || small > 2 {
			t.Errorf("%s cost %d round trips for 18 targets and %d for 1,000: want the same, at most 2", q.name, small, large)
		}
	}
}

// seedUpdates appends n updates spread over the workspace's targets, one
// minute apart from t0+1m, with 16 concurrent writers.
func seedUpdates(t testing.TB, s *redisstore.Store, ws string, n int) {
	t.Helper()
	ctx := context.Background()
	ts, err := s.Targets(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	next := atomic.Int64{}
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			for {
				i := int(next.Add(1))
				if i > n {
					errs <- nil
					return
				}
				u := framework.Update{Target: ts[i%len(ts)].Ref(), Author: fmt.Sprintf("U%d", i%7), Time: t0.Add(time.Duration(i) * time.Minute), Progress: i % 101, Status: framework.OnTrack, Note: "seed"}
				if _, _, err := s.AppendUpdate(ctx, ws, u, store.Once{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Fatalf("seeding updates: %v", err)
		}
	}
}
