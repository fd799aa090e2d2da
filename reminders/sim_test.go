package reminders

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// openRedisReplicas opens n stores on one Redis with one key prefix, each
// with its own connection pool, as n replicas of the bot would.
func openRedisReplicas(t testing.TB, n int) []store.Store {
	t.Helper()
	url := redistest.Start(t)
	prefix := redistest.Prefix(t)
	var out []store.Store
	for range n {
		s, err := redisstore.Open(background(), url, &redisstore.Options{Prefix: prefix, Logger: quietLogger()})
		if err != nil {
			t.Fatalf("open redis: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		out = append(out, s)
	}
	return out
}

// TestYearOnThreeReplicas runs three schedulers on one real Redis through
// 52 simulated weeks, both DST changes included, stepping a fake clock an
// hour at a time with each replica a random part of a minute behind or
// ahead: every period posts exactly once.
func TestYearOnThreeReplicas(t *testing.T) {
	stores := openRedisReplicas(t, 3)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // Monday, GMT
	end := start.AddDate(0, 0, 52*7)                     // Monday 2027-01-04 00:00, before its 09:00
	st := stores[0]
	// Made on Thursday, so Friday's reminder run is one to catch up.
	seedWorkspace(t, st, ws, start.AddDate(0, 0, -4))
	for ref, owner := range map[string]string{"eqs/1.1": "U1", "eqs/1.2": "U1", "eqs/2.1": "U2", "eqs/1.3": ""} {
		patch(t, st, ws, ref, targetPatch{Owner: ptr(owner), Due: dateP("2025-12-01")})
	}
	subscribe(t, st, ws, "C-weekly", "0 9 * * MON", start.Add(-time.Hour))
	subscribe(t, st, ws, "C-daily", "30 1 * * *", start.Add(-time.Hour))

	c := newClock(start)
	rec := &recorder{}
	var scheds []*Scheduler
	for _, s := range stores {
		sc := newScheduler(s, rec, c)
		scheds = append(scheds, sc)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var total Result
	var mu sync.Mutex
	for step := start; step.Before(end); step = step.Add(time.Hour) {
		c.set(step)
		var wg sync.WaitGroup
		for _, s := range scheds {
			at := step.Add(time.Duration(rng.IntN(120)-30) * time.Second)
			wg.Go(func() {
				res, err := s.RunDue(background(), at)
				if err != nil {
					t.Errorf("RunDue(%v): %v", at, err)
				}
				mu.Lock()
				total.Digests += res.Digests
				total.Reminders += res.Reminders
				total.Lost += res.Lost
				total.Claimed += res.Claimed
				mu.Unlock()
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}

	keys := map[string]int{}
	perChannel := map[string]int{}
	perUser := map[string]int{}
	for _, m := range rec.all() {
		keys[m.Key]++
		perChannel[m.Channel]++
		perUser[m.User]++
	}
	for k, n := range keys {
		if n > 1 {
			t.Errorf("key %s posted %d times", k, n)
		}
	}
	// 52 Mondays. 364 days at 01:30, less 29 March, which has none; the
	// repeated 01:30 on 25 October posts once. 260 weekdays of reminders
	// for each of two owners, plus one: the first tick catches up the
	// latest missed reminder run, Friday 2 January's, once. The unowned
	// target DMs no one.
	if perChannel["C-weekly"] != 52 {
		t.Errorf("weekly digests = %d, want 52", perChannel["C-weekly"])
	}
	if perChannel["C-daily"] != 363 {
		t.Errorf("daily digests = %d, want 363", perChannel["C-daily"])
	}
	if perUser["U1"] != 261 || perUser["U2"] != 261 || len(perUser) != 3 { // "" counts the digests
		t.Errorf("reminder DMs per user = %v, want 261 each for U1 and U2", perUser)
	}
	if got := target(t, st, ws, "eqs/1.1").Reminders; got != 261 {
		t.Errorf("eqs/1.1 Reminders = %d, want 261 (one per weekday run)", got)
	}
	if total.Digests != 52+363 || total.Reminders != 522 || total.Claimed != 52+363+261 || total.Lost == 0 {
		t.Errorf("totals = %+v", total)
	}
	t.Logf("posted %d messages; replicas lost %d claims to each other", len(rec.all()), total.Lost)
}

// TestDSTNightsOnStores steps two replicas a minute at a time through
// both 2026 changes in London.
func TestDSTNightsOnStores(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		cases := []struct {
			name     string
			created  time.Time
			from, to time.Time
			step     time.Duration
			spec     string
			wantKeys []string
		}{
			{"autumn daily 01:30", utc("2026-10-24T12:00:00Z"), utc("2026-10-24T23:50:00Z"), utc("2026-10-26T03:00:00Z"), time.Minute, "30 1 * * *",
				[]string{"digest:C:2026-10-25T01:30", "digest:C:2026-10-26T01:30"}},
			{"spring daily 01:30", utc("2026-03-28T12:00:00Z"), utc("2026-03-28T23:50:00Z"), utc("2026-03-30T03:00:00Z"), time.Minute, "30 1 * * *",
				[]string{"digest:C:2026-03-30T01:30"}},
			{"autumn weekly", utc("2026-10-18T12:00:00Z"), utc("2026-10-18T12:00:00Z"), utc("2026-11-03T00:00:00Z"), 10 * time.Minute, "0 9 * * MON",
				[]string{"digest:C:2026-10-19T09:00", "digest:C:2026-10-26T09:00", "digest:C:2026-11-02T09:00"}},
			{"spring weekly", utc("2026-03-22T12:00:00Z"), utc("2026-03-22T12:00:00Z"), utc("2026-04-07T00:00:00Z"), 10 * time.Minute, "0 9 * * MON",
				[]string{"digest:C:2026-03-23T09:00", "digest:C:2026-03-30T09:00", "digest:C:2026-04-06T09:00"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := newClock(tc.from)
				st := open(t, c)
				seedWorkspace(t, st, ws, tc.created)
				subscribe(t, st, ws, "C", tc.spec, tc.created)
				rec := &recorder{}
				a, b := newScheduler(st, rec, c), newScheduler(st, rec, c)
				for at, i := tc.from, 0; !at.After(tc.to); at, i = at.Add(tc.step), i+1 {
					c.set(at)
					s := a
					if i%2 == 1 {
						s = b
					}
					if _, err := s.RunDue(background(), at); err != nil {
						t.Fatal(err)
					}
				}
				var keys []string
				for _, m := range rec.digests() {
					keys = append(keys, m.Key)
				}
				if len(keys) != len(tc.wantKeys) {
					t.Fatalf("digests = %v, want %v", keys, tc.wantKeys)
				}
				for i := range keys {
					if keys[i] != tc.wantKeys[i] {
						t.Fatalf("digests = %v, want %v", keys, tc.wantKeys)
					}
				}
			})
		}
	})
}
