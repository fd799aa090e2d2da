package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/targetbot/targetbot/store"
)

// DiffSnapshots returns "" when a and b hold the same records in the
// same order, field for field, times to the nanosecond and in the same
// UTC offset; otherwise it describes the first record that differs.
// Records are compared as JSON, which is how times are kept.
func DiffSnapshots(a, b *store.Snapshot) string {
	la, lb := lines(a), lines(b)
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("record %d differs:\n got: %s\nwant: %s", i+1, la[i], lb[i])
		}
	}
	if len(la) != len(lb) {
		return fmt.Sprintf("%d records, want %d", len(la), len(lb))
	}
	return ""
}

// lines encodes each record of s as a JSON line naming its type.
func lines(s *store.Snapshot) []string {
	var out []string
	_ = s.Each(func(r store.Record) error {
		var v any
		switch r.Type {
		case store.RecordWorkspace:
			v = r.Workspace
		case store.RecordTarget:
			v = r.Target
		case store.RecordUpdate:
			v = r.Update
		case store.RecordEvent:
			v = r.Event
		case store.RecordSubscription:
			v = r.Subscription
		case store.RecordAdapterState:
			v = r.State
		case store.RecordEntry:
			v = r.Entry
		case store.RecordWorkspaceEvent:
			v = r.Event
		}
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(err.Error())
		}
		out = append(out, string(r.Type)+" "+string(b))
		return nil
	})
	return out
}

// export reads ws from s, failing the test on an error.
func export(t testing.TB, s store.Store, ws string) *store.Snapshot {
	t.Helper()
	snap, err := store.ExportSnapshot(context.Background(), s, ws)
	if err != nil {
		t.Fatalf("Export(%s): %v", ws, err)
	}
	return snap
}

// sameExport fails unless s's ws exports as want.
func sameExport(t testing.TB, what string, s store.Store, ws string, want *store.Snapshot) {
	t.Helper()
	if d := DiffSnapshots(export(t, s, ws), want); d != "" {
		t.Fatalf("%s: export of %s: %s", what, ws, d)
	}
}
