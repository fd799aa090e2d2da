package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// TestEntriesRoundTrips pins that admins cost the reads nothing: with
// admins granted, WorkspaceTarget, Workspace and StartCycle fill
// Workspace.Admins in the one round trip they always took, the update
// stays one, and WriteEntries (expectations, puts and events) is one.
func TestEntriesRoundTrips(t *testing.T) {
	ctx := context.Background()
	s, c := counted(t)
	grant := func(ws, user string, when time.Time) error {
		v, _ := json.Marshal(framework.Admin{User: user, By: "U0", At: when})
		_, err := s.WriteEntries(ctx, ws, store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: user}},
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: user, Value: string(v)}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, Author: "U0", User: user, Time: when}},
		})
		return err
	}
	wantAdmins := func(what string, w framework.Workspace, n int) {
		t.Helper()
		if len(w.Admins) != n {
			t.Errorf("%s: %d admins, want %d", what, len(w.Admins), n)
		}
	}
	for _, ws := range []string{"slack:warm-up", "slack:T1"} {
		warm := ws == "slack:warm-up"
		if _, err := s.Import(ctx, ws, sizedFramework("rt", 4), t0); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := grant(ws, fmt.Sprintf("u%d", i), t0); err != nil {
				t.Fatal(err)
			}
		}
		var w framework.Workspace
		cases := []struct {
			name string
			run  func() error
		}{
			{"WriteEntries", func() error { return grant(ws, "u9", t0.Add(time.Minute)) }},
			{"WorkspaceTarget", func() (err error) { w, _, err = s.WorkspaceTarget(ctx, ws, "rt/1.1"); return }},
			{"Workspace", func() (err error) { w, err = s.Workspace(ctx, ws); return }},
			{"AppendUpdate", func() error {
				_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "rt/1.1", Author: "u1", Time: t0, Progress: 10, Status: framework.OnTrack, Note: "n"}, store.Once{})
				return err
			}},
			{"StartCycle", func() (err error) { w, _, err = s.StartCycle(ctx, ws, "2026/27", t0.Add(time.Hour)); return }},
			{"Entries", func() error { _, err := s.Entries(ctx, ws, store.EntryAdmin); return err }},
		}
		for _, tc := range cases {
			n := trips(t, c, tc.name, tc.run)
			if !warm && n != 1 {
				t.Errorf("%s cost %d round trips, want 1", tc.name, n)
			}
			if !warm && tc.name != "WriteEntries" && tc.name != "AppendUpdate" && tc.name != "Entries" {
				wantAdmins(tc.name, w, 4)
			}
		}
		if n := trips(t, c, "WorkspaceEvents", func() error { _, err := s.WorkspaceEvents(ctx, ws, 10); return err }); n > 2 {
			t.Errorf("WorkspaceEvents cost %d round trips, want at most 2", n)
		}
	}
}
