// Package redisstore is the production store.Store, on Redis with go-redis
// v9. It runs against one Redis, a replicated pair, or Redis Cluster.
// It persists what it is given: open it behind store.Checked, which
// checks input first.
//
// Layout: a key per kind of thing, never one blob for a workspace. Targets
// and updates, which are what a workspace holds most of, are compact
// records: a workspace's targets one hash of packed strings, each
// target's updates a list of them, the newest in one value of a hash
// (codec.go, history.go). Every key of a workspace
// carries the hash tag {ws}, so Redis Cluster keeps a workspace on one
// slot and Lua scripts and MULTI blocks over it stay legal:
//
//	<prefix>:{ws}:tg              hash: ref -> the target, packed (encodeTarget)
//	<prefix>:{ws}:ups             hash: ref -> a history's newest records, inline, newest made first (history.go)
//	<prefix>:{ws}:t:<ref>:ups     list: the rest of the history, one record each, newest made first (encodeUpdate)
//	<prefix>:{ws}:t:<ref>:events  list: the target's event ids, newest first
//	<prefix>:{ws}:t:<ref>:evidence list: the target's evidence event ids, oldest first
//	<prefix>:{ws}:t:<ref>:urls    set: the target's evidence URLs, to refuse one twice
//	<prefix>:{ws}:e:<id>          hash: one event record
//	<prefix>:{ws}:evidence        zset: every evidence event id, score = unix ms
//	<prefix>:{ws}:due             zset: open, live targets with a due date, score YYYYMMDD
//	<prefix>:{ws}:stale           zset: open, live, owned targets, score = unix ms of latest activity
//	<prefix>:{ws}:last            hash: user -> "<ref>\x1f<id>", the newest update the user logged
//	<prefix>:{ws}:ws              hash: timezone, reminder_spec, reminders_paused, cycle, cycle_started, cycle_token, restored
//	<prefix>:{ws}:cycles:started  hash: closed cycle name -> when it started
//	<prefix>:{ws}:cycles:closed   hash: closed cycle name -> when it closed
//	<prefix>:{ws}:fws             set: imported framework ids
//	<prefix>:{ws}:sub:<channel>   hash: one digest subscription
//	<prefix>:{ws}:subs            set: subscribed channels
//	<prefix>:{ws}:claim:<key>     string: a scheduler claim, with a TTL
//	<prefix>:{ws}:adapter         hash: adapter-state key -> value (store.AdapterState)
//	<prefix>:{ws}:en:<kind>       hash: entry key -> value, one per kind (store.Entries)
//	<prefix>:{ws}:ens             set: the kinds that have entries
//	<prefix>:{ws}:wsev            list: the workspace events' ids, newest first (their records are e:<id>)
//	<prefix>:{ws}:restores        set: tokens of restores under way (see Restore)
//	<prefix>:{ws}:restore:<token>:… a restore's staged keys, in the layout above
//	<prefix>:workspaces           set: every workspace that stored anything
//	<prefix>:schedules:next       zset: workspace -> next fire time in unix ms, or a change mark (nextfires.go); and "\x00marks", the count marks are made from
//	<prefix>:schedules:indexed    string: present once the next-fire index was built
//
// Refs never contain ':' (framework ids and codes forbid it, and reads
// of a ref with one are ENOTFOUND), so the t:<ref>: keys of two targets
// cannot collide. Workspace ids are escaped inside the hash tag (see keys), so
// no workspace's keys can reach another's.
//
// Every write is one round trip and one atomic change to its workspace:
// a Lua script (EVALSHA, falling back to EVAL when the server's script
// cache is cold), a MULTI/EXEC block, or a single command. Writes that
// also list the workspace in <prefix>:workspaces pipeline that SADD
// beside the script: the list is in another slot, Redis Cluster allows
// no MULTI or script across slots, and the SADD is idempotent.
// Every read a digest needs costs a fixed number of round trips: one to
// read an index, then one pipeline that fetches every record.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.Store = (*Store)(nil)

