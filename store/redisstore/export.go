package redisstore

import (
	"container/heap"
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// exportTries bounds how often Export reads a workspace whose targets or
// channels keep changing under it before it gives up.
const exportTries = 10

// readBatch is how many commands one pipeline of an export or a restore
// carries: enough that round trips stay few (ten for 100,000 updates),
// few enough that each reply arrives well within the read timeout.
const readBatch = 10_000

// errSetsMoved says a target or channel was added or removed between
// reading the sets that name the keys to read and reading them, or the
// workspace was restored while its records were read.
var errSetsMoved = errors.New("the workspace's targets or channels changed, or it was restored")

// Export reads the workspace as it was at one moment, without stopping
// writers, and streams it: it never holds the whole workspace. One
// MULTI/EXEC reads, atomically, the settings, the sets, the targets,
// every subscription, the adapter state and the entries, and the
// length of every target's history and event list and of the workspace
// events' list. That is the moment the export is of. Then pipelines
// read the histories and lists in pages (exportPaged), each only as far
// as its length at the moment: lists grow at their head, so a record's
// place counted from the tail stays put. Events never change once
// written; an update can be withdrawn after the moment, and is given as
// it was then. Memory is the targets and a bounded buffer of records
// (exportBuffer), whatever the workspace's size; round trips are a few,
// plus one or two per page.
//
// Two things make the export read again: a target or channel added
// between reading the sets and the MULTI, and a restore of the
// workspace before any record was given (the commit counts itself in
// the settings' "restored" field, which every page's read checks). A
// restore after records were given fails the export (ErrUnavailable).
// A workspace still kept the first way, legacy.go, is read whole, as
// before the upgrade that moves it (readWorkspace).
//
// Redis keeps no order of updates across targets, only each target's
// history and each update's time. The export lists updates in an order
// that keeps every target's history as it is and otherwise follows time
// (then ids, shorter first, then in byte order, which keeps either
// store's ids in the order they were made). For events, the same. A
// dump of this store restored elsewhere and dumped again gives the same
// order.
func (s *Store) Export(ctx context.Context, ws string, fn func(store.Record) error) error {
	op := "export " + ws
	for try := 1; ; try++ {
		err := s.exportOnce(ctx, ws, fn)
		var fe *fnError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &fe):
			return fe.err
		case errors.Is(err, errRestoredMidway):
			return framework.Unavailable("redisstore: "+op, err)
		case !errors.Is(err, errSetsMoved):
			return s.fail(op, err)
		case try == exportTries:
			return framework.Unavailable("redisstore: "+op, errors.New("targets or channels were added, or the workspace restored, during every read: export it while the bot is quiet"))
		}
	}
}

// exportOnce reads the workspace once, in pages (exportPaged), or whole
// when it still has records kept the first way.
func (s *Store) exportOnce(ctx context.Context, ws string, fn func(store.Record) error) error {
	m, err := s.readMoment(ctx, ws)
	if err != nil {
		return err
	}
	if m != nil {
		return s.exportPaged(ctx, m, fn)
	}
	snap, err := s.readWorkspace(ctx, ws)
	if err != nil {
		return err
	}
	return snap.Each(func(r store.Record) error {
		if err := fn(r); err != nil {
			return &fnError{err}
		}
		return nil
	})
}

func (s *Store) snapshot(ctx context.Context, ws string) (*store.Snapshot, error) {
	op := "export " + ws
	for try := 1; ; try++ {
		snap, err := s.readWorkspace(ctx, ws)
		switch {
		case err == nil:
			return snap, nil
		case !errors.Is(err, errSetsMoved):
			return nil, s.fail(op, err)
		case try == exportTries:
			return nil, framework.Unavailable("redisstore: "+op, errors.New("targets or channels were added, or the workspace restored, during every read: export it while the bot is quiet"))
		}
	}
}

