package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Export streams the workspace from one read transaction, so the
// records are one consistent view: bbolt readers see the file as it was
// when they began, whatever writers do meanwhile. Updates and events come
// in key order, which is the order they were logged.
func (s *Store) Export(ctx context.Context, ws string, fn func(store.Record) error) error {
	var fnErr error
	n := 0
	emit := func(r store.Record) error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				fnErr = err
				return err
			}
		}
		if err := fn(r); err != nil {
			fnErr = err
			return err
		}
		return nil
	}
	err := s.view("export "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return emit(store.Record{Type: store.RecordWorkspace, Workspace: framework.Workspace{ID: ws}})
		}
		return w.export(emit)
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

func (w *wsb) export(emit func(store.Record) error) error {
	set, err := w.settings()
	if err != nil {
		return err
	}
	if err := emit(store.Record{Type: store.RecordWorkspace, Workspace: set}); err != nil {
		return err
	}
	ts, err := w.allTargets()
	if err != nil {
		return err
	}
	for _, t := range framework.SortTargets(ts) {
		if err := emit(store.Record{Type: store.RecordTarget, Target: t}); err != nil {
			return err
		}
	}
	err = eachJSON(w.updates, "update", func(u framework.Update) error {
		return emit(store.Record{Type: store.RecordUpdate, Update: u})
	})
	if err != nil {
		return err
	}
	// Workspace events share the events bucket: they come last, as
	// records of their own type, in the order they were recorded.
	var wsEvents []framework.Event
	err = eachJSON(w.events, "event", func(e framework.Event) error {
		if e.Target == "" {
			wsEvents = append(wsEvents, e)
			return nil
		}
		return emit(store.Record{Type: store.RecordEvent, Event: e})
	})
	if err != nil {
		return err
	}
	subs, err := appendSubs(nil, w)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if err := emit(store.Record{Type: store.RecordSubscription, Subscription: sub}); err != nil {
			return err
		}
	}
	// bbolt keeps keys sorted: the entries come by key.
	c := w.adapterState.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := emit(store.Record{Type: store.RecordAdapterState, State: store.StateEntry{Key: string(k), Value: string(v)}}); err != nil {
			return err
		}
	}
	// The kinds' buckets, and their entries, come in key order too.
	kinds := w.entries.Cursor()
	for kind, _ := kinds.First(); kind != nil; kind, _ = kinds.Next() {
		b := w.entries.Bucket(kind)
		if b == nil {
			continue
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e := store.Entry{Kind: store.EntryKind(kind), Key: string(k), Value: string(v)}
			if err := emit(store.Record{Type: store.RecordEntry, Entry: e}); err != nil {
				return err
			}
		}
	}
	for _, e := range wsEvents {
		if err := emit(store.Record{Type: store.RecordWorkspaceEvent, Event: e}); err != nil {
			return err
		}
	}
	return nil
}

// Restore writes the snapshot in one read-write transaction: with
// Replace, deleting the workspace's bucket (claims live elsewhere and
// stay) and writing the new one commit together, or neither does.
func (s *Store) Restore(ctx context.Context, snap *store.Snapshot, opts store.RestoreOptions) error {
	ws := snap.Workspace.ID
	return s.update("restore "+ws, func(tx *bolt.Tx) error {
		name := []byte(wsPrefix + ws)
		if tx.Bucket(name) != nil {
			if !opts.Replace {
				return store.WorkspaceExists(ws)
			}
			if err := tx.DeleteBucket(name); err != nil {
				return fmt.Errorf("remove the old records: %w", err)
			}
		}
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		if err := markSchedules(tx, ws); err != nil {
			return err
		}
		r := restorer{w: w, ctx: ctx, total: snap.Len(), progress: opts.Progress}
		return r.restore(snap)
	})
}

// restorer writes one snapshot into a new workspace's buckets.
type restorer struct {
	w        *wsb
	ctx      context.Context
	written  int
	total    int
	progress func(written, total int)
}

// step counts a written record, reports progress now and then, and
// stops a cancelled restore, which then rolls back.
func (r *restorer) step() error {
	r.written++
	if r.written%1024 != 0 && r.written != r.total {
		return nil
	}
	if r.progress != nil {
		r.progress(r.written, r.total)
	}
	return r.ctx.Err()
}