// Options configures a Store.
type Options struct {
	// Prefix starts every key, so several bots (or tests) can share one
	// Redis. Default "tb". It must not contain '{' or '}', which would
	// break the workspace hash tag.
	Prefix string
	// Logger receives connection warnings. Default slog.Default().
	Logger *slog.Logger
}

// Store is a store.Store on Redis. It is safe for concurrent use.
type Store struct {
	c redis.UniversalClient
	// hot takes the claim and update calls (see hot.go); it is nil for a
	// store New made, and where it cannot start.
	hot *redis.AutoPipeliner
	// hot's own client, without hooks: hotc on one server, hotCluster on
	// Redis Cluster; nil with hot.
	hotc       *redis.Client
	hotCluster *redis.ClusterClient
	// functions is set while runHot calls the hot scripts' functions
	// (loadFunctions); funcLoads counts their loads, and funcMu makes
	// reloads one at a time.
	functions atomic.Bool
	funcLoads atomic.Uint64
	funcMu    sync.Mutex
	prefix    string
	log       *slog.Logger
	ids       idGen

	closed    chan struct{} // closed by Close, to stop upgradeLater
	closeOnce sync.Once
	pending   atomic.Bool // the layout waits for upgradeLater (see gate)
	indexed   atomic.Bool // DueSchedules found the next-fire index built
}

// New returns a Store over an existing client. The Store owns the client:
// Close closes it. Every call goes through the client's pool: a store
// that Open makes also gives the update and the claim a pipeliner of
// their own (see hot.go).
func New(client redis.UniversalClient, opts *Options) *Store {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = "tb"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	// A brace in the prefix would move the hash tag off the workspace
	// id; replace rather than fail, since New cannot return an error.
	o.Prefix = strings.NewReplacer("{", "(", "}", ")").Replace(o.Prefix)
	s := &Store{c: client, prefix: o.Prefix, log: o.Logger, closed: make(chan struct{})}
	client.AddHook(layoutGate{s}) // the pooled client's calls; do gates the hot ones
	return s
}

// Open connects to the Redis named by url:
//
//	redis://[user:pass@]host:port[/db][?opts]   one server (go-redis URL syntax)
//	rediss://…                                  the same over TLS
//	unix://[user:pass@]/path/to/redis.sock[?db=N]
//	redis-cluster://[user:pass@]host:port,host:port[?opts]   Redis Cluster
//
// It pings once: a server that is down is logged as a warning, not an
// error, so the bot can start and report not-ready until Redis returns.
// A server that answers has its key layout upgraded first, if an
// earlier release wrote it (see upgrade). One that does not is upgraded
// once it answers, and the store refuses every call (/readyz too) until
// that is done (see upgradeLater).
// A malformed URL is an error that shows the expected forms.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	if opts != nil && strings.ContainsAny(opts.Prefix, "{}") {
		return nil, fmt.Errorf("redisstore: key prefix %q must not contain '{' or '}'", opts.Prefix)
	}
	s, err := dial(url, opts)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.log.Warn("redis is not answering yet; the store reports unavailable until it does and its key layout is checked", "err", err)
		s.upgradeLater()
		return s, nil
	}
	if err := s.upgrade(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("redisstore: upgrade the key layout: %w", err)
	}
	if err := s.upgradeTeamsURLs(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("redisstore: upgrade the key layout: %w", err)
	}
	s.load(ctx)
	return s, nil
}

// dial makes the Store for url, as Open does, without calling Redis:
// the pooled client and the hot path's client (see hot.go), a single
// server's or a cluster's, both from the options the URL gives.
func dial(url string, opts *Options) (*Store, error) {
	client, hot, hotCluster, err := newClient(url)
	if err != nil {
		return nil, err
	}
	s := New(client, opts)
	switch {
	case hot != nil:
		s.hot, s.hotc = hotPipeline(redis.NewClient(hot), s.log)
	case hotCluster != nil:
		s.hot, s.hotCluster = hotPipeline(redis.NewClusterClient(hotCluster), s.log)
	}
	return s, nil
}

