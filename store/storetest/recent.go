package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testRecentEvents pins RecentEvents against Events, target by target:
// the same newest events, newest first, with a limit and without, and
// nothing for refs that name no target or have no event.
func testRecentEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	mustImport(t, s, ws, eqs(), base)
	for i, r := range []framework.Rating{framework.Developing, framework.Achieving, framework.Excelling} {
		mustChange(t, s, ws, "eqs/1.1", framework.Change{Kind: framework.EventRate, Rating: r, Author: "U1", Time: at(i + 1), Reason: "reason " + string(r)})
	}
	mustChange(t, s, ws, "eqs/1.2", framework.Change{Kind: framework.EventAssign, Owner: "U2", Author: "U1", Time: at(5)})
	if _, err := s.AddEvidence(ctx, ws, "eqs/1.2", framework.Evidence{URL: "https://example.org/a", Author: "U1", Time: at(6)}); err != nil {
		t.Fatalf("AddEvidence: %v", err)
	}
	refs := []string{"eqs/1.1", "eqs/1.2", "eqs/2.1", "eqs/9.9"}
	for _, limit := range []int{0, 2} {
		got, err := s.RecentEvents(ctx, ws, refs, limit)
		if err != nil {
			t.Fatalf("RecentEvents(limit %d): %v", limit, err)
		}
		for _, ref := range refs[:3] {
			want, err := s.Events(ctx, ws, ref, limit)
			if err != nil {
				t.Fatalf("Events(%s): %v", ref, err)
			}
			a, _ := json.Marshal(got[ref])
			b, _ := json.Marshal(want)
			if len(want) == 0 && len(got[ref]) == 0 {
				continue
			}
			if string(a) != string(b) {
				t.Errorf("RecentEvents(limit %d)[%s] = %s, want %s", limit, ref, a, b)
			}
		}
		if len(got) != 2 {
			t.Errorf("RecentEvents(limit %d) has %d refs, want the 2 with events", limit, len(got))
		}
	}
	if got, err := s.RecentEvents(ctx, "slack:T9", refs, 0); err != nil || len(got) != 0 {
		t.Errorf("RecentEvents of an empty workspace = %v, %v; want none", got, err)
	}
}