// readWorkspace reads every record of the workspace, as at the moment of
// its MULTI/EXEC, whole: the read of a workspace kept the first way
// (legacy.go), which the upgrade moves. Then pipelines of readBatch
// read the events and the first layout's updates its lists name (one
// withdrawn since the moment, which was in the log of updates standing
// then, is given as it was, not withdrawn).
func (s *Store) readWorkspace(ctx context.Context, ws string) (*store.Snapshot, error) {
	k := s.keys(ws)
	var refsCmd, legacyCmd, channelsCmd, kindsCmd *redis.StringSliceCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		refsCmd, legacyCmd, channelsCmd = p.HKeys(ctx, k.targets()), p.SMembers(ctx, k.legacyTargets()), p.SMembers(ctx, k.subs())
		kindsCmd = p.SMembers(ctx, k.entryKinds())
		return nil
	})
	if err != nil {
		return nil, err
	}
	refs, channels, kinds := union(refsCmd.Val(), legacyCmd.Val()), channelsCmd.Val(), kindsCmd.Val()
	sort.Strings(kinds)
	var r wsRead
	var refsNow, legacyNow, channelsNow, kindsNow, live, wsEvents *redis.StringSliceCmd
	kindEntries := make([]*redis.MapStringStringCmd, len(kinds))
	var packed, adapter *redis.MapStringStringCmd
	legacyTargets := make([]*redis.MapStringStringCmd, len(refs)) // the first layout's (legacy.go)
	histories := make([]historyRead, len(refs))
	logs := make([]*redis.StringSliceCmd, len(refs)) // the first layout's
	events := make([]*redis.StringSliceCmd, len(refs))
	subs := make([]*redis.MapStringStringCmd, len(channels))
	_, err = s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		r = s.queueWorkspace(ctx, p, ws)
		refsNow, legacyNow, channelsNow = p.HKeys(ctx, k.targets()), p.SMembers(ctx, k.legacyTargets()), p.SMembers(ctx, k.subs())
		packed = p.HGetAll(ctx, k.targets())
		adapter = p.HGetAll(ctx, k.adapter())
		kindsNow, wsEvents = p.SMembers(ctx, k.entryKinds()), p.LRange(ctx, k.wsEvents(), 0, -1)
		for i, kind := range kinds {
			kindEntries[i] = p.HGetAll(ctx, k.entries(store.EntryKind(kind)))
		}
		live = p.ZRange(ctx, k.legacyLog(), 0, -1)
		for i, ref := range refs {
			legacyTargets[i] = p.HGetAll(ctx, k.legacyTarget(ref))
			histories[i] = queueHistory(ctx, p, k, ref, 0)
			logs[i] = p.LRange(ctx, k.legacyTargetLog(ref), 0, -1)
			events[i] = p.LRange(ctx, k.targetEvents(ref), 0, -1)
		}
		for i, ch := range channels {
			subs[i] = p.HGetAll(ctx, k.sub(ch))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sameSet(refs, union(refsNow.Val(), legacyNow.Val())) || !sameSet(channels, channelsNow.Val()) || !sameSet(kinds, kindsNow.Val()) {
		return nil, errSetsMoved
	}
	snap := &store.Snapshot{Workspace: r.result()}
	// Targets in framework.SortTargets order, with each one's history
	// (kept newest first) turned oldest first.
	type entry struct {
		t              framework.Target
		updates        []framework.Update
		legacy, events []string
	}
	var entries []entry
	for i, ref := range refs {
		var t framework.Target
		if p, ok := packed.Val()[ref]; ok {
			if t, err = decodeTarget(ref, p); err != nil {
				return nil, err
			}
		} else if m := legacyTargets[i].Val(); len(m) > 0 {
			t = decodeLegacyTarget(m)
		} else {
			continue // a ref whose target has gone: nothing to keep
		}
		recs, err := histories[i].records()
		if err != nil {
			return nil, err
		}
		ups, err := decodeUpdates(ref, recs)
		if err != nil {
			return nil, err
		}
		legacy, evs := slices.Clone(logs[i].Val()), slices.Clone(events[i].Val())
		slices.Reverse(ups)
		slices.Reverse(legacy)
		slices.Reverse(evs)
		entries = append(entries, entry{t, ups, legacy, evs})
	}
	sort.SliceStable(entries, func(i, j int) bool { return lessTarget(&entries[i].t, &entries[j].t) })
	var legacyIDs, eventIDs [][]string
	for _, e := range entries {
		snap.Targets = append(snap.Targets, e.t)
		legacyIDs, eventIDs = append(legacyIDs, e.legacy), append(eventIDs, e.events)
	}
	legacy, err := readHistories(ctx, s.c, legacyIDs, k.legacyUpdate, decodeLegacyUpdate)
	if err != nil {
		return nil, err
	}
	notWithdrawn := make(map[string]bool, len(live.Val()))
	for _, id := range live.Val() {
		notWithdrawn[id] = true
	}
	ups := make([][]framework.Update, len(entries))
	for i, list := range legacy {
		for j := range list {
			if u := &list[j]; u.Withdrawn && notWithdrawn[u.ID] {
				u.Withdrawn, u.WithdrawnAt = false, time.Time{} // withdrawn since the moment
			}
		}
		// A workspace kept the first way has its updates there; one
		// written to since as well (the first release's data, then
		// records) has the older first: in the order they were made.
		ups[i] = append(list, entries[i].updates...)
	}
	snap.Updates = mergeHistories(ups, func(u *framework.Update) (time.Time, string) { return u.Time, u.ID })
	evs, err := readHistories(ctx, s.c, eventIDs, k.event, decodeEvent)
	if err != nil {
		return nil, err
	}
	snap.Events = mergeHistories(evs, func(e *framework.Event) (time.Time, string) { return e.Time, e.ID })
	// The workspace's own events: its list is newest first.
	wsIDs := slices.Clone(wsEvents.Val())
	slices.Reverse(wsIDs)
	wevs, err := readHistories(ctx, s.c, [][]string{wsIDs}, k.event, decodeEvent)
	if err != nil {
		return nil, err
	}
	snap.WorkspaceEvents = wevs[0]
	restored, err := s.c.HGet(ctx, k.settings(), "restored").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	if restored != r.settings.Val()["restored"] {
		return nil, errSetsMoved
	}
	snap.Subscriptions, snap.AdapterState, snap.Entries = decodeSmall(subs, adapter, kinds, kindEntries)
	return snap, nil
}

