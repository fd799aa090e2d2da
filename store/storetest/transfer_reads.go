package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// sameJSON fails unless got and want encode alike; an empty list and
// none are alike.
func sameJSON(t testing.TB, what string, got, want any) {
	t.Helper()
	enc := func(v any) string {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
			return "null"
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	g, w := enc(got), enc(want)
	if string(g) != string(w) {
		t.Fatalf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}

// sameAsReads checks that every read of ws in s agrees with snap: the
// settings, targets, each history and its evidence, subscriptions, the
// digest's updates, each author's last update, and the due and stale
// indexes, which a restore rebuilds rather than copies.
func sameAsReads(t *testing.T, s store.Store, ws string, snap *store.Snapshot) {
	t.Helper()
	ctx := context.Background()
	w, err := s.Workspace(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "Workspace", w, snap.Workspace)
	kinds := map[store.EntryKind]map[string]string{store.EntryAdmin: {}}
	for _, e := range snap.Entries {
		if kinds[e.Kind] == nil {
			kinds[e.Kind] = map[string]string{}
		}
		kinds[e.Kind][e.Key] = e.Value
	}
	for kind, want := range kinds {
		got, err := s.Entries(ctx, ws, kind)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "Entries of "+string(kind), got, want)
	}
	sameJSON(t, "Admins", w.Admins, store.AdminsOf(kinds[store.EntryAdmin]))
	wantWE := slices.Clone(snap.WorkspaceEvents)
	slices.Reverse(wantWE)
	we, err := s.WorkspaceEvents(ctx, ws, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "WorkspaceEvents", we, wantWE)
	ts, err := s.Targets(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "Targets", ts, snap.Targets)
	var allEvidence []framework.Evidence
	for _, tg := range snap.Targets {
		ref := tg.Ref()
		var wantU []framework.Update
		for _, u := range snap.Updates {
			if u.Target == ref {
				wantU = append(wantU, u)
			}
		}
		slices.Reverse(wantU)
		var wantE []framework.Event
		var wantEv []framework.Evidence
		for _, e := range snap.Events {
			if e.Target == ref {
				wantE = append(wantE, e)
				if e.Kind == framework.EventEvidence {
					wantEv = append(wantEv, e.Evidence())
				}
			}
		}
		slices.Reverse(wantE)
		us, err := s.Updates(ctx, ws, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "Updates of "+ref, us, wantU)
		es, err := s.Events(ctx, ws, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "Events of "+ref, es, wantE)
		ev, err := s.Evidence(ctx, ws, ref)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "Evidence of "+ref, ev, wantEv)
		allEvidence = append(allEvidence, wantEv...)
	}
	ev, err := s.Evidence(ctx, ws, "")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "Evidence of the workspace", ev, allEvidence)
	subs, err := s.Subscriptions(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "Subscriptions", subs, snap.Subscriptions)

	var live []framework.Update
	last := map[string]framework.Update{}
	for _, u := range snap.Updates {
		last[u.Author] = u
		if !u.Withdrawn {
			live = append(live, u)
		}
	}
	sort.SliceStable(live, func(i, j int) bool { return live[i].Time.Before(live[j].Time) })
	since, n, err := s.UpdatesSince(ctx, ws, time.Time{}, time.Time{}, 0)
	if err != nil || n != len(live) {
		t.Fatalf("UpdatesSince = %d updates, %v; want %d", n, err, len(live))
	}
	sameJSON(t, "UpdatesSince", since, live)
	for user, want := range last {
		got, err := s.LastUpdateBy(ctx, ws, user)
		if err != nil {
			t.Fatalf("LastUpdateBy(%s): %v", user, err)
		}
		sameJSON(t, "LastUpdateBy "+user, got, want)
	}

	var due, stale []framework.Target
	for _, tg := range snap.Targets {
		if tg.Open() && tg.Live() && tg.Due != "" {
			due = append(due, tg)
		}
		if tg.Open() && tg.Live() && tg.Owner != "" {
			stale = append(stale, tg)
		}
	}
	gotDue, err := s.Due(ctx, ws, "", "9999-12-31")
	if err != nil {
		t.Fatal(err)
	}
	// Ties between equal dates and times are in no contracted order.
	wantRefSet(t, "Due", gotDue, targetRefs(due)...)
	gotStale, err := s.Stale(ctx, ws, time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	wantRefSet(t, "Stale", gotStale, targetRefs(stale)...)
}

// sameBehaviour makes the same writes to the original workspace in src
// and its restored copy in dst, and checks they answer alike: undo of a
// restored update by its id, new ids that collide with no restored one,
// the evidence and cycle indexes refusing what they should.
func sameBehaviour(t *testing.T, src, dst store.Store, ws string, snap *store.Snapshot) {
	ctx := context.Background()
	var target framework.Target
	for _, tg := range snap.Targets {
		if tg.LastUpdate != "" && tg.Live() {
			target = tg
			break
		}
	}
	if target.LastUpdate == "" {
		t.Fatal("the snapshot has no live target with an update to undo")
	}
	ref, when := target.Ref(), snap.Workspace.CycleStarted.Add(1000*24*time.Hour)
	var results [2][]any
	for i, s := range []store.Store{src, dst} {
		u, tg, err := s.Withdraw(ctx, ws, target.LastUpdate, when)
		if err != nil {
			t.Fatalf("Withdraw(%s) of a restored update: %v", target.LastUpdate, err)
		}
		results[i] = append(results[i], u, tg)
		nu, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "Unew", Time: when.Add(time.Second), Note: "after the restore"}, store.Once{})
		if err != nil {
			t.Fatalf("AppendUpdate after a restore: %v", err)
		}
		_, e, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventEdit, Title: "After the restore", Author: "Unew", Time: when.Add(2 * time.Second)})
		if err != nil {
			t.Fatalf("ChangeTarget after a restore: %v", err)
		}
		for _, old := range snap.Updates {
			if old.ID == nu.ID {
				t.Fatalf("a new update took the id %s of a restored one", nu.ID)
			}
		}
		for _, old := range snap.Events {
			if old.ID == e.ID {
				t.Fatalf("a new event took the id %s of a restored one", e.ID)
			}
		}
		if last, err := s.LastUpdateBy(ctx, ws, "Unew"); err != nil || last.ID != nu.ID {
			t.Fatalf("LastUpdateBy after a restore = %+v, %v; want %s", last, err, nu.ID)
		}
		if us, _ := s.Updates(ctx, ws, ref, 2); len(us) != 2 || us[0].ID != nu.ID || us[1].ID != target.LastUpdate {
			t.Fatalf("Updates after a restore = %+v, want the new one, then the withdrawn one", us)
		}
		for _, e := range snap.Events {
			if e.Kind != framework.EventEvidence || e.Target == ref {
				continue
			}
			tg, _ := s.Target(ctx, ws, e.Target)
			if !tg.Live() {
				continue
			}
			_, err := s.AddEvidence(ctx, ws, e.Target, framework.Evidence{URL: e.URL, Author: "Unew", Time: when})
			wantKind(t, err, framework.ErrNoChange, e.URL, "AddEvidence of a restored link")
			break
		}
		_, _, err = s.StartCycle(ctx, ws, snap.Workspace.Cycle, when)
		if !errors.Is(err, framework.ErrCycleUsed) {
			t.Fatalf("StartCycle(%s) after a restore = %v, want ErrCycleUsed", snap.Workspace.Cycle, err)
		}
	}
	sameJSON(t, "Withdraw of a restored update, original and restored", results[1], results[0])
}
