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
	// An admin granted in chat may write where the owner is named, when
	// the write lets admins.
	if _, err := s.WriteEntries(ctx, ws, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "Bob", Value: `{"user":"Bob"}`}}}); err != nil {
		t.Fatal(err)
	}
	w.Admins = true
	if r, err = te.WriteTargetEntries(ctx, ws, w); err != nil || !r.Applied || events() != 3 {
		t.Fatalf("an admin's write = %+v, %v (%d events)", r, err, events())
	}
	w.Owner = "cat"
	if r, err = te.WriteTargetEntries(ctx, ws, w); err != nil || r.Applied || events() != 3 {
		t.Fatalf("a non-admin's write with admins let = %+v, %v", r, err)
	}
	testTargetEntryChoice(t, s, ws, now)
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
	if got := mustEntries(t, s, ws, "metric"); len(got) != 3 || events() != 4 {
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

// testTargetEntryChoice pins EntryChoice: the entry's field picks the
// events appended, and a value with no case declines the write, handing
// back the entries and writing nothing.
func testTargetEntryChoice(t *testing.T, s store.Store, ws string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	te := s.(store.TargetEntries)
	ev := func(to string) []framework.Event {
		return []framework.Event{{Kind: "record", Author: "sam", Time: now, Title: "m/1.1", To: to}}
	}
	w := store.TargetEntryWrite{Ref: "m/1.1", Kind: "metric", Put: []store.Entry{{Kind: "metric", Key: "m/1.1|2026", Value: "v"}},
		Choose: &store.EntryChoice{Key: "m/1.1", Field: "unit", Events: map[string][]framework.Event{"percent": ev("25%"), "count": ev("25")}}}
	r, err := te.WriteTargetEntries(ctx, ws, w)
	if err != nil || r.Applied || !r.Declined || r.Entries["m/1.1|2025"] != "b" || mustEntries(t, s, ws, "metric")["m/1.1|2026"] != "" {
		t.Fatalf("a write chosen by an absent entry = %+v, %v: want it declined, the entries back, nothing written", r, err)
	}
	if _, err := s.WriteEntries(ctx, ws, store.EntryWrite{Put: []store.Entry{{Kind: "metric", Key: "m/1.1", Value: `{"unit":"count","by":"sam"}`}}}); err != nil {
		t.Fatal(err)
	}
	r, err = te.WriteTargetEntries(ctx, ws, w)
	if err != nil || !r.Applied || r.Declined || r.Entries["m/1.1|2026"] != "v" {
		t.Fatalf("a write chosen by its unit = %+v, %v", r, err)
	}
	es, err := s.WorkspaceEvents(ctx, ws, 1)
	if err != nil || len(es) != 1 || es[0].To != "25" {
		t.Fatalf("the chosen event = %+v, %v: want the count's", es, err)
	}
}
