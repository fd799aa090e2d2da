package redistest

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// RoundTrips is a go-redis hook that counts network round trips, for
// tests that hold a path to a number of them: each command sent alone is
// one, and each pipeline or MULTI/EXEC block is one. A new connection's
// handshake (HELLO, then CLIENT SETINFO) also passes through hooks; it is
// not the operation's cost, so it is not counted. Add it with
// client.AddHook(&RoundTrips{}).
type RoundTrips struct{ n atomic.Int64 }

// Load is the number of round trips counted so far.
func (r *RoundTrips) Load() int64 { return r.n.Load() }

// Count runs f and returns the round trips it made, and f's error.
func (r *RoundTrips) Count(f func() error) (int64, error) {
	before := r.n.Load()
	err := f()
	return r.n.Load() - before, err
}

func handshake(cmds ...redis.Cmder) bool {
	for _, c := range cmds {
		if n := c.Name(); n != "hello" && n != "client" {
			return false
		}
	}
	return true
}

// DialHook implements redis.Hook.
func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !handshake(cmds...) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}
