package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
)

// teamsServiceURLs keeps each Teams workspace's Bot Connector service URL
// beside the store, so digests and reminders reach Teams after a restart
// and from run-schedules. store.Store has no place for adapter state, so
// this lives next to it, not in it: a Redis hash on the store's server,
// or a small JSON file beside the bbolt file. Only service URLs from
// verified activities are put. A dump does not carry them: a dump is a
// file anyone may edit, and a URL from one would receive the bot's
// token. migrate, which moves store to store, carries them
// (migrateServiceURLs); elsewhere the first activity from a workspace
// after a move teaches it again.
func (m *Main) teamsServiceURLs() teams.ServiceURLs {
	return serviceURLsFor(m.Store, m.Config.Store, m.RedisPrefix)
}

// serviceURLsFor is the keeper of Teams service URLs beside the store s,
// which the store URL url opened with the key prefix given.
func serviceURLsFor(s store.Store, url, prefix string) teams.ServiceURLs {
	switch s := s.(type) {
	case *redisstore.Store:
		if prefix == "" {
			prefix = "tb" // redisstore's default
		}
		return &redisServiceURLs{c: s.Client(), key: prefix + ":teams:serviceurls"}
	case *boltstore.Store:
		return &fileServiceURLs{path: strings.TrimPrefix(url, "bolt:") + ".teams.json"}
	}
	return nil
}

var (
	_ teams.ServiceURLs = (*redisServiceURLs)(nil)
	_ teams.ServiceURLs = (*fileServiceURLs)(nil)
)

// redisServiceURLs is a hash of workspace -> service URL.
type redisServiceURLs struct {
	c   redis.UniversalClient
	key string
}

func (r *redisServiceURLs) Put(ctx context.Context, ws, url string) error {
	if err := r.c.HSet(ctx, r.key, ws, url).Err(); err != nil {
		return fmt.Errorf("keep the Teams service URL of %s: %w", ws, err)
	}
	return nil
}

func (r *redisServiceURLs) Get(ctx context.Context, ws string) (string, error) {
	u, err := r.c.HGet(ctx, r.key, ws).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the Teams service URL of %s: %w", ws, err)
	}
	return u, nil
}

// fileServiceURLs is a JSON object of workspace -> service URL. A bbolt
// store serves one process at a time, and so does this file; it is
// replaced whole, through a rename, so a crash never leaves half of it.
type fileServiceURLs struct {
	mu   sync.Mutex
	path string
}

func (f *fileServiceURLs) read() (map[string]string, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	return m, nil
}

func (f *fileServiceURLs) Put(_ context.Context, ws, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return fmt.Errorf("keep the Teams service URL of %s: %w", ws, err)
	}
	m[ws] = url
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), filepath.Base(f.path)+".*")
	if err == nil {
		_, err = tmp.Write(append(data, '\n'))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), f.path)
		}
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return fmt.Errorf("keep the Teams service URL of %s: %w", ws, err)
	}
	return nil
}

func (f *fileServiceURLs) Get(_ context.Context, ws string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return "", fmt.Errorf("read the Teams service URL of %s: %w", ws, err)
	}
	return m[ws], nil
}