func (r *restorer) restore(snap *store.Snapshot) error {
	if err := r.settings(&snap.Workspace); err != nil {
		return err
	}
	for i := range snap.Targets {
		if err := r.w.putTarget(nil, &snap.Targets[i]); err != nil {
			return err
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	if err := r.updates(snap.Updates); err != nil {
		return err
	}
	// Workspace events follow the targets' in the events bucket, under
	// the empty ref (see bEntries).
	if err := r.events(append(slices.Clip(snap.Events), snap.WorkspaceEvents...)); err != nil {
		return err
	}
	for i := range snap.Subscriptions {
		if err := putSub(r.w, &snap.Subscriptions[i]); err != nil {
			return err
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	for _, e := range snap.AdapterState {
		if err := r.w.adapterState.Put([]byte(e.Key), []byte(e.Value)); err != nil {
			return err
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	for _, e := range snap.Entries {
		if err := r.w.putEntry(e); err != nil {
			return err
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) settings(set *framework.Workspace) error {
	w := r.w
	for _, kv := range []struct {
		key   []byte
		value string
	}{{keyTimezone, set.Timezone}, {keyReminderSpec, set.ReminderSpec}, {keyRemindersPaused, string(set.RemindersPaused)}, {keyCycle, set.Cycle}} {
		if kv.value != "" {
			if err := w.meta.Put(kv.key, []byte(kv.value)); err != nil {
				return err
			}
		}
	}
	if !set.CycleStarted.IsZero() {
		started, err := set.CycleStarted.MarshalText()
		if err != nil {
			return fmt.Errorf("encode cycle start: %w", err)
		}
		if err := w.meta.Put(keyCycleStarted, started); err != nil {
			return err
		}
	}
	for _, id := range set.Frameworks {
		if err := w.frameworks.Put([]byte(id), nil); err != nil {
			return err
		}
	}
	for _, c := range set.PastCycles {
		v, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode cycle: %w", err)
		}
		if err := w.cycles.Put([]byte(c.Name), v); err != nil {
			return err
		}
	}
	return r.step()
}

// nextSeq is the sequence number the next restored record is stored
// under: its own id when that is a sequence number past the last one
// used, so a dump of this store restores to the same keys, else the next
// free one. Either way keys rise in the snapshot's order, which is the
// order history is read in.
func nextSeq(id string, last uint64) uint64 {
	if n, ok := parseID(id); ok && n > last && updateID(n) == id {
		return n
	}
	return last + 1
}

// sortedPuts are index entries to put, gathered so they can go into
// their bucket in key order. bbolt keeps a transaction's node of a
// bucket unsplit until commit, and a put into its middle moves every
// entry after it: 100,000 entries interleaved by author or target took
// a minute, in key order they take under a second.
type sortedPuts map[*bolt.Bucket][][2][]byte

func (p sortedPuts) add(b *bolt.Bucket, key, value []byte) {
	p[b] = append(p[b], [2][]byte{key, value})
}

func (p sortedPuts) put() error {
	for b, kvs := range p {
		slices.SortFunc(kvs, func(x, y [2][]byte) int { return bytes.Compare(x[0], y[0]) })
		for _, kv := range kvs {
			if err := b.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *restorer) updates(us []framework.Update) error {
	w := r.w
	// Keys rise with the snapshot's order: the records go in as they
	// are, the indexes sorted at the end.
	w.updates.FillPercent = 0.9
	index := sortedPuts{}
	var seq uint64
	for i := range us {
		u := &us[i]
		seq = nextSeq(u.ID, seq)
		if err := w.putUpdate(seq, u); err != nil {
			return err
		}
		id := u64(seq)
		if updateID(seq) != u.ID {
			index.add(w.updateIDs, []byte(u.ID), id)
		}
		index.add(w.targetUpdates, join(strKey(u.Target), id), nil)
		index.add(w.byAuthor, join(strKey(u.Author), id), nil)
		// The time index holds what digests may list: not withdrawn updates.
		if !u.Withdrawn {
			index.add(w.byTime, join(timeKey(u.Time), id), nil)
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	if err := index.put(); err != nil {
		return err
	}
	// New updates are numbered after every restored one.
	return w.updates.SetSequence(seq)
}

func (r *restorer) events(es []framework.Event) error {
	w := r.w
	w.events.FillPercent = 0.9
	index := sortedPuts{}
	var seq uint64
	for i := range es {
		e := &es[i]
		seq = nextSeq(e.ID, seq)
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		id := u64(seq)
		if err := w.events.Put(id, v); err != nil {
			return err
		}
		index.add(w.targetEvents, join(strKey(e.Target), id), nil)
		if e.Kind == framework.EventEvidence {
			index.add(w.evidence, join(strKey(e.Target), id), nil)
			index.add(w.evidenceURLs, join(strKey(e.Target), []byte(e.URL)), nil)
		}
		if err := r.step(); err != nil {
			return err
		}
	}
	if err := index.put(); err != nil {
		return err
	}
	return w.events.SetSequence(seq)
}

// Drop deletes the workspace's bucket, in one transaction. Claims live
// in a bucket of their own, and stay.
func (s *Store) Drop(ctx context.Context, ws string) error {
	return s.update("drop "+ws, func(tx *bolt.Tx) error {
		name := []byte(wsPrefix + ws)
		if tx.Bucket(name) == nil {
			return nil
		}
		if err := setScore(tx, ws, 0, true); err != nil {
			return err
		}
		return tx.DeleteBucket(name)
	})
}

// MoveClaims re-keys from's unexpired claims under to, with their
// expiry index entries, in one transaction. The old entries' index
// entries are left for sweepClaims, which deletes an index entry whose
// claim has gone.
func (s *Store) MoveClaims(ctx context.Context, from, to string) (int, error) {
	n := 0
	err := s.update("move the claims of "+from+" to "+to, func(tx *bolt.Tx) error {
		claims, expiry := tx.Bucket(bucketClaims), tx.Bucket(bucketClaimExpiry)
		now := timeKey(s.now())
		prefix := strKey(from)
		type claim struct{ key, exp []byte }
		var moved []claim
		c := claims.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			moved = append(moved, claim{slices.Clone(k), slices.Clone(v)})
		}
		for _, m := range moved {
			if err := claims.Delete(m.key); err != nil {
				return err
			}
			if len(m.exp) != 8 || bytes.Compare(m.exp, now) <= 0 {
				continue // expired: nothing to keep
			}
			k := join(strKey(to), m.key[len(prefix):])
			if cur := claims.Get(k); len(cur) == 8 && bytes.Compare(cur, now) > 0 {
				continue // to's own claim stands
			}
			if err := claims.Put(k, m.exp); err != nil {
				return err
			}
			if err := expiry.Put(join(m.exp, k), nil); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
