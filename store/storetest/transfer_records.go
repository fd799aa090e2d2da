package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testRestoreRecords pins RestoreRecords, on a store that has it: a
// restore from a stream of records gives the export a snapshot's
// restore gives, replaces exactly, refuses a bad record or an existing
// workspace writing nothing, and refuses records that differ between
// its two reads.
func testRestoreRecords(t *testing.T, open Opener) {
	ctx := context.Background()
	const ws = "slack:T1"
	src := open(t)
	Populate(t, src, ws, 2, 120)
	snap := export(t, src, ws)
	rr, ok := store.Checked(open(t)).(store.RecordRestorer)
	if !ok {
		t.Skip("the store restores snapshots only")
	}
	dst := rr.(store.Store)

	t.Run("a restore from records exports the same records", func(t *testing.T) {
		reads := 0
		recs := func(fn func(store.Record) error) error {
			reads++
			return src.Export(ctx, ws, fn)
		}
		if err := rr.RestoreRecords(ctx, ws, recs, store.RestoreOptions{}); err != nil {
			t.Fatalf("RestoreRecords: %v", err)
		}
		if reads != 2 {
			t.Errorf("RestoreRecords read the records %d times, want 2: once to check, once to write", reads)
		}
		sameExport(t, "after RestoreRecords", dst, ws, snap)
		sameAsReads(t, dst, ws, snap)
	})

	t.Run("an existing workspace is refused without replace", func(t *testing.T) {
		err := rr.RestoreRecords(ctx, ws, store.RecordsOf(snap), store.RestoreOptions{})
		wantExists(t, err, ws, "RestoreRecords over a workspace")
	})

	t.Run("replace replaces exactly", func(t *testing.T) {
		other := open(t)
		Populate(t, other, ws, 3, 40)
		o := store.Checked(other).(store.RecordRestorer)
		if err := o.RestoreRecords(ctx, ws, store.RecordsOf(snap), store.RestoreOptions{Replace: true}); err != nil {
			t.Fatalf("RestoreRecords with Replace: %v", err)
		}
		sameExport(t, "after RestoreRecords with Replace", other, ws, snap)
	})

	t.Run("a bad record changes nothing", func(t *testing.T) {
		bad := cloneSnapshot(snap)
		stray := bad.Updates[0]
		stray.ID, stray.Target = "stray", "eqs/9.9"
		bad.Updates = append(bad.Updates, stray)
		before := export(t, dst, ws)
		err := rr.RestoreRecords(ctx, ws, store.RecordsOf(bad), store.RestoreOptions{Replace: true})
		wantCode(t, err, framework.EINVALID, "RestoreRecords of a dangling update")
		var re *store.RecordError
		if !errors.As(err, &re) || re.Type != store.RecordUpdate || re.Index != len(bad.Updates)-1 {
			t.Fatalf("RestoreRecords error %v names %+v, want the last update", err, re)
		}
		sameExport(t, "after a refused RestoreRecords", dst, ws, before)
	})

	t.Run("records that change between the reads change nothing", func(t *testing.T) {
		changed := cloneSnapshot(snap)
		changed.Targets[0].Title += " (changed)"
		reads := 0
		recs := func(fn func(store.Record) error) error {
			if reads++; reads == 1 {
				return snap.Each(fn)
			}
			return changed.Each(fn)
		}
		before := export(t, dst, ws)
		if err := rr.RestoreRecords(ctx, ws, recs, store.RestoreOptions{Replace: true}); err == nil {
			t.Fatal("RestoreRecords of records that changed between its reads: no error")
		}
		sameExport(t, "after records that changed", dst, ws, before)
	})
}
