package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// wantFound checks that err, a refused WriteEntries, says it found want
// where its expectation failed.
func wantFound(t testing.TB, err error, want store.Entry) {
	t.Helper()
	got, ok := store.Found(err)
	if !ok || got != want {
		t.Fatalf("%v found %+v (%v), want %+v", err, got, ok, want)
	}
}

// testEntryCompare pins store.ExpectNotBefore: it holds of an entry
// that is missing, emptied, equal or later in byte order (not the
// server's locale), and refuses an earlier one, changing nothing and
// saying what it found.
func testEntryCompare(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws, kind = "slack:Tcompare", store.EntryKind("compare")
	n := 0
	write := func(key, notBefore string) error {
		n++
		_, err := s.WriteEntries(ctx, ws, store.EntryWrite{
			Expect: []store.Entry{{Kind: kind, Key: key, Value: notBefore, Op: store.ExpectNotBefore}},
			Put:    []store.Entry{{Kind: kind, Key: fmt.Sprintf("put%d", n), Value: "x"}},
			Events: []framework.Event{{Kind: "compare", Author: "amy", Time: at(n)}},
		})
		return err
	}
	// The kind has no entry at all yet: the expectation holds.
	if err := write("ends", "2026-12-08"); err != nil {
		t.Fatalf("not before, on a missing entry of a missing kind: %v", err)
	}
	mustWrite(t, s, ws, store.EntryWrite{Put: []store.Entry{
		{Kind: kind, Key: "ends", Value: "2026-12-08"},
		{Kind: kind, Key: "upper", Value: "B"},
		{Kind: kind, Key: "accent", Value: "é"},
		{Kind: kind, Key: "gone", Value: "2000-01-01"},
	}})
	mustWrite(t, s, ws, store.EntryWrite{Put: []store.Entry{{Kind: kind, Key: "gone"}}})
	for _, c := range []struct {
		name, key, value string
		holds            bool
	}{
		{"missing entry", "never", "2026-12-08", true},
		{"emptied entry", "gone", "2026-12-08", true},
		{"equal", "ends", "2026-12-08", true},
		{"later", "ends", "2026-12-07", true},
		{"later by a year", "ends", "2025-12-31", true},
		{"nothing to compare with", "ends", "", true},
		{"earlier", "ends", "2026-12-09", false},
		{"earlier by a year", "ends", "2027-01-01", false},
		{"a prefix of the value", "ends", "2026-12-08T00:00:00Z", false},
		{"in bytes, B before a", "upper", "a", false},
		{"in bytes, é after z", "accent", "z", true},
	} {
		before := mustEntries(t, s, ws, kind)
		events := len(mustWorkspaceEvents(t, s, ws, 0))
		err := write(c.key, c.value)
		if c.holds {
			if err != nil {
				t.Fatalf("%s: %s/%s not before %q: %v", c.name, kind, c.key, c.value, err)
			}
			continue
		}
		what := fmt.Sprintf("%s: %s/%s %q not before %q", c.name, kind, c.key, before[c.key], c.value)
		wantKind(t, err, framework.ErrEntryChanged, string(kind)+"/"+c.key, what)
		wantFound(t, err, store.Entry{Kind: kind, Key: c.key, Value: before[c.key]})
		if after := mustEntries(t, s, ws, kind); !sameEntries(after, before) {
			t.Fatalf("%s: a refused write changed the entries: %v, was %v", what, after, before)
		}
		if got := len(mustWorkspaceEvents(t, s, ws, 0)); got != events {
			t.Fatalf("%s: a refused write appended events: %d, was %d", what, got, events)
		}
	}
	// A missing entry refused by an exact expectation is found empty.
	_, err := s.WriteEntries(ctx, ws, store.EntryWrite{
		Expect: []store.Entry{{Kind: kind, Key: "ends", Value: "2026-12-08"}, {Kind: kind, Key: "never", Value: "x"}},
		Put:    []store.Entry{{Kind: kind, Key: "put0", Value: "x"}},
	})
	wantKind(t, err, framework.ErrEntryChanged, string(kind)+"/never", "expecting a missing entry")
	wantFound(t, err, store.Entry{Kind: kind, Key: "never"})
}
