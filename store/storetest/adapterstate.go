package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// testAdapterState pins the adapter-state role: values by workspace and
// key, "" for none, "" to remove, one workspace never reading another's,
// and a workspace that keeps a value counting as one that stored
// something, in Workspaces, Export and Restore.
func testAdapterState(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	const a, b = "teams:tenant-a", "teams:tenant-a}:adapter" // b's escaped tag must not reach a's keys
	const key = store.TeamsServiceURLKey
	get := func(t *testing.T, ws, key string) string {
		t.Helper()
		v, err := s.AdapterState(ctx, ws, key)
		if err != nil {
			t.Fatalf("AdapterState(%s, %s): %v", ws, key, err)
		}
		return v
	}
	put := func(t *testing.T, ws, key, value string) {
		t.Helper()
		if err := s.PutAdapterState(ctx, ws, key, value); err != nil {
			t.Fatalf("PutAdapterState(%s, %s): %v", ws, key, err)
		}
	}

	t.Run("unset", func(t *testing.T) {
		if v := get(t, a, key); v != "" {
			t.Fatalf("a fresh workspace keeps %q", v)
		}
		put(t, a, "teams:conv:U1", "") // removing nothing creates nothing
		if ws, err := s.Workspaces(ctx); err != nil || len(ws) != 0 {
			t.Fatalf("Workspaces after removing nothing = %+v, %v; want none", ws, err)
		}
	})

	t.Run("put and replace", func(t *testing.T) {
		put(t, a, key, "https://smba.trafficmanager.net/emea/")
		put(t, a, key, "https://smba.trafficmanager.net/uk/")
		put(t, a, "teams:conv:U1", "a:1 “quoted” é")
		if v := get(t, a, key); v != "https://smba.trafficmanager.net/uk/" {
			t.Fatalf("kept %q, want the latest", v)
		}
		if v := get(t, a, "teams:conv:U1"); v != "a:1 “quoted” é" {
			t.Fatalf("kept %q", v)
		}
		ws, err := s.Workspaces(ctx)
		if err != nil || len(ws) != 1 || ws[0].ID != a {
			t.Fatalf("Workspaces = %+v, %v; want %s, which kept adapter state", ws, err, a)
		}
	})

	t.Run("isolation", func(t *testing.T) {
		if v := get(t, b, key); v != "" {
			t.Fatalf("%s reads %q, %s's value", b, v, a)
		}
		put(t, b, key, "https://smba.trafficmanager.net/amer/")
		if v := get(t, a, key); v != "https://smba.trafficmanager.net/uk/" {
			t.Fatalf("%s's write changed %s's value to %q", b, a, v)
		}
		if v := get(t, a, "teams:conv:U1"); v == "" {
			t.Fatal("a write to another workspace removed a value")
		}
	})

	t.Run("remove", func(t *testing.T) {
		put(t, b, key, "")
		if v := get(t, b, key); v != "" {
			t.Fatalf("removed, yet reads %q", v)
		}
		if v := get(t, a, key); v == "" {
			t.Fatal("removing another workspace's value removed this one's")
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for name, kv := range map[string][2]string{
			"empty key":   {"", "x"},
			"long key":    {strings.Repeat("k", store.MaxAdapterStateKey+1), "x"},
			"space":       {"teams:conv:U 1", "x"},
			"control":     {"teams:\x00", "x"},
			"long value":  {key, strings.Repeat("v", store.MaxAdapterStateValue+1)},
			"not utf-8":   {key, "\xff"},
			"bad key utf": {"teams:\xff", "x"},
		} {
			err := s.PutAdapterState(ctx, a, kv[0], kv[1])
			wantKind(t, err, framework.ErrTooLong, "", name)
		}
		if v := get(t, a, key); v != "https://smba.trafficmanager.net/uk/" {
			t.Fatalf("a refused write changed the value to %q", v)
		}
		put(t, a, "k", strings.Repeat("v", store.MaxAdapterStateValue)) // the limits are inclusive
		put(t, a, strings.Repeat("k", store.MaxAdapterStateKey), "v")
		put(t, a, "k", "")
		put(t, a, strings.Repeat("k", store.MaxAdapterStateKey), "")
	})

	t.Run("transfer", func(t *testing.T) {
		snap := export(t, s, a)
		want := []store.StateEntry{{Key: "teams:conv:U1", Value: "a:1 “quoted” é"}, {Key: key, Value: "https://smba.trafficmanager.net/uk/"}}
		if !slices.Equal(snap.AdapterState, want) {
			t.Fatalf("Export's adapter state = %+v, want %+v, by key", snap.AdapterState, want)
		}
		// A workspace that only kept adapter state has stored something.
		only := &store.Snapshot{Workspace: framework.Workspace{ID: a}}
		err := s.Restore(ctx, only, store.RestoreOptions{})
		wantExists(t, err, a, "Restore over a workspace that keeps adapter state")
		// Replace replaces the state too: nothing of the old is left.
		only.AdapterState = []store.StateEntry{{Key: "teams:conv:U2", Value: "a:2"}}
		if err := s.Restore(ctx, only, store.RestoreOptions{Replace: true}); err != nil {
			t.Fatalf("Restore with Replace: %v", err)
		}
		if v := get(t, a, key); v != "" {
			t.Fatalf("after Replace the old value %q is left", v)
		}
		if v := get(t, a, "teams:conv:U2"); v != "a:2" {
			t.Fatalf("restored value %q", v)
		}
		sameExport(t, "after Restore", s, a, only)
		// Into another store, whole.
		dst := open(t)
		if err := dst.Restore(ctx, snap, store.RestoreOptions{}); err != nil {
			t.Fatalf("Restore into a fresh store: %v", err)
		}
		sameExport(t, "restored into a fresh store", dst, a, snap)
		if v, err := dst.AdapterState(ctx, a, key); err != nil || v != "https://smba.trafficmanager.net/uk/" {
			t.Fatalf("restored store reads %q, %v", v, err)
		}
	})

	t.Run("check", func(t *testing.T) {
		for name, st := range map[string][]store.StateEntry{
			"twice":     {{Key: "k", Value: "1"}, {Key: "k", Value: "2"}},
			"empty key": {{Key: "", Value: "1"}},
			"too long":  {{Key: "k", Value: strings.Repeat("v", store.MaxAdapterStateValue+1)}},
		} {
			snap := &store.Snapshot{Workspace: framework.Workspace{ID: "teams:fresh"}, AdapterState: st}
			err := s.Restore(ctx, snap, store.RestoreOptions{})
			wantCode(t, err, framework.EINVALID, name)
			if v := get(t, "teams:fresh", "k"); v != "" {
				t.Fatalf("%s: a refused snapshot wrote %q", name, v)
			}
		}
	})
}
