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

// testRename pins store.Rename on the driver: every record moves to the
// new id, the old id holds nothing after, a neighbour whose id could
// reach the old one's keys is untouched, and every refusal (a malformed
// id, the same id, an unknown source, a destination that holds anything)
// changes nothing.
func testRename(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	const from, to, other = "teams:t1", "teams:t1/team-a", "teams:t1}:tg"
	Populate(t, s, from, 21, 60)
	Populate(t, s, other, 22, 10)
	Populate(t, s, "teams:t2", 23, 10)
	if ok, err := s.Claim(ctx, from, "digest:C1:x", time.Hour); err != nil || !ok {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	before := export(t, s, from)
	neighbour := export(t, s, other)
	want := cloneSnapshot(before)
	renameSnapshot(want, to)

	t.Run("refusals change nothing", func(t *testing.T) {
		for _, tc := range []struct {
			from, to, code string
		}{
			{from, from, framework.EINVALID},
			{from, "", framework.EINVALID},
			{"", to, framework.EINVALID},
			{from, "teams:t1/team a", framework.EINVALID},
			{from, "teams:t1/\nx", framework.EINVALID},
			{"teams:never", to, framework.ENOTFOUND},
			{from, "teams:t2", framework.ECONFLICT},
		} {
			_, err := store.Rename(ctx, s, tc.from, tc.to)
			wantCode(t, err, tc.code, "Rename("+tc.from+", "+tc.to+")")
			if tc.code == framework.ECONFLICT && !errors.Is(err, store.ErrWorkspaceExists) {
				t.Fatalf("Rename onto a workspace with records: %v, want ErrWorkspaceExists", err)
			}
		}
		sameExport(t, "after refused renames", s, from, before)
		if ids := workspaceIDs(t, s); !slices.Equal(ids, []string{from, "teams:t1}:tg", "teams:t2"}) {
			t.Fatalf("Workspaces after refused renames = %q", ids)
		}
	})

	t.Run("every record moves", func(t *testing.T) {
		moved, err := store.Rename(ctx, s, from, to)
		if err != nil {
			t.Fatalf("Rename: %v", err)
		}
		if moved.Len() != before.Len() || len(moved.Entries) == 0 || len(moved.WorkspaceEvents) == 0 || len(moved.AdapterState) == 0 || len(moved.Subscriptions) == 0 {
			t.Fatalf("Rename moved %d records (%d entries, %d workspace events), want %d, of every type", moved.Len(), len(moved.Entries), len(moved.WorkspaceEvents), before.Len())
		}
		sameExport(t, "the new workspace", s, to, want)
		sameAsReads(t, s, to, want)
		sameExport(t, "the old workspace", s, from, &store.Snapshot{Workspace: framework.Workspace{ID: from}})
		sameExport(t, "the neighbour", s, other, neighbour)
		if ids := workspaceIDs(t, s); !slices.Equal(ids, []string{"teams:t1/team-a", "teams:t1}:tg", "teams:t2"}) {
			t.Fatalf("Workspaces after Rename = %q", ids)
		}
		subs, err := s.AllSubscriptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range subs {
			if sub.Workspace == from {
				t.Fatalf("a subscription stayed with %s: %+v", from, sub)
			}
		}
		if v, err := s.AdapterState(ctx, from, store.TeamsServiceURLKey); err != nil || v != "" {
			t.Fatalf("the old workspace keeps adapter state %q, %v", v, err)
		}
		for _, kind := range []store.EntryKind{store.EntryAdmin, store.EntryPerson, "org-profile"} {
			if m, err := s.Entries(ctx, from, kind); err != nil || len(m) != 0 {
				t.Fatalf("the old workspace keeps %s entries %v, %v", kind, m, err)
			}
		}
		if es, err := s.WorkspaceEvents(ctx, from, 0); err != nil || len(es) != 0 {
			t.Fatalf("the old workspace keeps events %+v, %v", es, err)
		}
		if _, err := s.Updates(ctx, from, want.Targets[0].Ref(), 0); !errors.Is(err, framework.ErrTargetNotFound) {
			t.Fatalf("Updates of the old workspace: %v, want ErrTargetNotFound", err)
		}
	})

	t.Run("the new workspace takes writes", func(t *testing.T) {
		ref := want.Targets[0].Ref()
		if want.Targets[0].Archived {
			ref = want.Targets[1].Ref()
		}
		mustAppend(t, s, to, framework.Update{Target: ref, Author: "U1", Time: at(100000), Progress: 100, Status: framework.Done, Note: "after the move"})
		mustWrite(t, s, to, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryPerson, Key: "zed", Value: `{"user":"zed","name":"Zed"}`}},
			Events: []framework.Event{{Kind: framework.EventPerson, User: "zed", Time: at(100001)}}})
		if _, err := store.Rename(ctx, s, from, "teams:t3"); framework.ErrorCode(err) != framework.ENOTFOUND {
			t.Fatalf("renaming the old id again: %v, want ENOTFOUND", err)
		}
	})
}
