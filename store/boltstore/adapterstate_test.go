package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// The Teams service URLs an earlier release kept in a file beside the
// bbolt file move into their workspaces on open, once: the file is
// renamed, and a URL a workspace already keeps (newer) stays.
func TestOpenImportsTeamsFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "targetbot.db")
	s := open(t, path)
	if err := s.PutAdapterState(ctx, "teams:newer", store.TeamsServiceURLKey, "https://smba.trafficmanager.net/uk/"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	file := `{"teams:t1":"https://smba.trafficmanager.net/emea/","teams:newer":"https://smba.trafficmanager.net/old/","teams:bad":"` + strings.Repeat("x", store.MaxAdapterStateValue+1) + `"}`
	if err := os.WriteFile(path+".teams.json", []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	for ws, want := range map[string]string{"teams:t1": "https://smba.trafficmanager.net/emea/", "teams:newer": "https://smba.trafficmanager.net/uk/", "teams:bad": ""} {
		if got, err := s.AdapterState(ctx, ws, store.TeamsServiceURLKey); err != nil || got != want {
			t.Errorf("%s keeps %q, %v; want %q", ws, got, err, want)
		}
	}
	if _, err := os.Stat(path + ".teams.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file is still there: %v", err)
	}
	if _, err := os.Stat(path + ".teams.json.migrated"); err != nil {
		t.Errorf("the file was not kept as .migrated: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A file that is not what an earlier release wrote stops the open,
	// saying what to do, rather than being lost.
	if err := os.WriteFile(path+".teams.json", []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := boltstore.Open(path, nil); err == nil || !strings.Contains(err.Error(), "move it away") {
		if s != nil {
			_ = s.Close()
		}
		t.Fatalf("Open with a bad Teams file: %v", err)
	}
}
