package redisstore

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// The calls commands make most, the update's script (its replay claim
// inside it) and Claim, go through go-redis's full-duplex autopipeliner: one
// held connection, with a writer that sends whatever commands are queued
// in one write and a reader that answers them in order. Under load,
// concurrent commands share writes and reads instead of each taking a
// pooled connection, checking its health, writing and reading on its
// own; measured end to end this cut Redis's CPU per command by about a
// tenth and the bot's by a twentieth (docs/PERFORMANCE.md). Everything
// else (reads, pipelines, the other writes) keeps the pooled client.
//
// Two things the pipeliner does differently are handled here. A command
// queued on it is written even if its caller has gone, so a call whose
// context is already done is refused before it is queued. And its
// blocking calls wait without a context, so calls are submitted on the
// deferred face and waited for with the caller's context: a hung Redis
// holds a command no longer than its caller allows. A write whose wait
// ends that way may still be applied, and is reported as an unknown
// outcome, as a dropped connection is.
//
// The pipeliner has a client of its own, a second client over the same
// options that no hook is added to: a go-redis hook on a full-duplex
// pipeliner's client makes every command run the hook chain on a
// goroutine of its own and read its goroutine's id from a stack trace,
// which cost about a tenth of serve's CPU per command (measured end to
// end, docs/PERFORMANCE.md). So the store's own hook (layoutGate) is on
// the pooled client only, and do applies the gate itself. AddHook adds a
// hook to both, for tests that watch every call.

// hotPipeline returns the full-duplex pipeliner over a client of its own
// made with client's options, and that client, or nils when client is
// not a single server (Redis Cluster keeps the pooled client) or the
// pipeliner cannot start.
func hotPipeline(client redis.UniversalClient, log *slog.Logger) (*redis.AutoPipeliner, *redis.Client) {
	c, ok := client.(*redis.Client)
	if !ok {
		return nil, nil
	}
	// A copy of the options, without the push-notification processor
	// NewClient stored in them: each client needs its own.
	o := *c.Options()
	o.PushNotificationProcessor = nil
	own := redis.NewClient(&o)
	ap, err := own.AsyncAutoPipelineWithOptions(&redis.AutoPipelineOptions{FullDuplex: true})
	if err != nil {
		_ = own.Close()
		log.Warn("redis autopipelining is unavailable; commands use pooled connections", "err", err)
		return nil, nil
	}
	return ap, own
}

// do sends cmd on the hot path and waits for its reply, or for ctx.
func (s *Store) do(ctx context.Context, op string, cmd redis.Cmder) error {
	if err := ctx.Err(); err != nil {
		return framework.Unavailable("redisstore: "+op, err)
	}
	if err := s.gate(ctx); err != nil {
		return err
	}
	if s.hot == nil {
		return s.c.Process(ctx, cmd)
	}
	return s.hot.Submit(ctx, cmd).WaitContext(ctx)
}

// hotScript is a script the hot path runs, with its source: it sends
// EVALSHA and EVAL itself, so that it can read the reply as strings.
type hotScript struct {
	*redis.Script
	src string
}

func newHotScript(src string) hotScript { return hotScript{redis.NewScript(src), src} }

// runHot runs script on the hot path: EVALSHA, then EVAL if Redis has not
// cached the script (it forgets scripts when it restarts). Its reply is
// read as strings, which the hot scripts return.
func (s *Store) runHot(ctx context.Context, op string, script hotScript, keys []string, args ...any) (*redis.StringSliceCmd, error) {
	cmd := scriptCmd(ctx, "evalsha", script.Hash(), keys, args)
	err := s.do(ctx, op, cmd)
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = scriptCmd(ctx, "eval", script.src, keys, args)
		err = s.do(ctx, op, cmd)
	}
	return cmd, err
}

func scriptCmd(ctx context.Context, name, script string, keys []string, args []any) *redis.StringSliceCmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, name, script, len(keys))
	for _, k := range keys {
		a = append(a, k)
	}
	a = append(a, args...)
	return redis.NewStringSliceCmd(ctx, a...)
}

// setNX is SET key value PX ttl NX on the hot path.
func (s *Store) setNX(ctx context.Context, op, key, value string, ttl time.Duration) (bool, error) {
	cmd := redis.NewBoolCmd(ctx, "set", key, value, "px", strconv.FormatInt(ttl.Milliseconds(), 10), "nx")
	err := s.do(ctx, op, cmd)
	if err == redis.Nil {
		return false, nil
	}
	return cmd.Val(), err
}