const urlForms = "use redis://host:port[/db], rediss://host:port (TLS), unix:///path/to/redis.sock, or redis-cluster://host:port,host:port"

// newClient makes the client for url and a copy of its options as they
// were before the client was made, for the hot path's client (a single
// server's or a cluster's): go-redis rewrites options as it makes a
// client (-1, "no retries", becomes 0, which a second client would read
// as "the default, 3"), so a client must never be made from another's
// options.
func newClient(url string) (redis.UniversalClient, *redis.Options, *redis.ClusterOptions, error) {
	switch {
	case strings.HasPrefix(url, "redis-cluster://"):
		o, err := parseClusterURL(url)
		if err != nil {
			return nil, nil, nil, err
		}
		failFast(&o.DialTimeout, &o.DialerRetries, &o.MaxRetries)
		// The cluster client resends a command after a network error on
		// its own, up to MaxRedirects times, whatever MaxRetries says: a
		// write could apply twice. -1 turns that off; a MOVED or ASK then
		// comes back as an error (a "try again" for the user) while the
		// client reloads the slot map.
		if o.MaxRedirects == 0 {
			o.MaxRedirects = -1
		}
		// A hung Redis must not hold a caller past its own deadline
		// (a /readyz ping, a command's budget): honour contexts.
		o.ContextTimeoutEnabled = true
		hot := *o
		return redis.NewClusterClient(o), nil, &hot, nil
	case strings.HasPrefix(url, "redis://"), strings.HasPrefix(url, "rediss://"), strings.HasPrefix(url, "unix://"):
		o, err := redis.ParseURL(url)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("redisstore: bad store URL %q: %v: %s", url, err, urlForms)
		}
		failFast(&o.DialTimeout, &o.DialerRetries, &o.MaxRetries)
		o.ContextTimeoutEnabled = true
		hot := *o
		return redis.NewClient(o), &hot, nil, nil
	default:
		return nil, nil, nil, fmt.Errorf("redisstore: bad store URL %q: %s", url, urlForms)
	}
}

// failFast shortens go-redis's retry defaults, where the URL did not set
// them: by default a command against a Redis that is down dials 5 times
// per attempt, for 4 attempts, which takes seconds, and a chat command
// must answer within 3 s. With these a call fails in well under a second
// when Redis refuses connections, and within about 2 s per dial when it
// does not answer at all; the caller's context bounds the rest.
//
// A command is never sent twice (MaxRetries -1): a write whose connection
// dropped after Redis applied it would be applied again by a retry. Such
// a failure is reported as ErrOutcomeUnknown instead, and the user is told
// to check before retrying.
func failFast(dialTimeout *time.Duration, dialerRetries, maxRetries *int) {
	if *dialTimeout == 0 {
		*dialTimeout = 2 * time.Second
	}
	if *dialerRetries == 0 {
		*dialerRetries = 1
	}
	if *maxRetries == 0 {
		*maxRetries = -1
	}
}

// parseClusterURL reads redis-cluster://[user:pass@]h1:p1,h2:p2[?query]
// by rewriting it into go-redis's cluster URL form
// (redis://user:pass@h1:p1?addr=h2:p2), whose query options it then
// honours too.
func parseClusterURL(raw string) (*redis.ClusterOptions, error) {
	rest := strings.TrimPrefix(raw, "redis-cluster://")
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	userinfo := ""
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		userinfo, rest = rest[:i+1], rest[i+1:]
	}
	rest = strings.TrimSuffix(rest, "/")
	var addrs []string
	for _, a := range strings.Split(rest, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !strings.Contains(a, ":") {
			return nil, fmt.Errorf("redisstore: bad store URL %q: node %q has no port: %s", raw, a, urlForms)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("redisstore: bad store URL %q: no nodes: %s", raw, urlForms)
	}
	u := "redis://" + userinfo + addrs[0] + "?"
	for _, a := range addrs[1:] {
		u += "addr=" + a + "&"
	}
	u += query
	o, err := redis.ParseClusterURL(strings.TrimSuffix(u, "&"))
	if err != nil {
		return nil, fmt.Errorf("redisstore: bad store URL %q: %v: %s", raw, err, urlForms)
	}
	return o, nil
}

