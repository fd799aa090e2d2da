package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
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
// The pipeliner has a client of its own, a second client made from the
// same URL (by Open; New gives a store none), that no hook is added to:
// a go-redis hook on a full-duplex pipeliner's client makes every command
// run the hook chain on a goroutine of its own and read its goroutine's
// id from a stack trace, 6% of serve's CPU in the profile
// (docs/PERFORMANCE.md). So the store's own hook (layoutGate) is on the
// pooled client only, and do applies the gate itself. AddHook adds a
// hook to both, for tests that watch every call.

// autoPipelined is a go-redis client that can start a full-duplex
// pipeliner: a single server's, or a cluster's.
type autoPipelined interface {
	AsyncAutoPipelineWithOptions(*redis.AutoPipelineOptions) (*redis.AutoPipeliner, error)
	Close() error
}

// hotPipeline returns the full-duplex pipeliner over own, a client of
// its own, and own; or nil and the zero client when the pipeliner cannot
// start, having closed own. On Redis Cluster go-redis keeps a pipeliner
// per master and sends each command to the one that serves its slot, so
// the hot calls pipeline per node as they do on one server. Either way
// the client is the pipeliner's own, with no hook, for the reason above.
func hotPipeline[C autoPipelined](own C, log *slog.Logger) (*redis.AutoPipeliner, C) {
	ap, err := own.AsyncAutoPipelineWithOptions(&redis.AutoPipelineOptions{FullDuplex: true})
	if err != nil {
		_ = own.Close()
		log.Warn("redis autopipelining is unavailable; commands use pooled connections", "err", err)
		var none C
		return nil, none
	}
	return ap, own
}

// hotClient is the hot path's own client: a single server's or a
// cluster's, whichever Open made.
func (s *Store) hotClient() redis.UniversalClient {
	if s.hotCluster != nil {
		return s.hotCluster
	}
	if s.hotc != nil {
		return s.hotc
	}
	return nil
}

// do sends cmd on the hot path and waits for its reply, or for ctx.
// op and about name the call for an error ("<op> <about>"), joined only
// when there is one.
func (s *Store) do(ctx context.Context, op, about string, cmd redis.Cmder) error {
	if err := ctx.Err(); err != nil {
		return framework.Unavailable("redisstore: "+opName(op, about), err)
	}
	if err := s.gate(ctx); err != nil {
		return err
	}
	if s.hot == nil {
		return s.c.Process(ctx, cmd)
	}
	return s.hot.Submit(ctx, cmd).WaitContext(ctx)
}

// opName is the name of a hot call for its errors.
func opName(op, about string) string {
	if about == "" {
		return op
	}
	return op + " " + about
}

// hotScript is a script the hot path runs. It is also a function in a
// Redis Functions library of its own, which the store loads when it
// opens (loadFunctions) and calls with FCALL where Redis has it: a
// script run with EVALSHA defines its helpers (the record and target
// codecs, the re-indexing) again on every call, while a library defines
// them once, when it is loaded. That cut the update's script by about an
// eighth of its Redis time (BenchmarkHotScript, docs/PERFORMANCE.md).
// On Redis Cluster the library is loaded on every master. Where
// functions are not available (Redis before 7.0, or a user not allowed
// to load them) it runs with EVALSHA, and EVAL when Redis has not cached
// it.
//
// The library's name is made from its text, so releases whose
// scripts differ never replace each other's library while both run, as
// during a rolling upgrade; each release's library stays in Redis (a few
// kilobytes).
type hotScript struct {
	*redis.Script        // the whole script: helpers, then body
	src           string // its text
	fn            string // its function's name
	lib           string // the library that defines fn
}

