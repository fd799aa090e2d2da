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

// testTransfer pins Export and Restore: an export holds what the reads
// return; a restore into another store gives the same export, record for
// record, and a workspace that behaves the same; existing workspaces are
// refused unless replaced, and replaced exactly; bad snapshots change
// nothing.
func testTransfer(t *testing.T, open Opener) {
	ctx := context.Background()
	const ws = "slack:T1"
	src := open(t)
	Populate(t, src, ws, 1, 150)
	snap := export(t, src, ws)

	t.Run("the export holds what the reads return", func(t *testing.T) {
		sameAsReads(t, src, ws, snap)
	})

	t.Run("a restored workspace with no cycle gets one at its first import", func(t *testing.T) {
		s := open(t)
		const bare = "slack:R1"
		if err := s.Restore(ctx, &store.Snapshot{Workspace: framework.Workspace{ID: bare, Timezone: "Europe/London"}}, store.RestoreOptions{}); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		mustImport(t, s, bare, eqs(), base)
		w, err := s.Workspace(ctx, bare)
		if err != nil || w.Cycle != "2025/26" || w.CycleStarted.IsZero() {
			t.Fatalf("after import, Workspace = %+v, %v; want cycle 2025/26 with its start", w, err)
		}
		_, ev, err := s.ChangeTarget(ctx, bare, "eqs/1.1", framework.Change{Kind: framework.EventRate, Author: "U1", Time: at(1), Rating: framework.Achieving})
		if err != nil || ev.Cycle != "2025/26" {
			t.Fatalf("rate after restore: event %+v, %v; want it in 2025/26", ev, err)
		}
	})

	dst := open(t)
	t.Run("a restore into an empty store exports the same records", func(t *testing.T) {
		written := 0
		err := dst.Restore(ctx, snap, store.RestoreOptions{Progress: func(n, total int) {
			if n < written || total != snap.Len() {
				t.Errorf("progress %d of %d after %d, want rising to %d", n, total, written, snap.Len())
			}
			written = n
		}})
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if written != snap.Len() {
			t.Errorf("progress ended at %d, want %d", written, snap.Len())
		}
		sameExport(t, "after Restore", dst, ws, snap)
		sameAsReads(t, dst, ws, snap)
		if ids := workspaceIDs(t, dst); !slices.Contains(ids, ws) {
			t.Fatalf("Workspaces after Restore = %q, want %s listed", ids, ws)
		}
	})

	t.Run("the restored workspace behaves as the original", func(t *testing.T) {
		sameBehaviour(t, src, dst, ws, snap)
	})

	t.Run("an existing workspace is refused without replace", func(t *testing.T) {
		other := open(t)
		Populate(t, other, ws, 2, 40)
		before := export(t, other, ws)
		err := other.Restore(ctx, snap, store.RestoreOptions{})
		wantExists(t, err, ws, "Restore over an existing workspace")
		sameExport(t, "after a refused Restore", other, ws, before)

		// A workspace with a setting only has stored something too.
		bare := open(t)
		if err := bare.SetTimezone(ctx, ws, "Europe/London"); err != nil {
			t.Fatal(err)
		}
		wantExists(t, bare.Restore(ctx, snap, store.RestoreOptions{}), ws, "Restore over a time zone")
	})

	t.Run("replace replaces exactly and keeps claims", func(t *testing.T) {
		other := open(t)
		Populate(t, other, ws, 3, 60)
		if err := other.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "Conly-old", Spec: "0 9 * * MON"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := other.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1.2", Author: "Uold", Time: at(1), Note: "old only"}, store.Once{}); err != nil {
			t.Fatal(err)
		}
		if ok, err := other.Claim(ctx, ws, "digest:C0:x", time.Hour); err != nil || !ok {
			t.Fatalf("Claim = %v, %v", ok, err)
		}
		if err := other.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
			t.Fatalf("Restore with Replace: %v", err)
		}
		sameExport(t, "after Restore with Replace", other, ws, snap)
		sameAsReads(t, other, ws, snap)
		_, err := other.LastUpdateBy(ctx, ws, "Uold")
		wantKind(t, err, framework.ErrNoUpdate, "Uold", "LastUpdateBy of an author only the old records had")
		all, err := other.AllSubscriptions(ctx)
		if err != nil || len(all) != len(snap.Subscriptions) {
			t.Fatalf("AllSubscriptions after Replace = %+v, %v; want the snapshot's %d", all, err, len(snap.Subscriptions))
		}
		if ok, err := other.Claim(ctx, ws, "digest:C0:x", time.Hour); err != nil || ok {
			t.Fatalf("Claim after Replace = %v, %v; want the claim still held", ok, err)
		}
	})

	t.Run("a bad snapshot changes nothing", func(t *testing.T) {
		bad := cloneSnapshot(snap)
		stray := bad.Updates[0]
		stray.ID, stray.Target = "stray", "eqs/9.9"
		bad.Updates = append(bad.Updates, stray)
		fresh := open(t)
		err := fresh.Restore(ctx, bad, store.RestoreOptions{})
		wantCode(t, err, framework.EINVALID, "Restore of a snapshot with a dangling update")
		var re *store.RecordError
		if !errors.As(err, &re) || re.Type != store.RecordUpdate || re.Index != len(bad.Updates)-1 {
			t.Fatalf("Restore error %v names %+v, want the last update", err, re)
		}
		if ids := workspaceIDs(t, fresh); len(ids) != 0 {
			t.Fatalf("Workspaces after a refused Restore = %q, want none", ids)
		}
		before := export(t, dst, ws)
		err = dst.Restore(ctx, bad, store.RestoreOptions{Replace: true})
		wantCode(t, err, framework.EINVALID, "Restore with Replace of a bad snapshot")
		sameExport(t, "after a refused Replace", dst, ws, before)
	})

	t.Run("a workspace never written exports its id alone", func(t *testing.T) {
		got := export(t, src, "slack:Tnever")
		if d := DiffSnapshots(got, &store.Snapshot{Workspace: framework.Workspace{ID: "slack:Tnever"}}); d != "" {
			t.Fatal(d)
		}
	})

	t.Run("workspace ids cannot reach each other", func(t *testing.T) {
		// "W}:sub:C" would share keys with "W" on a layout that did not
		// escape the hash tag; restoring and replacing one leaves the other.
		s := open(t)
		const a, b = "slack:W", "slack:W}:t:eqs/1.1"
		Populate(t, s, a, 4, 30)
		before := export(t, s, a)
		hostile := cloneSnapshot(snap)
		renameSnapshot(hostile, b)
		for _, replace := range []bool{false, true} {
			if err := s.Restore(ctx, hostile, store.RestoreOptions{Replace: replace}); err != nil {
				t.Fatalf("Restore(%s, replace %v): %v", b, replace, err)
			}
		}
		sameExport(t, "the hostile workspace", s, b, hostile)
		sameExport(t, "its neighbour", s, a, before)
	})
}

