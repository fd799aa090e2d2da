package redisstore

import "github.com/redis/go-redis/v9"

// Client returns the pooled client, for this package's tests. The calls
// on the hot path (see hot.go) go through a client of their own: to
// watch every call, use AddHook.
func (s *Store) Client() redis.UniversalClient { return s.c }
