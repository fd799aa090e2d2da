package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/store"
)

// AdapterState reads one field of the workspace's adapter hash.
func (s *Store) AdapterState(ctx context.Context, ws, key string) (string, error) {
	v, err := s.c.HGet(ctx, s.keys(ws).adapter(), key).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", s.fail("read adapter state "+key+" of "+ws, err)
	}
	return v, nil
}

// PutAdapterState sets one field of the workspace's adapter hash and
// lists the workspace, in one pipelined round trip, as setSetting does;
// value "" removes the field with one HDEL, and lists nothing.
func (s *Store) PutAdapterState(ctx context.Context, ws, key, value string) error {
	op := "keep adapter state " + key + " of " + ws
	k := s.keys(ws)
	if value == "" {
		return s.fail(op, s.c.HDel(ctx, k.adapter(), key).Err())
	}
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.adapter(), key, value)
		p.SAdd(ctx, s.workspaces(), ws)
		return nil
	})
	return s.fail(op, err)
}

// legacyTeamsURLs is the hash where releases before adapter state kept
// every workspace's Teams service URL, outside every workspace's hash
// tag: workspace -> URL.
func (s *Store) legacyTeamsURLs() string { return s.prefix + ":teams:serviceurls" }

// upgradeTeamsURLs moves the entries of the legacy Teams hash into
// their workspaces' adapter state, and removes each entry once moved,
// so the hash goes when it is empty. It runs at every open, after
// upgrade: one HGETALL when there is nothing to move, and a replica of
// the earlier release that still writes there during a rolling deploy
// has its entries moved by the next open. The hash and the workspaces
// are in different slots, so the move is not one atomic step: a URL
// the workspace already keeps is newer (a verified activity since),
// and HSETNX leaves it; an entry moved twice is harmless.
func (s *Store) upgradeTeamsURLs(ctx context.Context) error {
	old, err := s.c.HGetAll(ctx, s.legacyTeamsURLs()).Result()
	if err != nil || len(old) == 0 {
		return err
	}
	var moved []string
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for ws, u := range old {
			moved = append(moved, ws)
			if u == "" || store.CheckAdapterState(store.TeamsServiceURLKey, u) != nil {
				continue // nothing a store could keep: Teams teaches it again
			}
			p.HSetNX(ctx, s.keys(ws).adapter(), store.TeamsServiceURLKey, u)
			p.SAdd(ctx, s.workspaces(), ws)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("move the Teams service URLs into their workspaces: %w", err)
	}
	if err := s.c.HDel(ctx, s.legacyTeamsURLs(), moved...).Err(); err != nil {
		return fmt.Errorf("remove the moved Teams service URLs: %w", err)
	}
	s.log.Info("redisstore: moved the Teams service URLs into their workspaces", "workspaces", len(moved))
	return nil
}
