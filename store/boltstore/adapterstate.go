package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/store"
)

// AdapterState reads key from the workspace's adapter-state bucket.
func (s *Store) AdapterState(ctx context.Context, ws, key string) (string, error) {
	var out string
	err := s.view("read adapter state "+key+" of "+ws, func(tx *bolt.Tx) error {
		if w := workspace(tx, ws); w != nil {
			out = string(w.adapterState.Get([]byte(key)))
		}
		return nil
	})
	return out, err
}

// PutAdapterState writes key in the workspace's adapter-state bucket,
// creating the workspace; value "" deletes it, and creates nothing.
func (s *Store) PutAdapterState(ctx context.Context, ws, key, value string) error {
	return s.update("keep adapter state "+key+" of "+ws, func(tx *bolt.Tx) error {
		if value == "" {
			if w := workspace(tx, ws); w != nil {
				return w.adapterState.Delete([]byte(key))
			}
			return nil
		}
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		return w.adapterState.Put([]byte(key), []byte(value))
	})
}

// teamsFileSuffix names the file beside the bbolt file where releases
// before adapter state kept the Teams service URLs: a JSON object of
// workspace -> URL.
const teamsFileSuffix = ".teams.json"

// importTeamsFile moves the service URLs of an earlier release's Teams
// file into their workspaces' adapter state, in one transaction, then
// renames the file to ".migrated" so it is imported once. A URL the
// workspace already keeps is newer (a verified activity since), and
// stays. The file held only URLs from verified activities; the Teams
// adapter checks their hosts anyway, as it does every URL a store
// gives it.
func (s *Store) importTeamsFile(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("import the Teams service URLs of an earlier release: %w", err)
	}
	var urls map[string]string
	if err := json.Unmarshal(data, &urls); err != nil {
		return fmt.Errorf("import the Teams service URLs of an earlier release: %s is not a JSON object of workspace to URL (move it away to start without them): %w", path, err)
	}
	err = s.update("import "+path, func(tx *bolt.Tx) error {
		for ws, u := range urls {
			if u == "" || store.CheckAdapterState(store.TeamsServiceURLKey, u) != nil {
				continue // nothing a store could keep: Teams teaches it again
			}
			w, err := createWorkspace(tx, ws)
			if err != nil {
				return err
			}
			if w.adapterState.Get([]byte(store.TeamsServiceURLKey)) != nil {
				continue
			}
			if err := w.adapterState.Put([]byte(store.TeamsServiceURLKey), []byte(u)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import the Teams service URLs of an earlier release from %s: %w", path, err)
	}
	if err := os.Rename(path, path+".migrated"); err != nil {
		return fmt.Errorf("imported the Teams service URLs of an earlier release, but could not rename %s: %w", path, err)
	}
	return nil
}
