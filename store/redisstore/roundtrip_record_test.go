package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// TestRecordReadsAreBounded pins the round trips of the record's reads:
// WorkspaceTarget (the permission check before a change) is one, and
// Events and Evidence are two however much history there is.
func TestRecordReadsAreBounded(t *testing.T) {
	ctx := context.Background()
	s, c := counted(t)
	for _, n := range []int{1, 200} {
		ws := fmt.Sprintf("ws:%d", n)
		if _, err := s.Import(ctx, ws, sizedFramework("rt", 20), t0); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			at := t0.Add(time.Duration(i) * time.Minute)
			if _, _, err := s.ChangeTarget(ctx, ws, "rt/1.1", framework.Change{Kind: framework.EventDue, Due: framework.Date(fmt.Sprintf("2026-%02d-%02d", i%12+1, i%28+1)), Author: "U1", Time: at}); err != nil && !isNoChange(err) {
				t.Fatal(err)
			}
			if _, err := s.AddEvidence(ctx, ws, fmt.Sprintf("rt/%d.%d", i%2+1, i%10+1), framework.Evidence{URL: fmt.Sprintf("https://example.org/%d", i), Author: "U1", Time: at}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, r := range []struct {
		name string
		max  int64
		read func(ws string) error
	}{
		{"WorkspaceTarget", 1, func(ws string) error { _, _, err := s.WorkspaceTarget(ctx, ws, "rt/1.1"); return err }},
		{"Events", 2, func(ws string) error { _, err := s.Events(ctx, ws, "rt/1.1", 0); return err }},
		{"Evidence of a target", 2, func(ws string) error { _, err := s.Evidence(ctx, ws, "rt/1.1"); return err }},
		{"Evidence of a workspace", 2, func(ws string) error { _, err := s.Evidence(ctx, ws, ""); return err }},
	} {
		small := trips(t, c, r.name, func() error { return r.read("ws:1") })
		large := trips(t, c, r.name, func() error { return r.read("ws:200") })
		if small != large || large > r.max {
			t.Errorf("%s cost %d round trips with 1 record and %d with 200: want the same, at most %d", r.name, small, large, r.max)
		}
	}
	if evs, err := s.Evidence(ctx, "ws:200", ""); err != nil || len(evs) != 200 {
		t.Fatalf("Evidence(ws:200) = %d, %v; want 200", len(evs), err)
	}
}

func isNoChange(err error) bool { return framework.ErrorKind(err) == framework.ErrNoChange }
