package redisstore

import (
	"container/heap"
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// exportBuffer bounds how many updates (or events) an export holds at
// once, across every target's page: what keeps its memory flat in the
// size of the workspace. Each target's page is this shared out, within
// pageMin and pageMax records.
const (
	exportBuffer = 16 << 10
	pageMin      = 16
	pageMax      = 1024
)

// errRestoredMidway says the workspace was restored after an export had
// given records out: it cannot read them again.
var errRestoredMidway = errors.New("the workspace was restored while it was exported: export it again")

// fnError carries the caller's error through the reads, to be returned
// as it is.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// moment is what an export reads in one MULTI/EXEC: the workspace as at
// one moment, but for the records of its histories, which it names by
// their lists' lengths and reads in pages afterwards.
type moment struct {
	k        keys
	restored string    // the settings' "restored" count then
	at       time.Time // Redis's clock then
	ws       framework.Workspace
	targets  []*exportTarget // in framework.SortTargets order
	subs     []framework.Subscription
	adapter  []store.StateEntry
	entries  []store.Entry
	wsEvents int64 // the workspace events list's length
}

// exportTarget is one target, with the lengths of its lists then.
type exportTarget struct {
	t               framework.Target
	ref             string
	updates, events int64 // its history's list's and event list's lengths
	lastUpdate      string
	updatesPaged    cursor[framework.Update]
	// inline is its history's inline part (history.go), whole, as the
	// moment read it: the newest records, given after the list's. It is
	// at most inlineMax bytes, and kept encoded until then.
	inline []string
}

// cursor is how far an export has read one list, oldest first: size
// is its length at the moment, read the records taken from its oldest
// end so far, buf those read but not yet given.
type cursor[T any] struct {
	size, read int64
	buf        []T
}

// more reports whether the list has records not yet read.
func (c *cursor[T]) more() bool { return c.read < c.size }

// page queues the LRANGE of c's next n records of the list key, oldest
// first counted from its tail: lists are kept newest first, and a
// record's place counted from the tail does not change as records are
// pushed at the head.
func (c *cursor[T]) page(ctx context.Context, p redis.Pipeliner, key string, n int64) *redis.StringSliceCmd {
	n = min(n, c.size-c.read)
	cmd := p.LRange(ctx, key, -(c.read + n), -(c.read + 1))
	c.read += n
	return cmd
}

// pageSize is each list's page when n lists are read at once.
func pageSize(n int) int64 {
	if n == 0 {
		return pageMax
	}
	return int64(min(pageMax, max(pageMin, exportBuffer/n)))
}

// exportPaged gives the workspace's records to fn, reading its
// histories in pages: it holds the targets, subscriptions, adapter state
// and entries, and at most about exportBuffer updates or events at a
// time. The records are those of the moment its MULTI/EXEC read: each
// list is read only as far as its length then. Each page's read checks
// that no restore came since (the settings' "restored" count): one that
// did before any record was given makes the export start again
// (errSetsMoved); after, it fails (errRestoredMidway).
func (s *Store) exportPaged(ctx context.Context, m *moment, fn func(store.Record) error) error {
	given := false
	emit := func(r store.Record) error {
		given = true
		if err := fn(r); err != nil {
			return &fnError{err}
		}
		return nil
	}
	moved := func() error {
		if given {
			return errRestoredMidway
		}
		return errSetsMoved
	}
	reads := 0
	read := func(queue func(p redis.Pipeliner)) error {
		reads++
		var restored *redis.StringCmd
		_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			queue(p)
			restored = p.HGet(ctx, m.k.settings(), "restored")
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if restored.Val() != m.restored {
			return moved()
		}
		return nil
	}
	// The first pages are read before anything is given, so that a
	// restore just after the moment starts the export again.
	ups, err := s.updatePager(ctx, m, read)
	if err != nil {
		return err
	}
	if err := ups.fill(); err != nil {
		return err
	}
	if reads == 0 {
		// Every history was inline, read with the moment: the check
		// alone, before anything is given.
		if err := read(func(redis.Pipeliner) {}); err != nil {
			return err
		}
	}
	if err := emit(store.Record{Type: store.RecordWorkspace, Workspace: m.ws}); err != nil {
		return err
	}
	for _, t := range m.targets {
		if err := emit(store.Record{Type: store.RecordTarget, Target: t.t}); err != nil {
			return err
		}
	}
	err = ups.each(func(u *framework.Update) error {
		return emit(store.Record{Type: store.RecordUpdate, Update: *u})
	})
	if err != nil {
		return err
	}
	evs := s.eventPager(ctx, m, read)
	if err := evs.fill(); err != nil {
		return err
	}
	err = evs.each(func(e *framework.Event) error {
		return emit(store.Record{Type: store.RecordEvent, Event: *e})
	})
	if err != nil {
		return err
	}
	for _, sub := range m.subs {
		if err := emit(store.Record{Type: store.RecordSubscription, Subscription: sub}); err != nil {
			return err
		}
	}
	for _, e := range m.adapter {
		if err := emit(store.Record{Type: store.RecordAdapterState, State: e}); err != nil {
			return err
		}
	}
	for _, e := range m.entries {
		if err := emit(store.Record{Type: store.RecordEntry, Entry: e}); err != nil {
			return err
		}
	}
	wev := s.wsEventPager(ctx, m, read)
	if err := wev.fill(); err != nil {
		return err
	}
	return wev.each(func(e *framework.Event) error {
		return emit(store.Record{Type: store.RecordWorkspaceEvent, Event: *e})
	})
}

// updatePager merges the targets' histories, read in pages.
func (s *Store) updatePager(ctx context.Context, m *moment, read func(func(redis.Pipeliner)) error) (*merger[framework.Update], error) {
	n := pageSize(len(m.targets))
	mg := &merger[framework.Update]{page: n, key: func(u *framework.Update) (time.Time, string) { return u.Time, u.ID }}
	for _, t := range m.targets {
		t.updatesPaged = cursor[framework.Update]{size: t.updates}
		mg.cursors = append(mg.cursors, &t.updatesPaged)
		if t.updates == 0 {
			if err := m.giveInline(t); err != nil {
				return nil, err
			}
		}
	}
	mg.refill = func(needy []int) error {
		cmds := make([]*redis.StringSliceCmd, len(needy))
		err := read(func(p redis.Pipeliner) {
			for i, c := range needy {
				t := m.targets[c]
				cmds[i] = t.updatesPaged.page(ctx, p, m.k.history(t.ref), n)
			}
		})
		if err != nil {
			return err
		}
		for i, c := range needy {
			t := m.targets[c]
			ups, err := decodeUpdates(t.ref, cmds[i].Val())
			if err != nil {
				return err
			}
			slices.Reverse(ups)
			for j := range ups {
				m.asAtTheMoment(t, &ups[j])
			}
			t.updatesPaged.buf = append(t.updatesPaged.buf, ups...)
			if !t.updatesPaged.more() {
				if err := m.giveInline(t); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return mg, nil
}

// giveInline puts t's inline records, newer than its list's, oldest
// first in its cursor's buffer, once its list has been read. They were
// read with the moment, so they are given as read: asAtTheMoment, which
// guesses from the withdrawal's time (the caller's clock), is for the
// list's records, read after it.
func (m *moment) giveInline(t *exportTarget) error {
	ups, err := decodeUpdates(t.ref, t.inline)
	if err != nil {
		return err
	}
	t.inline = nil
	slices.Reverse(ups)
	t.updatesPaged.buf = append(t.updatesPaged.buf, ups...)
	return nil
}

// asAtTheMoment undoes, on u, a withdrawal made after the moment: only
// a target's last update can be withdrawn, so one withdrawn that was its
// last update at the moment, or withdrawn at a time after it, was not
// withdrawn then.
func (m *moment) asAtTheMoment(t *exportTarget, u *framework.Update) {
	if u.Withdrawn && (u.ID == t.lastUpdate || u.WithdrawnAt.After(m.at)) {
		u.Withdrawn, u.WithdrawnAt = false, time.Time{}
	}
}

// eventPager merges the targets' events, whose ids are read in pages
// of their lists and then the events they name, which never change once
// written. An id whose event has gone is left out.
func (s *Store) eventPager(ctx context.Context, m *moment, read func(func(redis.Pipeliner)) error) *merger[framework.Event] {
	lists := make([]string, len(m.targets))
	sizes := make([]int64, len(m.targets))
	for i, t := range m.targets {
		lists[i], sizes[i] = m.k.targetEvents(t.ref), t.events
	}
	return s.idPager(ctx, m, read, lists, sizes)
}

// wsEventPager reads the workspace's own events, in pages.
func (s *Store) wsEventPager(ctx context.Context, m *moment, read func(func(redis.Pipeliner)) error) *merger[framework.Event] {
	return s.idPager(ctx, m, read, []string{m.k.wsEvents()}, []int64{m.wsEvents})
}

// idPager merges lists of event ids, newest first, each of the length
// given, reading them and their events in pages.
func (s *Store) idPager(ctx context.Context, m *moment, read func(func(redis.Pipeliner)) error, lists []string, sizes []int64) *merger[framework.Event] {
	n := pageSize(len(lists))
	mg := &merger[framework.Event]{page: n, key: func(e *framework.Event) (time.Time, string) { return e.Time, e.ID }}
	for _, size := range sizes {
		mg.cursors = append(mg.cursors, &cursor[framework.Event]{size: size})
	}
	mg.refill = func(needy []int) error {
		ids := make([]*redis.StringSliceCmd, len(needy))
		err := read(func(p redis.Pipeliner) {
			for i, c := range needy {
				ids[i] = mg.cursors[c].page(ctx, p, lists[c], n)
			}
		})
		if err != nil {
			return err
		}
		evs := make([][]*redis.MapStringStringCmd, len(needy))
		err = read(func(p redis.Pipeliner) {
			for i := range needy {
				page := ids[i].Val()
				evs[i] = make([]*redis.MapStringStringCmd, len(page))
				for j, id := range page {
					// Oldest first: the page is newest first.
					evs[i][len(page)-1-j] = p.HGetAll(ctx, m.k.event(id))
				}
			}
		})
		if err != nil {
			return err
		}
		for i, c := range needy {
			cur := mg.cursors[c]
			for _, cmd := range evs[i] {
				if f := cmd.Val(); len(f) > 0 {
					cur.buf = append(cur.buf, decodeEvent(f))
				}
			}
		}
		return nil
	}
	return mg
}

// merger merges lists, each given oldest first in pages, into one order
// that keeps every list's: it takes, each time, the earliest of the
// lists' first records, by time, then by id (shorter first, then byte
// order), then by list, as mergeHistories does for lists read whole.
type merger[T any] struct {
	cursors []*cursor[T]
	page    int64 // the records a refill reads of each list
	key     func(*T) (time.Time, string)
	// refill reads the next page of each cursor named, appending to its
	// buffer; it may give none, when a page's records have gone.
	refill func(needy []int) error
	heap   []int // cursors with records buffered, a heap by their first
}

// fill reads every list's first page, in one refill.
func (mg *merger[T]) fill() error {
	var needy []int
	for i, c := range mg.cursors {
		if c.more() {
			needy = append(needy, i)
		}
	}
	return mg.refillAll(needy)
}

// refillAll refills the cursors named until each has a record buffered
// or none left to read.
func (mg *merger[T]) refillAll(needy []int) error {
	for len(needy) > 0 {
		if err := mg.refill(needy); err != nil {
			return err
		}
		next := needy[:0]
		for _, c := range needy {
			if cur := mg.cursors[c]; len(cur.buf) == 0 && cur.more() {
				next = append(next, c)
			}
		}
		needy = next
	}
	return nil
}

// each gives every record, merged, to fn. Once a list's buffer runs
// out, it and every other list down to a quarter of a page is read
// again, in one round trip.
func (mg *merger[T]) each(fn func(*T) error) error {
	h := (*mergeHeap[T])(mg)
	for i, c := range mg.cursors {
		if len(c.buf) > 0 {
			mg.heap = append(mg.heap, i)
		}
	}
	heap.Init(h)
	for len(mg.heap) > 0 {
		top := mg.cursors[mg.heap[0]]
		if err := fn(&top.buf[0]); err != nil {
			return err
		}
		var zero T
		top.buf[0] = zero
		top.buf = top.buf[1:]
		if len(top.buf) == 0 && top.more() {
			if err := mg.refillAll(mg.low(mg.heap[0])); err != nil {
				return err
			}
		}
		if len(top.buf) == 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
	}
	return nil
}

// low is the cursor c and every other with records to read and a
// quarter of a page or less buffered: those read together at the next round trip. Appending to a
// buffer leaves its first record, and so the heap, as it was.
func (mg *merger[T]) low(c int) []int {
	needy := []int{c}
	for i, cur := range mg.cursors {
		if i != c && cur.more() && int64(len(cur.buf)) <= mg.page/4 {
			needy = append(needy, i)
		}
	}
	return needy
}

// mergeHeap orders a merger's buffered cursors by their first record.
type mergeHeap[T any] merger[T]

func (h *mergeHeap[T]) Len() int      { return len(h.heap) }
func (h *mergeHeap[T]) Swap(i, j int) { h.heap[i], h.heap[j] = h.heap[j], h.heap[i] }
func (h *mergeHeap[T]) Push(x any)    { h.heap = append(h.heap, x.(int)) }
func (h *mergeHeap[T]) Pop() any {
	x := h.heap[len(h.heap)-1]
	h.heap = h.heap[:len(h.heap)-1]
	return x
}

func (h *mergeHeap[T]) Less(i, j int) bool {
	a, b := h.heap[i], h.heap[j]
	ta, ida := h.key(&h.cursors[a].buf[0])
	tb, idb := h.key(&h.cursors[b].buf[0])
	switch {
	case !ta.Equal(tb):
		return ta.Before(tb)
	case ida != idb:
		return compareIDs(ida, idb) < 0
	}
	return a < b
}

// readMoment reads, in one MULTI/EXEC, all of the workspace but the
// records of its histories, which it measures. It returns nil for a
// workspace with records kept the first way (legacy.go), which
// readWorkspace reads whole, as the upgrade that moves them does.
func (s *Store) readMoment(ctx context.Context, ws string) (*moment, error) {
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
	if len(legacyCmd.Val()) > 0 {
		return nil, nil
	}
	refs, channels, kinds := refsCmd.Val(), channelsCmd.Val(), kindsCmd.Val()
	sort.Strings(kinds)
	var r wsRead
	var refsNow, legacyNow, channelsNow, kindsNow *redis.StringSliceCmd
	var packed, adapter, inline *redis.MapStringStringCmd
	var live, wsEvents *redis.IntCmd
	var now *redis.TimeCmd
	kindEntries := make([]*redis.MapStringStringCmd, len(kinds))
	histories := make([]*redis.IntCmd, len(refs))
	events := make([]*redis.IntCmd, len(refs))
	logs := make([]*redis.IntCmd, len(refs)) // the first layout's
	subs := make([]*redis.MapStringStringCmd, len(channels))
	_, err = s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		r = s.queueWorkspace(ctx, p, ws)
		now = p.Time(ctx)
		refsNow, legacyNow, channelsNow = p.HKeys(ctx, k.targets()), p.SMembers(ctx, k.legacyTargets()), p.SMembers(ctx, k.subs())
		packed, inline = p.HGetAll(ctx, k.targets()), p.HGetAll(ctx, k.shortHistories())
		adapter = p.HGetAll(ctx, k.adapter())
		kindsNow, wsEvents = p.SMembers(ctx, k.entryKinds()), p.LLen(ctx, k.wsEvents())
		for i, kind := range kinds {
			kindEntries[i] = p.HGetAll(ctx, k.entries(store.EntryKind(kind)))
		}
		live = p.ZCard(ctx, k.legacyLog())
		for i, ref := range refs {
			histories[i] = p.LLen(ctx, k.history(ref))
			events[i] = p.LLen(ctx, k.targetEvents(ref))
			logs[i] = p.LLen(ctx, k.legacyTargetLog(ref))
		}
		for i, ch := range channels {
			subs[i] = p.HGetAll(ctx, k.sub(ch))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(legacyNow.Val()) > 0 || live.Val() > 0 {
		return nil, nil
	}
	for _, l := range logs {
		if l.Val() > 0 {
			return nil, nil
		}
	}
	if !sameSet(refs, refsNow.Val()) || !sameSet(channels, channelsNow.Val()) || !sameSet(kinds, kindsNow.Val()) {
		return nil, errSetsMoved
	}
	m := &moment{k: k, restored: r.settings.Val()["restored"], at: now.Val(), ws: r.result(), wsEvents: wsEvents.Val()}
	for i, ref := range refs {
		p, ok := packed.Val()[ref]
		if !ok {
			continue // a ref whose target has gone: nothing to keep
		}
		t, err := decodeTarget(ref, p)
		if err != nil {
			return nil, err
		}
		recs, err := inlineRecords(ref, inline.Val()[ref], p)
		if err != nil {
			return nil, err
		}
		m.targets = append(m.targets, &exportTarget{t: t, ref: ref, updates: histories[i].Val(), events: events[i].Val(), lastUpdate: t.LastUpdate, inline: recs})
	}
	sort.SliceStable(m.targets, func(i, j int) bool { return lessTarget(&m.targets[i].t, &m.targets[j].t) })
	m.subs, m.adapter, m.entries = decodeSmall(subs, adapter, kinds, kindEntries)
	return m, nil
}
