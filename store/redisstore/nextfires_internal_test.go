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
