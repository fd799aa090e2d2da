package storetest

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testRateReason pins that a rate of the grade a target has, with a new
// reason, is recorded as a change of reason: the grade stays, the event
// says so (From and To the same grade) and carries the new reason. The
// same grade with the same reason, or with none, changes nothing; the
// reason compared is the current cycle's.
func testRateReason(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"
	const ref = "eqs/1.1"
	mustImport(t, s, ws, eqs(), base)
	mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Reason: "no policy yet", Time: at(1)})

	rate := func(reason string, n int) (framework.Target, framework.Event, error) {
		return s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Reason: reason, Author: "U2", Time: at(n)})
	}
	t.Run("a new reason is recorded and the grade stays", func(t *testing.T) {
		tg, e, err := rate("policy drafted", 2)
		if err != nil {
			t.Fatalf("ChangeTarget with a new reason: %v", err)
		}
		if tg.Rating != framework.Developing || e.Kind != framework.EventRate || e.From != "developing" || e.To != "developing" ||
			e.Reason != "policy drafted" || e.Cycle != "2025/26" || e.Author != "U2" || e.ID == "" || !e.ReasonChange() {
			t.Fatalf("ChangeTarget = %+v, %+v, want developing kept and the new reason recorded", tg, e)
		}
		es, err := s.Events(ctx, ws, ref, 0)
		if err != nil || len(es) != 2 || es[0].ID != e.ID || es[0].Reason != "policy drafted" || es[1].Reason != "no policy yet" {
			t.Fatalf("Events = %+v, %v, want the new reason's event newest", es, err)
		}
	})
	t.Run("the same reason, or none, changes nothing", func(t *testing.T) {
		for _, reason := range []string{"policy drafted", ""} {
			_, _, err := rate(reason, 3)
			wantKind(t, err, framework.ErrNoChange, "developing", "the same grade with reason "+reason)
		}
		if es, _ := s.Events(ctx, ws, ref, 0); len(es) != 2 {
			t.Fatalf("%d events after refused rates, want 2", len(es))
		}
	})
	t.Run("an earlier reason is new again", func(t *testing.T) {
		if _, e, err := rate("no policy yet", 4); err != nil || e.Reason != "no policy yet" {
			t.Fatalf("ChangeTarget back to the first reason = %+v, %v", e, err)
		}
	})
	t.Run("a closed cycle's reason is not the current one's", func(t *testing.T) {
		const other = "eqs/1.2"
		mustChange(t, s, ws, other, framework.Change{Kind: framework.EventRate, Rating: framework.Achieving, Time: at(5)})
		mustChange(t, s, ws, other, framework.Change{Kind: framework.EventRate, Reason: "not assessed", Time: at(6)})
		if _, _, err := s.StartCycle(ctx, ws, "2026/27", at(7)); err != nil {
			t.Fatalf("StartCycle: %v", err)
		}
		_, e, err := s.ChangeTarget(ctx, ws, other, framework.Change{Kind: framework.EventRate, Reason: "not assessed", Author: "U2", Time: at(8)})
		if err != nil || e.Cycle != "2026/27" || !e.ReasonChange() {
			t.Fatalf("ungraded again with last cycle's reason = %+v, %v, want a reason recorded in 2026/27", e, err)
		}
		_, _, err = s.ChangeTarget(ctx, ws, other, framework.Change{Kind: framework.EventRate, Reason: "not assessed", Author: "U2", Time: at(9)})
		wantKind(t, err, framework.ErrNoChange, "", "the same reason in the new cycle")
	})
}
