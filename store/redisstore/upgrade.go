package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// layoutVersion is the key layout this package reads and writes, kept
// in "<prefix>:layout". Version 3 keeps a history's newest records
// inline (history.go) and a target's times as stamps (fmtStamp); it
// reads version 2's lists and times as they are, so a version 2 Redis
// needs no change, only the new number, which keeps a release that
// knows only version 2 from opening it (its updates would go to the
// lists behind the inline records). Version 2 keeps targets and updates
// as packed records; version 1, before it (legacy.go), had no key.
const layoutVersion = 3

func (s *Store) layoutKey() string { return s.prefix + ":layout" }

// releaseScript deletes a lease if it still holds the token given.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// upgradeLease bounds how long one process may hold the upgrade before
// another may take it over (the holder died), and how long the others
// wait for it.
const upgradeLease = 10 * time.Minute

// upgrade brings every workspace to this layout, once, when the store
// opens: a workspace that still holds targets and updates the first way
// (legacy.go) is exported, which reads both ways, and restored over
// itself, whose commit writes the records and removes the old keys in
// one atomic step. Then it records the layout, so later opens cost one
// GET.
//
// One process upgrades while the others wait for it (a lease, so that a
// process that died holding it does not block the rest for longer than
// upgradeLease). The bot upgrades before it serves: stop the replicas
// of the earlier release first, since an update one of them logs while
// the upgrade runs could be lost with the restore.
func (s *Store) upgrade(ctx context.Context) error {
	token := s.ids.next(time.Now())
	for {
		v, err := s.c.Get(ctx, s.layoutKey()).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		switch n, _ := strconv.Atoi(v); {
		case n == layoutVersion:
			return nil
		case n > layoutVersion:
			return framework.Errorf(framework.EINVALID, "redisstore: this Redis was written by a newer release of targetbot (key layout %s, this release knows %d): run that release, or restore a dump into an empty Redis", v, layoutVersion)
		}
		won, err := s.c.SetNX(ctx, s.layoutKey()+":upgrading", token, upgradeLease).Result()
		if err != nil {
			return err
		}
		if won {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("redisstore: waiting for another process to upgrade the key layout: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
	// Let the lease go, unless it lapsed and another process holds it.
	defer releaseScript.Run(context.WithoutCancel(ctx), s.c, []string{s.layoutKey() + ":upgrading"}, token)
	ids, err := s.c.SMembers(ctx, s.workspaces()).Result()
	if err != nil {
		return err
	}
	for _, ws := range ids {
		legacy, err := s.holdsLegacy(ctx, ws)
		if err != nil {
			return err
		}
		if !legacy {
			continue
		}
		snap, err := s.snapshot(ctx, ws)
		if err != nil {
			return fmt.Errorf("redisstore: upgrade %s: read it: %w", ws, err)
		}
		// Restore writes what it is given: store.Checked checks a
		// snapshot from outside, and this one is checked here.
		if err := snap.Check(); err != nil {
			return fmt.Errorf("redisstore: upgrade %s: write it back: %w", ws, err)
		}
		if err := s.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
			return fmt.Errorf("redisstore: upgrade %s: write it back: %w", ws, err)
		}
		s.log.Info("redisstore: upgraded a workspace to compact records", "workspace", ws, "targets", len(snap.Targets), "updates", len(snap.Updates))
	}
	return s.c.Set(ctx, s.layoutKey(), layoutVersion, 0).Err()
}

// holdsLegacy reports whether ws holds anything the first way: its set
// of target refs (every workspace with a target had one), or the log of
// updates.
func (s *Store) holdsLegacy(ctx context.Context, ws string) (bool, error) {
	k := s.keys(ws)
	n, err := s.c.Exists(ctx, k.legacyTargets(), k.legacyLog()).Result()
	return n > 0, err
}

// upgradeLater runs upgrade once Redis answers, for a store opened while
// it did not. Until it has, the store refuses every call but the
// upgrade's own (layoutGate): a workspace kept the first way would read
// as empty, and a target written over it would be lost in the upgrade.
// So /readyz reports not ready, and commands say storage is unavailable.
func (s *Store) upgradeLater() {
	s.pending.Store(true)
	go func() {
		// Every call waits on this, so it is tried again soon.
		for delay := time.Second; ; delay = min(2*delay, 5*time.Second) {
			select {
			case <-s.closed:
				return
			case <-time.After(delay):
			}
			ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), upgrading{}, true), upgradeLease)
			err := s.upgrade(ctx)
			if err == nil {
				err = s.upgradeTeamsURLs(ctx)
			}
			if err == nil {
				s.load(ctx)
			}
			cancel()
			if err == nil {
				s.pending.Store(false)
				s.log.Info("redisstore: Redis answers and its key layout is current; serving")
				return
			}
			if framework.ErrorCode(err) != framework.EINVALID {
				s.log.Warn("redisstore: could not upgrade the key layout yet; retrying", "err", err)
			} else {
				// A newer release's layout, or a record the new layout
				// cannot hold: it needs someone to act. Every call is
				// refused until then.
				s.log.Error("redisstore: cannot upgrade the key layout; the store refuses every call until this is fixed", "err", err)
			}
		}
	}()
}

// upgrading marks the context of the upgrade's own calls, which
// layoutGate lets through.
type upgrading struct{}

// errLayoutPending is what calls get while the layout waits for its
// upgrade.
var errLayoutPending = errors.New("the key layout is not upgraded yet: Redis did not answer when the store opened")

// gate refuses a call while the layout waits for its upgrade, unless it
// is the upgrade's.
func (s *Store) gate(ctx context.Context) error {
	if s.pending.Load() && ctx.Value(upgrading{}) == nil {
		return framework.Unavailable("redisstore", errLayoutPending)
	}
	return nil
}

// layoutGate is the go-redis hook that applies gate to every call.
type layoutGate struct{ s *Store }

func (g layoutGate) DialHook(next redis.DialHook) redis.DialHook { return next }

func (g layoutGate) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if err := g.s.gate(ctx); err != nil {
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func (g layoutGate) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if err := g.s.gate(ctx); err != nil {
			for _, c := range cmds {
				c.SetErr(err)
			}
			return err
		}
		return next(ctx, cmds)
	}
}
