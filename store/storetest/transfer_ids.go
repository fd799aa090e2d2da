package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// SampleSnapshot is a small workspace ws with a record of every type
// and the awkward cases a transfer must keep: update and event ids of
// both stores' forms, out of numeric order, with leading zeros; times
// to the nanosecond in several offsets; a withdrawn update; grades of a
// closed cycle beside the current one; an archived custom target;
// adapter state.
func SampleSnapshot(ws string) *store.Snapshot {
	t0 := time.Date(2026, 4, 2, 9, 30, 15, 123456789, time.FixedZone("", 3600))
	t := func(min int) time.Time { return t0.Add(time.Duration(min)*time.Minute + time.Duration(min)) }
	const redisID = "0190a1b2c3d40001deadbeef"
	return &store.Snapshot{
		Workspace: framework.Workspace{ID: ws, Timezone: "Europe/London", Frameworks: []string{"eqs"}, Cycle: "2026/27", CycleStarted: t0,
			PastCycles: []framework.Cycle{{Name: "2025/26", Closed: t0}}},
		Targets: []framework.Target{
			{Framework: "eqs", Objective: "1", Code: "1.1", Title: "One", Owner: "U1", Due: "2026-05-01", Status: framework.OnTrack, Progress: 30,
				Rating: framework.Achieving, Grades: map[string]framework.Rating{"2025/26": framework.Developing}, Reminders: 2,
				LastUpdate: redisID, UpdatedAt: t(4), CreatedAt: t(0).UTC()},
			{Framework: "eqs", Objective: "1", Code: "1.2", Title: "Two", Status: framework.OnTrack, Progress: 10, UpdatedAt: t(2), SnoozedUntil: "2026-06-01", SnoozeReason: "leave", CreatedAt: t(0)},
			{Framework: "eqs", Objective: "2", Code: "2.1", Title: "Staff network", Custom: true, Status: framework.Done, Progress: 100, Archived: true, CreatedAt: t(0)},
		},
		Updates: []framework.Update{
			{ID: "7", Target: "eqs/1.2", Author: "U2", Time: t(1), Progress: 10, Status: framework.OnTrack, PrevStatus: framework.NotStarted},
			{ID: "3", Target: "eqs/1.2", Author: "U2", Time: t(2), Progress: 20, Status: framework.AtRisk, Note: "slipping", PrevProgress: 10, PrevStatus: framework.OnTrack,
				Withdrawn: true, WithdrawnAt: t(3).In(time.FixedZone("", -(5*3600 + 1800)))},
			{ID: "007", Target: "eqs/1.1", Author: "U1", Time: t(3), Progress: 20, Status: framework.OnTrack, PrevStatus: framework.NotStarted},
			{ID: redisID, Target: "eqs/1.1", Author: "U1", Time: t(4), Progress: 30, Status: framework.OnTrack, Note: "two events", PrevProgress: 20, PrevStatus: framework.OnTrack},
		},
		Events: []framework.Event{
			{ID: "12", Target: "eqs/1.1", Kind: framework.EventRate, Author: "U1", Time: t(5), From: "", To: "achieving", Reason: "audit", Cycle: "2026/27"},
			{ID: "e-1", Target: "eqs/1.1", Kind: framework.EventEvidence, Author: "U2", Time: t(6), URL: "https://nhs.example/board", Title: "Board paper"},
			{ID: "2", Target: "eqs/2.1", Kind: framework.EventArchive, Author: "U1", Time: t(7)},
		},
		Subscriptions: []framework.Subscription{{Workspace: ws, Channel: "C1", Spec: "0 9 * * MON", CreatedBy: "U1", CreatedAt: t(0), LastDigest: t(8)}},
		AdapterState: []store.StateEntry{
			{Key: "teams:conv:U1", Value: "a:1Xq-é \"quoted\"\n"},
			{Key: store.TeamsServiceURLKey, Value: "https://smba.trafficmanager.net/uk/"},
		},
		Entries: []store.Entry{
			{Kind: store.EntryAdmin, Key: "U1", Value: `{"user":"U1","by":"U2","at":"2026-04-02T09:30:15.123456789+01:00","installed":true}`},
			{Kind: "org-profile", Key: "profile", Value: `{"name":"Trust é","lines":"a\nb"}`},
			{Kind: store.EntryPerson, Key: "U2", Value: `{"user":"U2","name":"Amy Khan","role":"EDI lead","manual":true}`},
		},
		WorkspaceEvents: []framework.Event{
			{ID: "13", Kind: framework.EventAdminAdd, Author: "U2", Time: t(9), User: "U1", Reason: "installed"},
			{ID: "0190a1b2c3d40002deadbeef", Kind: framework.EventPerson, Author: "U1", Time: t(10), User: "U2", To: "Amy Khan", Reason: "EDI lead"},
		},
	}
}

// testForeignIDs restores a workspace whose ids another store made, and
// checks they keep working as ids: undo finds them, and nothing reaches
// an update by an id it does not have.
func testForeignIDs(t *testing.T, open Opener) {
	ctx := context.Background()
	const ws = "discord:42"
	s := open(t)
	snap := SampleSnapshot(ws)
	if err := s.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	sameExport(t, "after Restore", s, ws, snap)
	sameAsReads(t, s, ws, snap)

	for _, id := range []string{"8", "9", "10", "4", "0190a1b2c3d40001deadbee"} {
		_, _, err := s.Withdraw(ctx, ws, id, at(1))
		wantKind(t, err, framework.ErrUpdateNotFound, id, "Withdraw of an id no update has")
	}
	_, _, err := s.Withdraw(ctx, ws, "007", at(1))
	wantKind(t, err, framework.ErrNotLatest, "007", "Withdraw of an update no longer the latest")
	_, _, err = s.Withdraw(ctx, ws, "3", at(1))
	wantKind(t, err, framework.ErrAlreadyWithdrawn, "3", "Withdraw of a withdrawn update")
	u, tg, err := s.Withdraw(ctx, ws, "0190a1b2c3d40001deadbeef", at(1))
	if err != nil || !u.Withdrawn || tg.Progress != 20 || tg.LastUpdate != "" {
		t.Fatalf("Withdraw of a restored id = %+v, %+v, %v", u, tg, err)
	}
	nu, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(2), Progress: 50}, store.Once{})
	if err != nil {
		t.Fatalf("AppendUpdate: %v", err)
	}
	for _, old := range snap.Updates {
		if old.ID == nu.ID {
			t.Fatalf("a new update took the restored id %s", nu.ID)
		}
	}
	if _, _, err := s.Withdraw(ctx, ws, nu.ID, at(3)); err != nil {
		t.Fatalf("Withdraw of the new update: %v", err)
	}
	// "7" is the newest in force of its target: the update after it was
	// withdrawn.
	if _, tg, err := s.Withdraw(ctx, ws, "7", at(4)); err != nil || tg.Progress != 0 || tg.Status != framework.NotStarted {
		t.Fatalf("Withdraw of a restored id past a withdrawn one = %+v, %v", tg, err)
	}
}
