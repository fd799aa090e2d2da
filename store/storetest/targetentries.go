package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testTargetEntries pins store.TargetEntries, where a store has it: an
// entry write that applies only while its target is here, live, and (when
// an owner is named) owned by them, and hands back the kind's entries.
func testTargetEntries(t *testing.T, s store.Store) {
	te, ok := s.(store.TargetEntries)
	if !ok {
		t.Skip("the store has no TargetEntries")
	}
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	ws := "st:te"
	mustImport(t, s, ws, sized("m", 3), now)
	if _, _, err := s.ChangeTarget(ctx, ws, "m/1.1", framework.Change{Kind: framework.EventAssign, Owner: "Amy", Author: "sam", Time: now}); err != nil {
		t.Fatal(err)
	}
	put := func(key, value string) store.TargetEntryWrite {
		return store.TargetEntryWrite{Ref: "m/1.1", Kind: "metric", Put: []store.Entry{{Kind: "metric", Key: key, Value: value}},
			Events: []framework.Event{{Kind: "record", Author: "sam", Time: now, Title: "m/1.1"}}}
	}
	events := func() int {
		es, err := s.WorkspaceEvents(ctx, ws, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}

	r, err := te.WriteTargetEntries(ctx, ws, put("m/1.1|2025", "a"))
	if err != nil || !r.Applied || r.Target.Ref() != "m/1.1" || r.Prev["m/1.1|2025"] != "" || r.Entries["m/1.1|2025"] != "a" {
		t.Fatalf("a first write = %+v, %v", r, err)
	}
	w := put("m/1.1|2025", "b")
	w.Owner = "amy" // ids compare without case
	r, err = te.WriteTargetEntries(ctx, ws, w)
	if err != nil || !r.Applied || r.Prev["m/1.1|2025"] != "a" || r.Entries["m/1.1|2025"] != "b" || events() != 2 {
		t.Fatalf("the owner's write = %+v, %v (%d events)", r, err, events())
	}
	w.Owner = "bob"
	r, err = te.WriteTargetEntries(ctx, ws, w)
	if err != nil || r.Applied || r.Target.Owner != "Amy" || mustEntries(t, s, ws, "metric")["m/1.1|2025"] != "b" || events() != 2 {
		t.Fatalf("another's write = %+v, %v: want it not applied, nothing written", r, err)
	}
	for _, tt := range []struct {
		ref  string
		kind framework.Kind
	}{{"m/9.9", framework.ErrTargetNotFound}, {"m/1.2", framework.ErrArchived}} {
		if tt.ref == "m/1.2" {
			if _, _, err := s.ChangeTarget(ctx, ws, "m/1.2", framework.Change{Kind: framework.EventArchive, Author: "sam", Time: now}); err != nil {
				t.Fatal(err)
			}
		}
		w := put(tt.ref+"|2025", "x")
		w.Ref = tt.ref
		if _, err := te.WriteTargetEntries(ctx, ws, w); !errors.Is(err, tt.kind) {
			t.Errorf("a write about %s = %v, want %s", tt.ref, err, tt.kind)
		}
	}
	if _, err := te.WriteTargetEntries(ctx, "st:none", put("m/1.1|2025", "x")); !errors.Is(err, framework.ErrTargetNotFound) {
		t.Errorf("a write in an empty workspace = %v", err)
	}
	if got := mustEntries(t, s, ws, "metric"); len(got) != 1 || events() != 2 {
		t.Errorf("refused writes left %v and %d events", got, events())
	}
	ws2, err := s.Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ws2 {
		if id.ID == "st:none" {
			t.Error("a refused write listed an empty workspace")
		}
	}
}
