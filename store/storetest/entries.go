package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// adminValue is a framework.Admin as its entry keeps it.
func adminValue(t testing.TB, a framework.Admin) string {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustWrite(t testing.TB, s store.Store, ws string, w store.EntryWrite) []framework.Event {
	t.Helper()
	es, err := s.WriteEntries(context.Background(), ws, w)
	if err != nil {
		t.Fatalf("WriteEntries(%s, %+v): %v", ws, w, err)
	}
	return es
}

func mustEntries(t testing.TB, s store.Store, ws string, kind store.EntryKind) map[string]string {
	t.Helper()
	m, err := s.Entries(context.Background(), ws, kind)
	if err != nil {
		t.Fatalf("Entries(%s, %s): %v", ws, kind, err)
	}
	return m
}

func mustWorkspaceEvents(t testing.TB, s store.Store, ws string, limit int) []framework.Event {
	t.Helper()
	es, err := s.WorkspaceEvents(context.Background(), ws, limit)
	if err != nil {
		t.Fatalf("WorkspaceEvents(%s, %d): %v", ws, limit, err)
	}
	return es
}

func sameEntries(got map[string]string, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// testEntries pins the entries role: expectations that hold or refuse
// the whole write, "" as absent and as delete, workspace events newest
// first with ids, kinds the store does not know kept as they are,
// Workspace.Admins read from the admin entries with every workspace
// read, and one workspace never reaching another's entries.
func testEntries(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws, other = "teams:t1/team-a", "teams:t1/team-a}:en:admin"
	amy := framework.Admin{User: "amy", By: "bob", At: at(1)}
	bob := framework.Admin{User: "bob", Installed: true, At: at(0)}

	t.Run("fresh", func(t *testing.T) {
		if m := mustEntries(t, s, ws, store.EntryAdmin); len(m) != 0 {
			t.Fatalf("a fresh workspace has entries %v", m)
		}
		if es := mustWorkspaceEvents(t, s, ws, 0); len(es) != 0 {
			t.Fatalf("a fresh workspace has events %+v", es)
		}
		w, err := s.Workspace(ctx, ws)
		if err != nil || len(w.Admins) != 0 {
			t.Fatalf("Workspace = %+v, %v; want no admins", w, err)
		}
	})

	t.Run("empty write", func(t *testing.T) {
		_, err := s.WriteEntries(ctx, ws, store.EntryWrite{Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "amy"}}})
		wantKind(t, err, framework.ErrNoChange, "", "a write with nothing to put")
	})

	t.Run("bad input", func(t *testing.T) {
		for _, w := range []store.EntryWrite{
			{Put: []store.Entry{{Kind: "", Key: "amy", Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "", Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "a my", Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy\n", Value: "x"}}},
			{Put: []store.Entry{{Kind: "ad min", Key: "amy", Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: strings.Repeat("k", store.MaxEntryKey+1), Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: strings.Repeat("v", store.MaxEntryValue+1)}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: "\xff"}}},
			{Expect: []store.Entry{{Kind: store.EntryAdmin, Key: " "}}, Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: "x"}}},
			{Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Op: "after"}}, Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: "x"}}},
			{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: "x", Op: store.ExpectNotBefore}}},
			{Events: []framework.Event{{Kind: framework.EventAdminAdd, Target: "eqs/1.1", Time: at(1)}}},
			{Events: []framework.Event{{Kind: "", Time: at(1)}}},
		} {
			_, err := s.WriteEntries(ctx, ws, w)
			wantCode(t, err, framework.EINVALID, fmt.Sprintf("WriteEntries(%+v)", w))
		}
		_, err := s.Entries(ctx, ws, "bad kind")
		wantCode(t, err, framework.EINVALID, "Entries of a kind with a space")
		// A write that only deletes creates no workspace either.
		mustWrite(t, s, "slack:Tdel", store.EntryWrite{Put: []store.Entry{{Kind: store.EntryPerson, Key: "amy"}}})
		if ws, err := s.Workspaces(ctx); err != nil || len(ws) != 0 {
			t.Fatalf("Workspaces after refused writes and a delete = %+v, %v; want none", ws, err)
		}
	})

	var first []framework.Event
	t.Run("grant", func(t *testing.T) {
		first = mustWrite(t, s, ws, store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "bob"}},
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: "bob", Value: adminValue(t, bob)}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, Author: "bob", User: "bob", Reason: "installed", Time: at(0)}},
		})
		if len(first) != 1 || first[0].ID == "" || first[0].User != "bob" || first[0].Target != "" {
			t.Fatalf("WriteEntries returned %+v; want one workspace event about bob, with an id", first)
		}
		mustWrite(t, s, ws, store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "amy"}, {Kind: store.EntryAdmin, Key: "bob", Value: adminValue(t, bob)}},
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: adminValue(t, amy)}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, Author: "bob", User: "amy", Time: at(1)}},
		})
		want := map[string]string{"amy": adminValue(t, amy), "bob": adminValue(t, bob)}
		if m := mustEntries(t, s, ws, store.EntryAdmin); !sameEntries(m, want) {
			t.Fatalf("Entries = %v, want %v", m, want)
		}
		wantAdmins := func(what string, w framework.Workspace) {
			t.Helper()
			if len(w.Admins) != 2 || w.Admins[0].User != "amy" || w.Admins[1].User != "bob" ||
				!w.Admins[0].At.Equal(amy.At) || w.Admins[0].By != "bob" || !w.Admins[1].Installed {
				t.Fatalf("%s: Admins = %+v, want amy then bob, as granted", what, w.Admins)
			}
			if _, ok := w.Granted("AMY"); !ok {
				t.Fatalf("%s: Granted(AMY) is false", what)
			}
		}
		w, err := s.Workspace(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		wantAdmins("Workspace", w)
		mustImport(t, s, ws, eqs(), at(2))
		w, _, err = s.WorkspaceTarget(ctx, ws, "eqs/1.1")
		if err != nil {
			t.Fatal(err)
		}
		wantAdmins("WorkspaceTarget", w)
		w, _, err = s.WorkspaceTarget(ctx, ws, "eqs/9.9")
		wantKind(t, err, framework.ErrTargetNotFound, "eqs/9.9", "WorkspaceTarget of no target")
		wantAdmins("WorkspaceTarget of no target", w)
		all, err := s.Workspaces(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("Workspaces = %+v, %v", all, err)
		}
		wantAdmins("Workspaces", all[0])
		w, _, err = s.StartCycle(ctx, ws, "2026/27", at(3))
		if err != nil {
			t.Fatal(err)
		}
		wantAdmins("StartCycle", w)
	})

	t.Run("expectation fails", func(t *testing.T) {
		for _, exp := range []store.Entry{
			{Kind: store.EntryAdmin, Key: "amy"},                     // present, expected absent
			{Kind: store.EntryAdmin, Key: "cat", Value: "{}"},        // absent, expected present
			{Kind: store.EntryAdmin, Key: "bob", Value: "{\"x\":1}"}, // another value
		} {
			_, err := s.WriteEntries(ctx, ws, store.EntryWrite{
				Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "bob", Value: adminValue(t, bob)}, exp},
				Put:    []store.Entry{{Kind: store.EntryAdmin, Key: "amy"}, {Kind: store.EntryPerson, Key: "dan", Value: "{}"}},
				Events: []framework.Event{{Kind: framework.EventAdminRemove, Author: "bob", User: "amy", Time: at(4)}},
			})
			wantKind(t, err, framework.ErrEntryChanged, string(exp.Kind)+"/"+exp.Key, fmt.Sprintf("expecting %+v", exp))
			wantFound(t, err, store.Entry{Kind: exp.Kind, Key: exp.Key, Value: mustEntries(t, s, ws, exp.Kind)[exp.Key]})
		}
		if m := mustEntries(t, s, ws, store.EntryAdmin); len(m) != 2 {
			t.Fatalf("a refused write changed the admins: %v", m)
		}
		if m := mustEntries(t, s, ws, store.EntryPerson); len(m) != 0 {
			t.Fatalf("a refused write put people: %v", m)
		}
		if es := mustWorkspaceEvents(t, s, ws, 0); len(es) != 2 {
			t.Fatalf("a refused write appended events: %+v", es)
		}
	})

	t.Run("delete", func(t *testing.T) {
		mustWrite(t, s, ws, store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "amy", Value: adminValue(t, amy)}},
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: "amy"}},
			Events: []framework.Event{{Kind: framework.EventAdminRemove, Author: "bob", User: "amy", Time: at(5)}},
		})
		if m := mustEntries(t, s, ws, store.EntryAdmin); len(m) != 1 || m["amy"] != "" {
			t.Fatalf("after removing amy, Entries = %v", m)
		}
		w, err := s.Workspace(ctx, ws)
		if err != nil || len(w.Admins) != 1 || w.Admins[0].User != "bob" {
			t.Fatalf("Workspace after removing amy: %+v, %v", w.Admins, err)
		}
		// Deleting what is absent is a write like any other.
		mustWrite(t, s, ws, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "nobody"}}})
	})

	t.Run("events newest first", func(t *testing.T) {
		es := mustWorkspaceEvents(t, s, ws, 0)
		if len(es) != 3 {
			t.Fatalf("WorkspaceEvents = %+v, want 3", es)
		}
		want := []struct {
			kind framework.EventKind
			user string
		}{{framework.EventAdminRemove, "amy"}, {framework.EventAdminAdd, "amy"}, {framework.EventAdminAdd, "bob"}}
		ids := map[string]bool{}
		for i, w := range want {
			e := es[i]
			if e.Kind != w.kind || e.User != w.user || e.Target != "" || e.ID == "" || ids[e.ID] {
				t.Fatalf("event %d = %+v, want %s about %s with an id of its own", i, e, w.kind, w.user)
			}
			ids[e.ID] = true
		}
		if es[2].ID != first[0].ID || es[2].Reason != "installed" || es[2].Author != "bob" || !es[2].Time.Equal(at(0)) {
			t.Fatalf("oldest event = %+v, want %+v as written", es[2], first[0])
		}
		if got := mustWorkspaceEvents(t, s, ws, 2); len(got) != 2 || got[0].ID != es[0].ID || got[1].ID != es[1].ID {
			t.Fatalf("WorkspaceEvents(limit 2) = %+v, want the newest two", got)
		}
		// Workspace events are not any target's.
		for _, ref := range eqsRefs {
			if evs, err := s.Events(ctx, ws, ref, 0); err != nil || len(evs) != 0 {
				t.Fatalf("Events(%s) = %+v, %v; want none", ref, evs, err)
			}
		}
	})

	t.Run("opaque kinds", func(t *testing.T) {
		const profile store.EntryKind = "org-profile"
		odd := `{"name":"Trust","ok":true} “quoted” é` + "\n" + `line two`
		mustWrite(t, s, ws, store.EntryWrite{
			Put:    []store.Entry{{Kind: profile, Key: "name:full", Value: odd}, {Kind: store.EntryPerson, Key: "amy", Value: `{"user":"amy","name":"Amy Khan"}`}},
			Events: []framework.Event{{Kind: "profile-set", Author: "bob", Time: at(6)}},
		})
		if m := mustEntries(t, s, ws, profile); !sameEntries(m, map[string]string{"name:full": odd}) {
			t.Fatalf("Entries(%s) = %q", profile, m)
		}
		if es := mustWorkspaceEvents(t, s, ws, 1); len(es) != 1 || es[0].Kind != "profile-set" {
			t.Fatalf("newest event = %+v, want the profile-set", es)
		}
		w, err := s.Workspace(ctx, ws)
		if err != nil || len(w.Admins) != 1 {
			t.Fatalf("other kinds changed the admins: %+v, %v", w.Admins, err)
		}
	})

	t.Run("isolation", func(t *testing.T) {
		if m := mustEntries(t, s, other, store.EntryAdmin); len(m) != 0 {
			t.Fatalf("%s reads %s's admins: %v", other, ws, m)
		}
		if es := mustWorkspaceEvents(t, s, other, 0); len(es) != 0 {
			t.Fatalf("%s reads %s's events: %+v", other, ws, es)
		}
		mustWrite(t, s, other, store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: "bob"}}, // bob is ws's admin, not other's
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: "eve", Value: adminValue(t, framework.Admin{User: "eve"})}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, User: "eve", Time: at(7)}},
		})
		w, err := s.Workspace(ctx, ws)
		if err != nil || len(w.Admins) != 1 || w.Admins[0].User != "bob" {
			t.Fatalf("%s's write reached %s: %+v, %v", other, ws, w.Admins, err)
		}
		o, err := s.Workspace(ctx, other)
		if err != nil || len(o.Admins) != 1 || o.Admins[0].User != "eve" {
			t.Fatalf("%s's admins = %+v, %v; want eve", other, o.Admins, err)
		}
		if es := mustWorkspaceEvents(t, s, ws, 0); len(es) != 4 {
			t.Fatalf("%s has %d events after %s's write, want 4", ws, len(es), other)
		}
	})

	t.Run("concurrent writers", func(t *testing.T) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.WriteEntries(ctx, ws, store.EntryWrite{
					Expect: []store.Entry{{Kind: store.EntryPerson, Key: "cat"}},
					Put:    []store.Entry{{Kind: store.EntryPerson, Key: "cat", Value: fmt.Sprintf(`{"user":"cat","name":"Cat %d"}`, i)}},
					Events: []framework.Event{{Kind: framework.EventPerson, User: "cat", To: fmt.Sprint(i), Time: at(8)}},
				})
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatalf("writers %d and %d both won", won, i)
			case err == nil:
				won = i
			case !errors.Is(err, framework.ErrEntryChanged):
				t.Fatalf("writer %d: %v, want ErrEntryChanged", i, err)
			}
		}
		if won < 0 {
			t.Fatal("no writer won")
		}
		if v := mustEntries(t, s, ws, store.EntryPerson)["cat"]; v != fmt.Sprintf(`{"user":"cat","name":"Cat %d"}`, won) {
			t.Fatalf("cat = %q, want writer %d's", v, won)
		}
		es := mustWorkspaceEvents(t, s, ws, 0)
		count := 0
		for _, e := range es {
			if e.Kind == framework.EventPerson {
				count++
				if e.To != fmt.Sprint(won) {
					t.Fatalf("the event kept is %+v, not writer %d's", e, won)
				}
			}
		}
		if count != 1 {
			t.Fatalf("%d person events, want the winner's alone", count)
		}
	})
}
