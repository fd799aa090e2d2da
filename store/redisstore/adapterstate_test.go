package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// The Teams service URLs an earlier release kept in one hash outside
// every workspace's hash tag move into their workspaces on open: the
// hash is gone after, a URL a workspace already keeps (newer) stays,
// and the workspaces are listed.
func TestOpenMovesTeamsServiceURLs(t *testing.T) {
	ctx := context.Background()
	url, prefix := redistest.Start(t), redistest.Prefix(t)
	opts := &redisstore.Options{Prefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s, err := redisstore.Open(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutAdapterState(ctx, "teams:newer", store.TeamsServiceURLKey, "https://smba.trafficmanager.net/uk/"); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	c := redistest.Client(t, url)
	legacy := prefix + ":teams:serviceurls"
	if err := c.HSet(ctx, legacy, "teams:t1", "https://smba.trafficmanager.net/emea/", "teams:newer", "https://smba.trafficmanager.net/old/",
		"teams:W}:x", "https://smba.trafficmanager.net/amer/").Err(); err != nil {
		t.Fatal(err)
	}

	s, err = redisstore.Open(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for ws, want := range map[string]string{"teams:t1": "https://smba.trafficmanager.net/emea/", "teams:newer": "https://smba.trafficmanager.net/uk/",
		"teams:W}:x": "https://smba.trafficmanager.net/amer/", "teams:W": ""} {
		if got, err := s.AdapterState(ctx, ws, store.TeamsServiceURLKey); err != nil || got != want {
			t.Errorf("%s keeps %q, %v; want %q", ws, got, err, want)
		}
	}
	if n, err := c.Exists(ctx, legacy).Result(); err != nil || n != 0 {
		t.Errorf("the legacy hash is still there: %d %v", n, err)
	}
	if got, err := c.HGet(ctx, prefix+":{teams:t1}:adapter", store.TeamsServiceURLKey).Result(); err != nil || got == "" {
		t.Errorf("not under the workspace's hash tag: %q %v", got, err)
	}
	ws, err := s.Workspaces(ctx)
	if err != nil || len(ws) != 3 {
		t.Errorf("Workspaces = %+v, %v; want the three moved", ws, err)
	}
	snap, err := store.ExportSnapshot(ctx, s, "teams:t1")
	if err != nil || len(snap.AdapterState) != 1 {
		t.Errorf("the export of a moved workspace = %+v, %v", snap, err)
	}
}