// AddHook adds a go-redis hook to every client the store uses, so that
// it sees every call (tests count round trips with one). A hook slows
// the hot path's calls (see hot.go), and cannot stop one: the pipeliner
// runs it after the call is queued.
func (s *Store) AddHook(h redis.Hook) {
	s.c.AddHook(h)
	if hc := s.hotClient(); hc != nil {
		hc.AddHook(h)
	}
}

// Ping checks Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.fail("ping", s.c.Ping(ctx).Err())
}

// Close closes the clients.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	var err error
	if hc := s.hotClient(); hc != nil {
		err = hc.Close() // closes the pipeliner too, after its queued calls
	}
	return errors.Join(err, s.c.Close())
}

// keys names every key of one workspace. It is the key prefix up to and
// including the hash tag: "<prefix>:{ws}:".
type keys string

func (s *Store) keys(ws string) keys { return keys(s.prefix + ":{" + escapeWS(ws) + "}:") }

// appendKeys appends s.keys(ws) to dst, for a hot call (hotCall), which
// writes each key as the base and its name.
func (s *Store) appendKeys(dst []byte, ws string) []byte {
	dst = append(dst, s.prefix...)
	dst = append(dst, ":{"...)
	dst = append(dst, escapeWS(ws)...)
	return append(dst, "}:"...)
}

// escapeWS is ws escaped with wsEscaper, without a copy when there is
// nothing to escape (every real platform id).
func escapeWS(ws string) string {
	if !strings.ContainsAny(ws, "%}") {
		return ws
	}
	return wsEscaper.Replace(ws)
}

// wsEscaper makes a workspace id safe inside the hash tag. A '}' in the
// id would end the tag early, so workspace "W}:sub:C" would share slot
// and keys with workspace "W" (its settings key would be channel
// "C}:ws"'s subscription). Escaping '}' (and '%', the escape) keeps the
// first '}' after the prefix the tag's end, so every key names exactly
// one workspace. Ids without either character, which is every real
// platform id, keep the keys they always had.
var wsEscaper = strings.NewReplacer("%", "%25", "}", "%7D")

// refKey reports whether ref can name a target key. Refs never contain
// ':' (framework ids and codes forbid it), and a ref that does could
// name another key of a target, such as "eqs/1.1:log", its update list.
func refKey(ref string) bool { return !strings.Contains(ref, ":") }

func (k keys) history(ref string) string { return string(k) + "t:" + ref + ":ups" }
func (k keys) targetEvents(ref string) string {
	return string(k) + "t:" + ref + ":events"
}
func (k keys) targetEvidence(ref string) string {
	return string(k) + "t:" + ref + ":evidence"
}
func (k keys) targetURLs(ref string) string { return string(k) + "t:" + ref + ":urls" }
func (k keys) event(id string) string       { return string(k) + "e:" + id }
func (k keys) evidence() string             { return string(k) + "evidence" }
func (k keys) cyclesStarted() string        { return string(k) + "cycles:started" }
func (k keys) cyclesClosed() string         { return string(k) + "cycles:closed" }
func (k keys) targets() string              { return string(k) + "tg" }
func (k keys) due() string                  { return string(k) + "due" }
func (k keys) stale() string                { return string(k) + "stale" }
func (k keys) last() string                 { return string(k) + "last" }
func (k keys) settings() string             { return string(k) + "ws" }
func (k keys) frameworks() string           { return string(k) + "fws" }
func (k keys) sub(channel string) string    { return string(k) + "sub:" + channel }
func (k keys) subs() string                 { return string(k) + "subs" }
func (k keys) claim(key string) string      { return string(k) + "claim:" + key }
func (k keys) adapter() string              { return string(k) + "adapter" }
func (k keys) entryKinds() string           { return string(k) + "ens" }
func (k keys) wsEvents() string             { return string(k) + "wsev" }

