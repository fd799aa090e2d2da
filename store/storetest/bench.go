package storetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// edsSize is the number of targets in the built-in EDS framework, the
// size most workspaces will have.
const edsSize = 18

// seed imports a framework of n targets into ws and returns their refs.
func seed(b *testing.B, s store.Store, ws string, n int) []string {
	b.Helper()
	fw := sized("bench", n)
	if _, err := s.Import(context.Background(), ws, fw, base); err != nil {
		b.Fatalf("Import: %v", err)
	}
	ts := fw.Targets()
	refs := make([]string, len(ts))
	for i := range ts {
		refs[i] = ts[i].Ref()
	}
	return refs
}

// BenchmarkAppendUpdate measures the write path: one update logged
// against one of an EDS-sized workspace's targets, in turn.
func BenchmarkAppendUpdate(b *testing.B, s store.Store) {
	ctx := context.Background()
	refs := seed(b, s, "bench:append", edsSize)
	i := 0
	for b.Loop() {
		u := framework.Update{Target: refs[i%len(refs)], Author: "U1", Time: at(i), Progress: i % 101, Status: framework.OnTrack, Note: "benchmark"}
		if _, _, err := s.AppendUpdate(ctx, "bench:append", u, store.Once{}); err != nil {
			b.Fatalf("AppendUpdate: %v", err)
		}
		i++
	}
}

// BenchmarkTarget measures `show`'s main read: one target.
func BenchmarkTarget(b *testing.B, s store.Store) {
	ctx := context.Background()
	refs := seed(b, s, "bench:target", edsSize)
	i := 0
	for b.Loop() {
		if _, err := s.Target(ctx, "bench:target", refs[i%len(refs)]); err != nil {
			b.Fatalf("Target: %v", err)
		}
		i++
	}
}

// BenchmarkTargets measures `list`: every target of an EDS-sized
// workspace, and of a large 1,000-target one.
func BenchmarkTargets(b *testing.B, s store.Store) {
	ctx := context.Background()
	for _, n := range []int{edsSize, 1000} {
		ws := "bench:targets-" + strconv.Itoa(n)
		b.Run("targets="+strconv.Itoa(n), func(b *testing.B) {
			seed(b, s, ws, n)
			for b.Loop() {
				ts, err := s.Targets(ctx, ws)
				if err != nil {
					b.Fatalf("Targets: %v", err)
				}
				if len(ts) != n {
					b.Fatalf("Targets returned %d, want %d", len(ts), n)
				}
			}
		})
	}
}

// BenchmarkChangeTarget measures the writes behind rate, assign, due and
// snooze: each a change with its event, alternating between two values
// so no change is refused as no change. measure, when not nil, is called
// as each kind's benchmark starts, and what it returns as it ends (a
// driver counts round trips with it).
func BenchmarkChangeTarget(b *testing.B, s store.Store, measure func(*testing.B) func()) {
	ctx := context.Background()
	const ws = "bench:change"
	refs := seed(b, s, ws, edsSize)
	kinds := []struct {
		name string
		make func(i int) framework.Change
	}{
		{"rate", func(i int) framework.Change {
			return framework.Change{Kind: framework.EventRate, Rating: framework.Ratings[i/len(refs)%2+1], Reason: "benchmark"}
		}},
		{"assign", func(i int) framework.Change {
			return framework.Change{Kind: framework.EventAssign, Owner: "U" + strconv.Itoa(i/len(refs)%2)}
		}},
		{"due", func(i int) framework.Change {
			return framework.Change{Kind: framework.EventDue, Due: framework.Date("2026-0" + strconv.Itoa(i/len(refs)%2+4) + "-01")}
		}},
		{"snooze", func(i int) framework.Change {
			return framework.Change{Kind: framework.EventSnooze, Until: framework.Date("2026-0" + strconv.Itoa(i/len(refs)%2+4) + "-01"), Reason: "benchmark"}
		}},
	}
	// Each kind's count carries on across -count runs, which share the
	// store: starting again from 0 would set what the last run left.
	done := map[string]int{}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			if measure != nil {
				defer measure(b)()
			}
			i := done[k.name]
			for b.Loop() {
				ch := k.make(i)
				ch.Author, ch.Time = "U1", at(i)
				if _, _, err := s.ChangeTarget(ctx, ws, refs[i%len(refs)], ch); err != nil {
					b.Fatalf("ChangeTarget %s: %v", k.name, err)
				}
				i++
			}
			done[k.name] = i
		})
	}
}

// BenchmarkAddEvidence measures the write behind evidence: a new link
// each time, so none is refused as attached already.
func BenchmarkAddEvidence(b *testing.B, s store.Store) {
	ctx := context.Background()
	const ws = "bench:evidence"
	refs := seed(b, s, ws, edsSize)
	i := 0
	for b.Loop() {
		ev := framework.Evidence{URL: "https://example.org/papers/" + strconv.Itoa(i), Title: "Board paper", Author: "U1", Time: at(i)}
		if _, err := s.AddEvidence(ctx, ws, refs[i%len(refs)], ev); err != nil {
			b.Fatalf("AddEvidence: %v", err)
		}
		i++
	}
}