// wantExists fails unless err is Restore's refusal of the existing
// workspace ws. ErrWorkspaceExists is declared in store, not framework,
// so wantKind, which looks its code up there, does not apply.
func wantExists(t testing.TB, err error, ws, what string) {
	t.Helper()
	if !errors.Is(err, store.ErrWorkspaceExists) || framework.ErrorCode(err) != framework.ECONFLICT || framework.ErrorSubject(err) != ws {
		t.Fatalf("%s: error %v, want ErrWorkspaceExists (conflict) about %q", what, err, ws)
	}
}

// cloneSnapshot copies s deeply enough to change its records.
func cloneSnapshot(s *store.Snapshot) *store.Snapshot {
	c := &store.Snapshot{}
	_ = s.Each(func(r store.Record) error {
		c.Add(r)
		return nil
	})
	return c
}

// renameSnapshot moves a snapshot to the workspace ws.
func renameSnapshot(s *store.Snapshot, ws string) {
	s.Workspace.ID = ws
	for i := range s.Subscriptions {
		s.Subscriptions[i].Workspace = ws
	}
}

func workspaceIDs(t testing.TB, s store.Store) []string {
	t.Helper()
	all, err := s.Workspaces(context.Background())
	if err != nil {
		t.Fatalf("Workspaces: %v", err)
	}
	var ids []string
	for _, w := range all {
		ids = append(ids, w.ID)
	}
	return ids
}
