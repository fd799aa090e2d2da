package redisstore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// keyRecorder is a go-redis hook that records every argument of every
// command, alone or pipelined, that names one of the store's keys.
type keyRecorder struct {
	prefix string
	mu     sync.Mutex
	keys   []string
}

func (h *keyRecorder) record(cmds ...redis.Cmder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range cmds {
		for _, a := range c.Args() {
			var s string
			switch v := a.(type) {
			case string:
				s = v
			case *string:
				s = *v
			}
			if strings.HasPrefix(s, h.prefix+":") {
				h.keys = append(h.keys, s)
			}
		}
	}
}

func (h *keyRecorder) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := h.keys
	h.keys = nil
	return k
}

func (h *keyRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *keyRecorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.record(cmd)
		return next(ctx, cmd)
	}
}
func (h *keyRecorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.record(cmds...)
		return next(ctx, cmds)
	}
}

// The writes commands make (an update and its undo, a change, a target
// entry) name no key outside their workspace's hash tag (DESIGN section
// 21): on Redis Cluster each is served by its workspace's node alone,
// and no key is written by every command of every workspace.
// (cmd/targetbot's TestUpdateTouchesOnlyItsWorkspace watches a whole
// Slack update with MONITOR, which also sees inside the scripts.)
func TestPerCommandWritesStayInTheirWorkspace(t *testing.T) {
	ctx := context.Background()
	url := redistest.Start(t)
	s, _ := openFunctions(t, url) // workspace slack:T1, target eqs/1
	rec := &keyRecorder{prefix: s.prefix}
	s.AddHook(rec)
	const ws = "slack:T1"
	tag := s.prefix + ":{" + ws + "}:"
	now := time.Now()
	var id string
	for _, w := range []struct {
		name string
		do   func() error
	}{
		{"update", func() error {
			u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1", Author: "U1", Progress: 30, Note: "n"}, store.Once{Key: "once:x", TTL: time.Minute})
			id = u.ID
			return err
		}},
		{"undo", func() error {
			_, _, err := s.Withdraw(ctx, ws, id, now)
			return err
		}},
		{"assign", func() error {
			_, _, err := s.ChangeTarget(ctx, ws, "eqs/1", framework.Change{Kind: framework.EventAssign, Author: "U1", Time: now, Owner: "U2"})
			return err
		}},
		{"target entry", func() error {
			_, err := s.WriteTargetEntries(ctx, ws, store.TargetEntryWrite{Ref: "eqs/1", Owner: "U2", Kind: store.EntryMetric,
				Put: []store.Entry{{Kind: store.EntryMetric, Key: "eqs/1", Value: "v"}}})
			return err
		}},
	} {
		rec.take()
		if err := w.do(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		keys := rec.take()
		if len(keys) == 0 {
			t.Errorf("%s: no keys seen", w.name)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, tag) {
				t.Errorf("%s named %q, outside its workspace's hash tag", w.name, k)
			}
		}
	}
}
