package redisstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/storetest"
)

// pagedSnapshot is a workspace of targets targets, each with perTarget
// updates and as many events, at times that interleave the targets and
// repeat (so that ties are broken by id), with some updates withdrawn.
func pagedSnapshot(ws string, targets, perTarget int) *store.Snapshot {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{"big"}}}
	for i := range targets {
		snap.Targets = append(snap.Targets, framework.Target{Framework: "big", Objective: "1",
			Code: fmt.Sprintf("1.%d", i+1), Title: "T", Status: framework.NotStarted, CreatedAt: at})
	}
	for i := range targets * perTarget {
		t := &snap.Targets[(i*7)%targets]
		when := at.Add(time.Duration(i/3) * time.Second)
		u := framework.Update{ID: fmt.Sprint(i + 1), Target: t.Ref(), Author: "U1", Time: when,
			Progress: i % 101, Status: framework.OnTrack, PrevProgress: t.Progress, PrevStatus: t.Status}
		if i%5 == 0 {
			u.Withdrawn, u.WithdrawnAt = true, when.Add(time.Minute)
		} else {
			t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		}
		snap.Updates = append(snap.Updates, u)
		snap.Events = append(snap.Events, framework.Event{ID: fmt.Sprint(i + 1), Target: t.Ref(), Kind: framework.EventKinds[0], Author: "U1", Time: when})
	}
	for i := range 3 * pageMax / 2 {
		snap.WorkspaceEvents = append(snap.WorkspaceEvents, framework.Event{ID: fmt.Sprint("w", i), Kind: framework.EventKinds[0], Author: "U1", Time: at.Add(time.Duration(i) * time.Second)})
	}
	return snap
}

// An export read in pages, many to a list, gives what one read of the
// whole workspace gives, in the same order: the pages of one list join
// up, and the merge across lists keeps each list's order.
func TestExportPagesMatchTheWholeRead(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	want := pagedSnapshot("local", 5, 3*pageMax)
	if err := s.Restore(ctx, want, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	whole, err := s.snapshot(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	paged, err := store.ExportSnapshot(ctx, s, "local")
	if err != nil {
		t.Fatal(err)
	}
	if d := storetest.DiffSnapshots(paged, whole); d != "" {
		t.Fatalf("the paged export differs from the whole read: %s", d)
	}
	if d := storetest.DiffSnapshots(paged, want); d != "" {
		t.Fatalf("the paged export differs from what was restored: %s", d)
	}
}

// A restore of the workspace after an export has given records out
// fails the export: it cannot take back what it gave.
func TestExportRestoredMidway(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	snap := pagedSnapshot("local", 2, 2*pageMax)
	if err := s.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := s.Export(ctx, "local", func(r store.Record) error {
		if n++; n == 3 {
			return s.Restore(ctx, snap, store.RestoreOptions{Replace: true})
		}
		return nil
	})
	if !errors.Is(err, errRestoredMidway) || !errors.Is(err, framework.ErrUnavailable) {
		t.Fatalf("an export across a restore, after records were given: %v", err)
	}
}

// An update withdrawn after the export's moment is given as it was
// then: not withdrawn, and still its target's last update.
func TestExportWithdrawnSinceTheMoment(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	snap := pagedSnapshot("local", 1, 2*pageMax)
	if err := s.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	target := snap.Targets[0]
	var got []framework.Update
	withdrawn := false
	err := s.Export(ctx, "local", func(r store.Record) error {
		if r.Type == store.RecordUpdate {
			if !withdrawn {
				withdrawn = true
				if _, _, err := s.Withdraw(ctx, "local", target.LastUpdate, time.Now()); err != nil {
					return err
				}
			}
			got = append(got, r.Update)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range got {
		if u.ID == target.LastUpdate && u.Withdrawn {
			t.Fatalf("update %s, withdrawn after the moment, is exported withdrawn", u.ID)
		}
	}
}

// An inline record is read with the moment, so it is given as read:
// one withdrawn before the moment stays withdrawn, even when its
// withdrawal's time (the caller's clock) is after the moment's (Redis's).
func TestExportGivesInlineRecordsAsRead(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	snap := pagedSnapshot("local", 2, 3) // short histories: all inline
	ahead := time.Now().Add(time.Hour)   // a caller's clock ahead of Redis's
	want := 0
	for i := range snap.Updates {
		if u := &snap.Updates[i]; u.Withdrawn {
			u.WithdrawnAt = ahead
			want++
		}
	}
	if err := snap.Check(); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := store.ExportSnapshot(ctx, s, "local")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range got.Updates {
		if u.Withdrawn {
			n++
		}
	}
	if want == 0 || n != want {
		t.Fatalf("the export gives %d updates withdrawn, want %d", n, want)
	}
}
