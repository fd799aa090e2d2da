package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/storetest"
)

// TestCheckEntries pins what Snapshot.Check refuses of entries and
// workspace events, naming the record.
func TestCheckEntries(t *testing.T) {
	if err := storetest.SampleSnapshot("local").Check(); err != nil {
		t.Fatalf("the sample is refused: %v", err)
	}
	for _, tc := range []struct {
		name  string
		typ   store.RecordType
		index int
		edit  func(s *store.Snapshot)
	}{
		{"admin not JSON", store.RecordEntry, 0, func(s *store.Snapshot) { s.Entries[0].Value = "not json" }},
		{"admin about another user", store.RecordEntry, 0, func(s *store.Snapshot) { s.Entries[0].Value = `{"user":"U9"}` }},
		{"person not a person", store.RecordEntry, 2, func(s *store.Snapshot) { s.Entries[2].Value = `{"name":3}` }},
		{"empty value", store.RecordEntry, 1, func(s *store.Snapshot) { s.Entries[1].Value = "" }},
		{"key with a space", store.RecordEntry, 1, func(s *store.Snapshot) { s.Entries[1].Key = "a b" }},
		{"entry twice", store.RecordEntry, 3, func(s *store.Snapshot) { s.Entries = append(s.Entries, s.Entries[1]) }},
		{"workspace event with a target", store.RecordWorkspaceEvent, 1, func(s *store.Snapshot) { s.WorkspaceEvents[1].Target = "eqs/1.1" }},
		{"workspace event with no time", store.RecordWorkspaceEvent, 0, func(s *store.Snapshot) { s.WorkspaceEvents[0].Time = time.Time{} }},
		{"workspace event id of a target event", store.RecordWorkspaceEvent, 0, func(s *store.Snapshot) { s.WorkspaceEvents[0].ID = s.Events[0].ID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.SampleSnapshot("local")
			tc.edit(s)
			err := s.Check()
			var re *store.RecordError
			if framework.ErrorCode(err) != framework.EINVALID || !errors.As(err, &re) || re.Type != tc.typ || re.Index != tc.index {
				t.Fatalf("Check = %v (%+v), want %s %d refused", err, re, tc.typ, tc.index)
			}
		})
	}
}
