package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Issue 27: a snapshot is held to the rules a command applies, for
// every store's limits, before anything is written: an evidence link a
// command would refuse, or a time one store cannot keep, is refused by
// Check, so no restore stops part way.
func TestCheckAppliesCommandRulesAndEveryStoresLimits(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	valid := func() *store.Snapshot {
		return &store.Snapshot{
			Workspace: framework.Workspace{ID: "local"},
			Targets:   []framework.Target{{Framework: "eqs", Code: "1.1", Status: framework.NotStarted}},
			Updates:   []framework.Update{{ID: "1", Target: "eqs/1.1", Status: framework.OnTrack, PrevStatus: framework.NotStarted, Time: at}},
			Events:    []framework.Event{{ID: "e1", Target: "eqs/1.1", Kind: framework.EventEvidence, URL: "https://example.org/a.pdf", Time: at}},
		}
	}
	tests := []struct {
		name   string
		change func(s *store.Snapshot)
		want   string // "" for accepted
	}{
		{"valid", func(*store.Snapshot) {}, ""},
		{"javascript evidence", func(s *store.Snapshot) { s.Events[0].URL = "javascript:alert(1)" }, "javascript:alert(1)"},
		{"data evidence", func(s *store.Snapshot) { s.Events[0].URL = "data:text/html,hi" }, "data:text/html"},
		{"update dated 9999", func(s *store.Snapshot) { s.Updates[0].Time = far }, "9999"},
		{"update before 1970", func(s *store.Snapshot) { s.Updates[0].Time = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }, "1969"},
		{"withdrawn in 9999", func(s *store.Snapshot) { s.Updates[0].Withdrawn, s.Updates[0].WithdrawnAt = true, far }, "outside"},
		{"event dated 9999", func(s *store.Snapshot) { s.Events[0].Time = far }, "9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.change(s)
			// The check of a stream of records holds them to the same rules.
			_, streamed := store.CheckRecords(s.Workspace.ID, store.RecordsOf(s), nil)
			for name, err := range map[string]error{"Check": s.Check(), "CheckRecords": streamed} {
				if tt.want == "" {
					if err != nil {
						t.Fatalf("%s = %v, want nil", name, err)
					}
					continue
				}
				var rec *store.RecordError
				if err == nil || !errors.As(err, &rec) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s = %v, want a record error naming %q", name, err, tt.want)
				}
			}
		})
	}
}
