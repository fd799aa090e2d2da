package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testExportDuringWrites exports a workspace while a writer logs and
// undoes updates and attaches evidence as fast as it can. Each export
// must be one moment's view: a read that took the targets before a
// write and the histories after it would hold an update newer than its
// target's last one, or one withdrawn that its target still counts.
func testExportDuringWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			ref := eqsRefs[i%len(eqsRefs)]
			u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Time: at(i), Progress: i % 101, Note: fmt.Sprint("note ", i)}, store.Once{})
			if err != nil && ctx.Err() == nil {
				t.Errorf("AppendUpdate: %v", err)
				return
			}
			if i%3 == 0 && err == nil {
				if _, _, err := s.Withdraw(ctx, ws, u.ID, at(i)); err != nil && ctx.Err() == nil {
					t.Errorf("Withdraw: %v", err)
					return
				}
			}
			if i%5 == 0 {
				_, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: fmt.Sprintf("https://nhs.example/%d", i), Author: "U1", Time: at(i)})
				if err != nil && ctx.Err() == nil {
					t.Errorf("AddEvidence: %v", err)
					return
				}
			}
		}
	}()
	defer func() {
		cancel()
		wg.Wait()
	}()
	for n := 0; n < 20; n++ {
		snap, err := store.ExportSnapshot(context.Background(), s, ws)
		if err != nil {
			t.Fatalf("Export during writes: %v", err)
		}
		if err := snap.Check(); err != nil {
			t.Fatalf("an export during writes is not consistent: %v", err)
		}
		newest := map[string]framework.Update{}
		for _, u := range snap.Updates {
			newest[u.Target] = u
		}
		for _, tg := range snap.Targets {
			u, ok := newest[tg.Ref()]
			want := framework.Target{LastUpdate: u.ID, Progress: u.Progress}
			if u.Withdrawn {
				want = framework.Target{Progress: u.PrevProgress}
			}
			if ok && (tg.LastUpdate != want.LastUpdate || tg.Progress != want.Progress) || !ok && tg.LastUpdate != "" {
				t.Fatalf("export %d: %s has last update %q at %d%%, but its newest update in the export is %+v", n, tg.Ref(), tg.LastUpdate, tg.Progress, u)
			}
		}
	}
}

// testReplaceIsAtomic exports a workspace over and over while a restore
// replaces it: every export must be the old workspace or the new one,
// whole, never a mix.
func testReplaceIsAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	old, next := sizedSnapshot(ws, 60, 3000, "old"), sizedSnapshot(ws, 40, 2000, "new")
	if err := s.Restore(ctx, old, store.RestoreOptions{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	seen := map[string]int{}
	go func() {
		defer wg.Done()
		for first := true; ; first = false {
			select {
			case <-done:
				if !first {
					return
				}
			default:
			}
			snap, err := store.ExportSnapshot(ctx, s, ws)
			if err != nil {
				t.Errorf("Export during a replace: %v", err)
				return
			}
			switch {
			case DiffSnapshots(snap, old) == "":
				seen["old"]++
			case DiffSnapshots(snap, next) == "":
				seen["new"]++
			default:
				t.Errorf("an export during a replace is neither the old workspace (%s) nor the new (%s)", DiffSnapshots(snap, old), DiffSnapshots(snap, next))
				return
			}
		}
	}()
	if err := s.Restore(ctx, next, store.RestoreOptions{Replace: true}); err != nil {
		t.Fatalf("Restore with Replace: %v", err)
	}
	close(done)
	wg.Wait()
	sameExport(t, "after the replace", s, ws, next)
	t.Logf("exports during the replace: %v", seen)
}

// sizedSnapshot is a workspace of one framework of n targets, all
// titled title, and m updates spread over them.
func sizedSnapshot(ws string, n, m int, title string) *store.Snapshot {
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{"big"}, Cycle: "2025/26", CycleStarted: base}}
	for _, t := range sized("big", n).Targets() {
		t.Title, t.CreatedAt = title+" "+t.Code, base
		snap.Targets = append(snap.Targets, t)
	}
	for i := range m {
		t := &snap.Targets[i%n]
		u := framework.Update{ID: fmt.Sprint(i + 1), Target: t.Ref(), Author: "U" + title, Time: at(i), Progress: i % 101,
			Status: framework.OnTrack, Note: title, PrevProgress: t.Progress, PrevStatus: t.Status}
		t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		snap.Updates = append(snap.Updates, u)
	}
	return snap
}
