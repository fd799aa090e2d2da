package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// MoveClaims finds from's claim keys with SCAN (on every master, on
// Redis Cluster: the keys are in from's slot, which SCAN cannot name),
// reads their values and remaining lives in one pipeline, and writes
// them under to with SET PX, deleting the old, in another. The two
// workspaces are in different slots, so the move is not one atomic
// step; Rename runs it with the bot stopped. A claim that expires
// meanwhile is not moved.
func (s *Store) MoveClaims(ctx context.Context, from, to string) (int, error) {
	op := "move the claims of " + from + " to " + to
	old, dst := s.keys(from).claim(""), s.keys(to).claim("")
	// A glob would read '*', '?', '[' and '\' in the id as patterns:
	// escape them, and check the prefix of what comes back.
	pattern := globEscaper.Replace(old) + "*"
	var found []string
	var mu sync.Mutex // ForEachMaster scans the masters at once
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if k := iter.Val(); strings.HasPrefix(k, old) {
				mu.Lock()
				found = append(found, k)
				mu.Unlock()
			}
		}
		return iter.Err()
	}
	var err error
	if cc, ok := s.c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, s.c)
	}
	if err != nil || len(found) == 0 {
		return 0, s.fail(op, err)
	}
	vals := make([]*redis.StringCmd, len(found))
	ttls := make([]*redis.DurationCmd, len(found))
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range found {
			vals[i], ttls[i] = p.Get(ctx, k), p.PTTL(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, s.fail(op, err)
	}
	n := 0
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range found {
			ttl := ttls[i].Val()
			if vals[i].Err() != nil || ttl <= time.Millisecond {
				continue // gone, expiring, or kept forever (never made so)
			}
			p.Do(ctx, "SET", dst+k[len(old):], vals[i].Val(), "PX", ttl.Milliseconds(), "NX")
			p.Del(ctx, k)
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, s.fail(op, err)
	}
	return n, nil
}

// globEscaper escapes the characters SCAN's MATCH reads as a pattern.
var globEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`)
