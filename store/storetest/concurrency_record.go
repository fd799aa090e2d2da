package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testConcurrentChanges runs assigns, due dates, grades, archives,
// restores and evidence against two targets at once. Every change that
// succeeded must have left exactly one event, each event must start
// from the value the one before it left (a lost race would record a
// stale From), the target must hold the newest event's value, and the
// indexes must agree with the targets.
func testConcurrentChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	refs := []string{"eqs/1.1", "eqs/2.1"}
	mustImport(t, s, ws, eqs(), base)
	owners := []string{"U1", "U2", ""}
	dates := []framework.Date{"2026-04-01", "2026-05-01", ""}
	grades := []framework.Rating{framework.Developing, framework.Achieving, framework.Unrated}

	var mu sync.Mutex
	made := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 256)
	for w := range 8 {
		wg.Go(func() {
			for i := range 12 {
				ref := refs[(w+i)%len(refs)]
				ch := framework.Change{Author: fmt.Sprint("U", w), Time: at(w*100 + i)}
				switch (w*5 + i) % 5 {
				case 0:
					ch.Kind, ch.Owner = framework.EventAssign, owners[(w+i)%3]
				case 1:
					ch.Kind, ch.Due = framework.EventDue, dates[(w+i)%3]
				case 2:
					ch.Kind, ch.Rating = framework.EventRate, grades[(w+i)%3]
				case 3:
					ch.Kind = []framework.EventKind{framework.EventArchive, framework.EventRestore}[(w+i)%2]
				case 4:
					_, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: fmt.Sprintf("https://example.org/%d", i%3), Author: ch.Author, Time: ch.Time})
					switch {
					case err == nil:
						mu.Lock()
						made[ref]++
						mu.Unlock()
					case !errors.Is(err, framework.ErrNoChange) && !errors.Is(err, framework.ErrArchived):
						errs <- err
					}
					continue
				}
				_, _, err := s.ChangeTarget(ctx, ws, ref, ch)
				switch {
				case err == nil:
					mu.Lock()
					made[ref]++
					mu.Unlock()
				case !errors.Is(err, framework.ErrNoChange) && !errors.Is(err, framework.ErrArchived):
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent change: %v", err)
	}
	for _, ref := range refs {
		es, err := s.Events(ctx, ws, ref, 0)
		if err != nil {
			t.Fatalf("Events: %v", err)
		}
		if len(es) != made[ref] {
			t.Fatalf("%s has %d events, but %d changes succeeded", ref, len(es), made[ref])
		}
		tg := mustTarget(t, s, ws, ref)
		newest := map[framework.EventKind]string{}
		archived := false
		for i := len(es) - 1; i >= 0; i-- { // oldest first
			e := es[i]
			prev, seen := newest[e.Kind]
			switch e.Kind {
			case framework.EventArchive, framework.EventRestore:
				if (e.Kind == framework.EventArchive) == archived {
					t.Fatalf("%s: %s event %s while archived=%v: a lost race", ref, e.Kind, e.ID, archived)
				}
				archived = e.Kind == framework.EventArchive
				continue
			case framework.EventEvidence:
				continue
			}
			if archived {
				t.Fatalf("%s: %s event %s recorded while archived", ref, e.Kind, e.ID)
			}
			if seen && e.From != prev || !seen && e.From != "" {
				t.Fatalf("%s: %s event %s starts from %q, but the one before it left %q", ref, e.Kind, e.ID, e.From, prev)
			}
			newest[e.Kind] = e.To
		}
		if tg.Owner != newest[framework.EventAssign] || string(tg.Due) != newest[framework.EventDue] || string(tg.Rating) != newest[framework.EventRate] || tg.Archived != archived {
			t.Fatalf("%s = %+v, but its newest events say %v, archived %v", ref, tg, newest, archived)
		}
	}
	checkIndexes(t, s, ws)
}

// testConcurrentCycles rates targets while two admins start the same new
// cycle. Exactly one start wins, and every grade lands in exactly one
// cycle: the grade of each target is the one its newest rate event
// recorded, under the cycle that event names.
func testConcurrentCycles(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, sized("cyc", 20), base)
	ts, err := s.Targets(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 256)
	wins := make(chan bool, 2)
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				ref := ts[(w*10+i)%len(ts)].Ref()
				g := framework.Ratings[(w+i)%len(framework.Ratings)]
				_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventRate, Rating: g, Author: "U1", Time: at(w*100 + i)})
				if err != nil && !errors.Is(err, framework.ErrNoChange) {
					errs <- err
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			_, _, err := s.StartCycle(ctx, ws, "2026/27", at(50))
			switch {
			case err == nil:
				wins <- true
			case errors.Is(err, framework.ErrCycleUsed):
				wins <- false
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	close(wins)
	for err := range errs {
		t.Fatalf("concurrent write: %v", err)
	}
	won := 0
	for w := range wins {
		if w {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d StartCycle calls won, want exactly 1", won)
	}
	w, err := s.Workspace(ctx, ws)
	if err != nil || w.Cycle != "2026/27" || len(w.PastCycles) != 1 || w.PastCycles[0].Name != "2025/26" {
		t.Fatalf("Workspace = %+v, %v", w, err)
	}
	for _, tg := range ts {
		got := mustTarget(t, s, ws, tg.Ref())
		es, err := s.Events(ctx, ws, tg.Ref(), 0)
		if err != nil {
			t.Fatal(err)
		}
		var wantNow, wantOld framework.Rating
		for i := len(es) - 1; i >= 0; i-- {
			switch es[i].Cycle {
			case "2026/27":
				wantNow = framework.Rating(es[i].To)
			case "2025/26":
				wantOld = framework.Rating(es[i].To)
			default:
				t.Fatalf("%s: rate event in cycle %q", tg.Ref(), es[i].Cycle)
			}
		}
		if got.Rating != wantNow || got.Grades["2025/26"] != wantOld {
			t.Fatalf("%s = rating %q, 2025/26 %q; its events say %q and %q", tg.Ref(), got.Rating, got.Grades["2025/26"], wantNow, wantOld)
		}
	}
}