// newHotScript makes the hot script name from its helpers (Lua that
// defines local functions and constants) and its body (the chunk that
// reads KEYS and ARGV and returns). The library's name is a hash of its
// whole text but the names.
func newHotScript(name, helpers, body string) hotScript {
	const fnName = "\x00fn\x00" // stands for the function's name until it has one
	text := helpers + "\nredis.register_function('" + fnName + "', function(KEYS, ARGV)\n" + body + "\nend)\n"
	sum := sha1.Sum([]byte(text))
	id := "targetbot_" + hex.EncodeToString(sum[:8])
	fn := id + "_" + name
	lib := "#!lua name=" + id + "\n" + strings.Replace(text, fnName, fn, 1)
	src := helpers + body
	return hotScript{redis.NewScript(src), src, fn, lib}
}

// hotScripts are the scripts runHot runs.
var hotScripts = []hotScript{appendScript}

// loadFunctions loads the hot scripts' libraries into Redis, on the hot
// path's client: on the one server, or on every master of a cluster
// (FCALL runs on the master of its keys' slot, which has the library
// only if it was loaded there). From then on runHot calls them. Until it
// has succeeded once, runHot runs scripts; a Redis that refuses
// functions for good (refused) puts it back on scripts.
func (s *Store) loadFunctions(ctx context.Context) error {
	load := func(ctx context.Context, c *redis.Client) error {
		for _, sc := range hotScripts {
			if err := c.FunctionLoadReplace(ctx, sc.lib).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	switch {
	case s.hotCluster != nil:
		// ForEachMaster reads the slot map again first, so a master that
		// took over after a failover gets the library too.
		err = s.hotCluster.ForEachMaster(ctx, load)
	case s.hotc != nil:
		err = load(ctx, s.hotc)
	default:
		return nil
	}
	if err != nil {
		if refused(err, "function", "function|load") {
			s.functions.Store(false)
		}
		return err
	}
	s.funcLoads.Add(1)
	s.functions.Store(true)
	return nil
}

// reloadFunctions loads the libraries again for a call that found its
// function missing, unless another call has since: seen is the number of
// loads before that call. Calls that find them missing together (after a
// restart, or a failover to a replica that never had them) load them once.
func (s *Store) reloadFunctions(ctx context.Context, seen uint64) error {
	s.funcMu.Lock()
	defer s.funcMu.Unlock()
	if s.funcLoads.Load() != seen {
		return nil
	}
	return s.loadFunctions(ctx)
}

// refused reports whether err is Redis refusing a command itself, by its
// name (an older Redis) or its ACL name (a user not allowed it): that
// comes before anything runs, and will come again. Refusals of the keys a
// script touches, or from inside one, are not this.
func refused(err error, name, aclName string) bool {
	return redis.HasErrorPrefix(err, "unknown command") && strings.Contains(strings.ToLower(err.Error()), name) ||
		redis.HasErrorPrefix(err, "NOPERM") && strings.Contains(err.Error(), "'"+aclName+"' command")
}

// runHot runs call's script on the hot path: FCALL of its function where
// loadFunctions loaded it, otherwise EVALSHA, then EVAL if Redis has not
// cached the script (it forgets scripts when it restarts). The reply is
// read as strings, which the hot scripts return. op and about name the
// call in errors (see do).
//
// Two refusals of FCALL ran nothing, so the call is made again: a
// function Redis does not have (it restarted without persistence, its
// functions were flushed, or a replica that never had them took over)
// has its library loaded again, or the call runs as a script if that
// fails; and a Redis that refuses FCALL itself (the server was replaced
// by an older one, or the user lost the right) puts the store back on
// scripts.
func (s *Store) runHot(ctx context.Context, op, about string, call *hotText) (*redis.StringSliceCmd, error) {
	script := call.script
	if s.functions.Load() {
		loads := s.funcLoads.Load()
		cmd := call.cmd(ctx, "fcall", script.fn)
		err := s.do(ctx, op, about, cmd)
		switch {
		case err == nil:
			return cmd, nil
		case redis.HasErrorPrefix(err, "Function not found"):
			lerr := s.reloadFunctions(ctx, loads)
			if lerr == nil {
				cmd = call.cmd(ctx, "fcall", script.fn)
				return cmd, s.do(ctx, op, about, cmd)
			}
			s.log.Warn("redisstore: Redis lost the update's function and it could not be loaded again; this call runs as a script", "err", lerr)
		case refused(err, "fcall", "fcall"):
			s.functions.Store(false)
			s.log.Warn("redisstore: Redis refuses FCALL; the update runs as a script from now on", "err", err)
		default:
			return cmd, err
		}
	}
	cmd := call.cmd(ctx, "evalsha", script.Hash())
	err := s.do(ctx, op, about, cmd)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = call.cmd(ctx, "eval", script.src)
		err = s.do(ctx, op, about, cmd)
	}
	return cmd, err
}

// hotCall is one call of a hot script as it is written: its keys and
// arguments back to back in one buffer (the caller's, on its stack: an
// append through a pointer would move it to the heap), which cut makes
// one string (hotText) that the command's arguments are cut from, and
// refer to through pointers (go-redis writes a *string as the string). An argument boxed as an interface costs an allocation each,
// and a hot call has seventeen: this way the call costs three, the text,
// the block of arguments and the command (the allocations per command
// are a goal: docs/PERFORMANCE.md).
type hotCall struct {
	script hotScript
	ends   [maxHotArgs]int32 // where each argument ends in the buffer
	n      int               // how many arguments
	keys   int               // how many of them, the first, are keys
}

// hotText is a hotCall once written: its arguments' text is one string.
// (A type of its own, so that the buffer, which the text is copied
// from, stays on the caller's stack.)
type hotText struct {
	script hotScript
	text   string
	ends   [maxHotArgs]int32
	n      int
	keys   int
}

// maxHotArgs is the most keys and arguments a hot call takes.
const maxHotArgs = 24

// end marks the end of the argument written to the buffer b since the
// last, and returns b.
func (c *hotCall) end(b []byte) []byte {
	c.ends[c.n] = int32(len(b))
	c.n++
	return b
}

// endKeys marks every argument so far as a key.
func (c *hotCall) endKeys() { c.keys = c.n }

// arg is argument i's text.
func (c *hotText) arg(i int) string {
	start := int32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.text[start:c.ends[i]]
}

// hotArgs is the block a hot command's arguments live in: the strings,
// and the command's arguments that point at them.
type hotArgs struct {
	strs [maxHotArgs + 2]string
	args [maxHotArgs + 3]any
}

// cut makes the call's text, once its arguments are all written.
func (c *hotCall) cut(b []byte) hotText {
	return hotText{script: c.script, text: string(b), ends: c.ends, n: c.n, keys: c.keys}
}

// cmd makes the command name (fcall, evalsha or eval) of fn (the
// function's name, the script's hash or its text).
func (c *hotText) cmd(ctx context.Context, name, fn string) *redis.StringSliceCmd {
	b := new(hotArgs)
	b.strs[0], b.strs[1] = name, fn
	b.args[0], b.args[1], b.args[2] = &b.strs[0], &b.strs[1], c.keys
	for i := range c.n {
		b.strs[i+2] = c.arg(i)
		b.args[i+3] = &b.strs[i+2]
	}
	cmd := redis.NewStringSliceCmd(ctx, b.args[:c.n+3]...)
	if c.keys > 0 {
		// The first key is the fourth argument. Said here, a cluster
		// client does not read the number of keys back as text to find it.
		cmd.SetFirstKeyPos(3)
	}
	return cmd
}

// setNX is SET key value PX ttl NX on the hot path.
func (s *Store) setNX(ctx context.Context, op, key, value string, ttl time.Duration) (bool, error) {
	cmd := redis.NewBoolCmd(ctx, "set", key, value, "px", strconv.FormatInt(ttl.Milliseconds(), 10), "nx")
	err := s.do(ctx, op, "", cmd)
	if err == redis.Nil {
		return false, nil
	}
	return cmd.Val(), err
}