// decodeSmall decodes what an export reads whole, in the order a dump
// gives it: the subscriptions by channel, the adapter state by key, and
// the entries by kind (kinds sorted) then key.
func decodeSmall(subs []*redis.MapStringStringCmd, adapter *redis.MapStringStringCmd, kinds []string, kindEntries []*redis.MapStringStringCmd) ([]framework.Subscription, []store.StateEntry, []store.Entry) {
	var out []framework.Subscription
	for _, c := range subs {
		if len(c.Val()) > 0 {
			out = append(out, decodeSub(c.Val()))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Channel < out[j].Channel })
	var state []store.StateEntry
	for key, v := range adapter.Val() {
		state = append(state, store.StateEntry{Key: key, Value: v})
	}
	sort.Slice(state, func(i, j int) bool { return state[i].Key < state[j].Key })
	var entries []store.Entry
	for i, kind := range kinds {
		n := len(entries)
		for key, v := range kindEntries[i].Val() {
			entries = append(entries, store.Entry{Kind: store.EntryKind(kind), Key: key, Value: v})
		}
		part := entries[n:]
		sort.Slice(part, func(i, j int) bool { return part[i].Key < part[j].Key })
	}
	return out, state, entries
}

// lessTarget orders targets as framework.SortTargets does.
func lessTarget(a, b *framework.Target) bool {
	if a.Framework != b.Framework {
		return a.Framework < b.Framework
	}
	return framework.CompareCodes(a.Code, b.Code) < 0
}

// union is a and b without repeats.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// readHistories reads the hashes each list of ids names, in pipelines of
// readBatch, keeping each list's order and leaving out ids whose hash
// has gone.
func readHistories[T any](ctx context.Context, c redis.UniversalClient, lists [][]string, key func(string) string, decode func(map[string]string) T) ([][]T, error) {
	type at struct{ list, i int }
	var cmds []*redis.MapStringStringCmd
	var where []at
	out := make([][]T, len(lists))
	flush := func() error {
		if len(cmds) == 0 {
			return nil
		}
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, w := range where {
				cmds[i] = p.HGetAll(ctx, key(lists[w.list][w.i]))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i, w := range where {
			if m := cmds[i].Val(); len(m) > 0 {
				out[w.list] = append(out[w.list], decode(m))
			}
		}
		cmds, where = cmds[:0], where[:0]
		return nil
	}
	for l, ids := range lists {
		for i := range ids {
			cmds = append(cmds, nil)
			where = append(where, at{l, i})
			if len(cmds) == readBatch {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, flush()
}

// mergeHistories merges lists that are each in their own order into one
// list that keeps every list's order: it takes, each time, the earliest
// of the lists' first remaining records, by time, then by id (shorter
// first, then byte order), then by list.
func mergeHistories[T any](lists [][]T, key func(*T) (time.Time, string)) []T {
	h := &heads[T]{key: key}
	n := 0
	for l := range lists {
		n += len(lists[l])
		if len(lists[l]) > 0 {
			h.items = append(h.items, head{list: l})
		}
	}
	h.lists = lists
	heap.Init(h)
	out := make([]T, 0, n)
	for h.Len() > 0 {
		top := &h.items[0]
		out = append(out, lists[top.list][top.i])
		if top.i++; top.i == len(lists[top.list]) {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	return out
}

type head struct{ list, i int }

// heads is a heap of each list's first remaining record.
type heads[T any] struct {
	lists [][]T
	items []head
	key   func(*T) (time.Time, string)
}

func (h *heads[T]) Len() int      { return len(h.items) }
func (h *heads[T]) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *heads[T]) Push(x any)    { h.items = append(h.items, x.(head)) }
func (h *heads[T]) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

func (h *heads[T]) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	ta, ida := h.key(&h.lists[a.list][a.i])
	tb, idb := h.key(&h.lists[b.list][b.i])
	switch {
	case !ta.Equal(tb):
		return ta.Before(tb)
	case ida != idb:
		return compareIDs(ida, idb) < 0
	}
	return a.list < b.list
}

// compareIDs orders update and event ids as they were made: shorter
// first, then byte order. That is numeric order for bbolt's sequence
// numbers (a workspace restored from bbolt keeps them) and time order
// for this store's ids, which are all 24 hex digits.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