// entries is the hash of one kind of entry. Kinds are printable with no
// space (store.Checked), and every other key's name starts otherwise,
// so no kind's hash is another key.
func (k keys) entries(kind store.EntryKind) string { return string(k) + "en:" + string(kind) }

// holding are the keys whose existence means the workspace has stored
// something: Restore refuses to write over them without Replace.
func (k keys) holding() []string {
	return []string{k.settings(), k.frameworks(), k.targets(), k.subs(), k.adapter(), k.entryKinds(), k.wsEvents()}
}

// restores is the set of the tokens of restores under way, whose staged
// keys a failed or abandoned restore leaves to be removed.
func (k keys) restores() string { return string(k) + "restores" }

// stage names the keys a restore writes before its commit moves them into
// place: the workspace's own layout, under "<prefix>:{ws}:restore:<token>:",
// so the staged keys share the workspace's slot. No live key's name
// starts "restore:".
func (k keys) stage(token string) keys { return keys(string(k) + "restore:" + token + ":") }

// workspaces is the global list of workspaces. It lives outside every
// workspace's slot, so writes add to it beside, not inside, their
// workspace's MULTI or script.
func (s *Store) workspaces() string { return s.prefix + ":workspaces" }

// Error replies the Lua scripts raise, mapped to coded errors by fail.
const (
	errNotFound    = "TBNOTFOUND"
	errNoFramework = "TBNOFRAMEWORK"
	errExists      = "TBEXISTS"
	errWithdrawn   = "TBWITHDRAWN"
	errNotLast     = "TBNOTLAST"
	// errDoneBelow100 is framework.CheckDone failing inside the script.
	errDoneBelow100 = "TBDONEBELOW100"
	errArchived     = "TBARCHIVED"
	// errNoChange is followed by a space and the current status.
	errNoChange = "TBNOCHANGE"
	// errReplayed is a store.Once claim that was held already.
	errReplayed = "TBREPLAYED"
)

// unavailablePrefixes are server replies that mean "try again later"
// rather than "this command is wrong". MOVED and ASK are a Cluster
// redirect: during a failover the slot map is stale until the client
// reloads it, and the command was not run (MaxRedirects is off, so the
// client does not follow them and risk applying a write twice).
var unavailablePrefixes = []string{"LOADING", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "READONLY", "BUSY", "MOVED", "ASK"}

// fail turns a go-redis error into a *framework.Error: connection
// failures, timeouts and cancelled contexts become EUNAVAILABLE; replies
// the server rejected become EINTERNAL, since they mean a bug here.
// Script replies for missing or conflicting things are mapped by the
// caller first, which knows what to name.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *framework.Error
	if errors.As(err, &fe) {
		return err
	}
	var re redis.Error
	if errors.As(err, &re) {
		for _, p := range unavailablePrefixes {
			if redis.HasErrorPrefix(err, p) {
				return framework.Unavailable("redisstore: "+op, err)
			}
		}
		return &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("redisstore: %s: %w", op, err)}
	}
	s.log.Debug("redis unavailable", "op", op, "err", err)
	if neverSent(err) {
		return framework.Unavailable("redisstore: "+op, err)
	}
	// The command may have reached Redis and been applied before the
	// connection dropped or the deadline passed: saying it failed would
	// invite a retry that applies it twice.
	return framework.OutcomeUnknown("redisstore: "+op, err)
}

// neverSent reports whether err means the command never left this
// process: no connection could be had, so nothing was applied.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) || errors.Is(err, redis.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}

// notFoundTarget is the error for a ref that names no target.
func notFoundTarget(ref string) error {
	return framework.ErrTargetNotFound.About(ref)
}
