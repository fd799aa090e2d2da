package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// A store an earlier release wrote has no next-fire index: the first
// DueSchedules of a process indexes every workspace as changed and notes
// it, so later processes (run-schedules) do not index again.
func TestFirstDueSchedulesIndexesAnEarlierReleasesKeys(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	open := func() *Store {
		s, err := Open(ctx, url, &Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	s := open()
	for _, ws := range []string{"slack:T1", "slack:T2"} {
		if err := s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "C1"}); err != nil {
			t.Fatal(err)
		}
	}
	// As the earlier release left it: no index, and no note of one.
	if err := s.c.Del(ctx, s.nextFires(), s.nextFiresIndexed()).Err(); err != nil {
		t.Fatal(err)
	}
	due, err := open().DueSchedules(ctx, time.Unix(0, 0), 0, 10)
	if err != nil || len(due) != 2 || due[0].Mark >= 0 || due[1].Mark >= 0 {
		t.Fatalf("DueSchedules on an unindexed store = %v, %v; want both workspaces marked changed", due, err)
	}
	// Once noted, a later process reads the index as it is.
	if err := s.c.ZRem(ctx, s.nextFires(), "slack:T2").Err(); err != nil {
		t.Fatal(err)
	}
	if due, err := open().DueSchedules(ctx, time.Unix(0, 0), 0, 10); err != nil || len(due) != 1 {
		t.Fatalf("DueSchedules in a later process = %v, %v; want the index as it is", due, err)
	}
}

// Marks are made from one count kept in the index, under a member no
// workspace can be, scored past any time a tick reads up to: each mark
// is one further down, and the count is never read as a workspace.
func TestMarksCountDown(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	var marks []int64
	for range 3 {
		if err := s.SetTimezone(ctx, "slack:T1", "UTC"); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueSchedules(ctx, time.Unix(0, 0), 0, 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("DueSchedules = %v, %v", due, err)
		}
		marks = append(marks, due[0].Mark)
	}
	if marks[1] != marks[0]-1 || marks[2] != marks[1]-1 || marks[0] >= 0 {
		t.Fatalf("marks %v, want each one below the last", marks)
	}
	if sc, err := s.c.ZScore(ctx, s.nextFires(), markSeq).Result(); err != nil || sc != 1<<52-float64(marks[2]) {
		t.Fatalf("the count's score = %v, %v; want 2^52 + %d", sc, err, -marks[2])
	}
	if due, err := s.DueSchedules(ctx, time.UnixMilli(1<<53), 0, 10); err != nil || len(due) != 1 {
		t.Fatalf("DueSchedules past the count's score = %v, %v; want the one workspace", due, err)
	}
}
