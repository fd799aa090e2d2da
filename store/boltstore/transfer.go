package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.RecordRestorer = (*Store)(nil)

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

// Restore writes the snapshot into a staging bucket, in transactions of
// restoreChunk records, so that memory holds one chunk's pages, not the
// workspace's; then one small transaction moves the staged workspace
// into place (bbolt's MoveBucket: the bucket, not its records), with
// Replace deleting the old bucket first (claims live elsewhere and
// stay). Readers see the workspace as it was, or as restored. A restore
// that fails part of the way removes its staging; one killed leaves it,
// under "restore:", for the next Open to remove (the file's lock means
// no other process is restoring then).
func (s *Store) Restore(ctx context.Context, snap *store.Snapshot, opts store.RestoreOptions) error {
	ws := snap.Workspace.ID
	if !opts.Replace {
		if err := s.refuseExisting(ws); err != nil {
			return err
		}
	}
	return s.restoreWith(ctx, ws, snap.Len(), opts, func(r *restorer) error { return r.restore(snap) })
}

// restoreWith stages a workspace of total records through write, in
// chunks, and moves it into place (Restore).
func (s *Store) restoreWith(ctx context.Context, ws string, total int, opts store.RestoreOptions, write func(*restorer) error) error {
	op := "restore " + ws
	name := []byte(wsPrefix + ws)
	staging := []byte(fmt.Sprintf("%s%s:%d", stagingPrefix, ws, s.restores.Add(1)))
	r := &restorer{db: s.db, staging: staging, ws: ws, ctx: ctx, total: total, progress: opts.Progress, index: sortedPuts{}}
	err := r.begin(true)
	if err == nil {
		err = write(r)
	}
	if err == nil {
		err = r.commit(name, opts.Replace)
	}
	if err != nil {
		r.abort()
		return mapErr(op, err)
	}
	return nil
}

// RestoreRecords restores the workspace ws from a stream of records, as
// Restore does a snapshot, holding the targets and one chunk of records
// rather than the workspace. It reads recs twice: first to check every
// record (store.CheckRecords), writing nothing; then to stage each as
// it comes. The staging is moved into place only if the second read
// gave the same records as the first (their tallies agree).
func (s *Store) RestoreRecords(ctx context.Context, ws string, recs store.RecordStream, opts store.RestoreOptions) error {
	first, err := store.CheckRecords(ws, recs, nil)
	if err != nil {
		return err
	}
	if !opts.Replace {
		if err := s.refuseExisting(ws); err != nil {
			return err
		}
	}
	return s.restoreWith(ctx, ws, first.Len(), opts, func(r *restorer) error {
		tally := store.NewTallier()
		err := recs(func(rec store.Record) error {
			if err := tally.Add(&rec); err != nil {
				return err
			}
			return r.record(&rec)
		})
		if second := tally.Tally(); err == nil && !second.Same(&first) {
			err = errors.New("the records changed between their check and their write")
		}
		return err
	})
}

// refuseExisting refuses a restore into a workspace that holds records.
func (s *Store) refuseExisting(ws string) error {
	return s.view("restore "+ws, func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(wsPrefix+ws)) != nil {
			return store.WorkspaceExists(ws)
		}
		return nil
	})
}

// stagingPrefix starts the name of a restore's staging bucket, at the
// root beside the workspaces': "restore:<ws>:<n>".
const stagingPrefix = "restore:"

// restoreChunk is how many records one transaction of a restore writes:
// a multiple of the 1,024 that progress is reported at.
const restoreChunk = 16 << 10

// dropStagings removes the staging buckets restores left when killed.
func dropStagings(tx *bolt.Tx) error {
	c := tx.Cursor()
	prefix := []byte(stagingPrefix)
	var names [][]byte
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if v == nil {
			names = append(names, slices.Clone(k))
		}
	}
	for _, k := range names {
		if err := tx.DeleteBucket(k); err != nil {
			return fmt.Errorf("remove an abandoned restore's staging %q: %w", k, err)
		}
	}
	return nil
}

// restorer writes one snapshot into a staging workspace's buckets, a
// chunk of records to a transaction.
type restorer struct {
	db       *bolt.DB
	staging  []byte // the staging bucket, whose one child is the workspace
	ws       string
	tx       *bolt.Tx
	w        *wsb
	ctx      context.Context
	written  int
	total    int
	progress func(written, total int)
	// index holds the index entries of the chunk under way, put in key
	// order as it ends.
	index sortedPuts
	// The sequence numbers of the last update and event written.
	updateSeq, eventSeq uint64
}

// begin opens the next transaction and finds the staged workspace in
// it; first creates it.
func (r *restorer) begin(first bool) error {
	tx, err := r.db.Begin(true)
	if err != nil {
		return err
	}
	r.tx = tx
	parent := tx.Bucket(r.staging)
	if first {
		if parent, err = tx.CreateBucket(r.staging); err != nil {
			return fmt.Errorf("create the staging: %w", err)
		}
		root, err := parent.CreateBucket([]byte(wsPrefix + r.ws))
		if err != nil {
			return fmt.Errorf("create the staging: %w", err)
		}
		if err := fillBuckets(root); err != nil {
			return fmt.Errorf("create the staging: %w", err)
		}
	}
	r.w = &wsb{id: r.ws}
	r.w.fill(parent.Bucket([]byte(wsPrefix + r.ws)))
	// Keys rise with the snapshot's order: pages are filled fuller.
	r.w.updates.FillPercent, r.w.events.FillPercent = 0.9, 0.9
	return nil
}

// flush puts the chunk's index entries and commits its transaction.
func (r *restorer) flush() error {
	if err := r.index.put(r.w); err != nil {
		return err
	}
	clear(r.index)
	err := r.tx.Commit()
	r.tx = nil
	return err
}

// commit ends the last chunk and, in one transaction, moves the staged
// workspace into place as name, deleting what stands there (replace) or
// refusing if anything does.
func (r *restorer) commit(name []byte, replace bool) error {
	if err := r.flush(); err != nil {
		return err
	}
	tx, err := r.db.Begin(true)
	if err != nil {
		return err
	}
	r.tx = tx
	if tx.Bucket(name) != nil {
		if !replace {
			return store.WorkspaceExists(r.ws)
		}
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("remove the old records: %w", err)
		}
	}
	parent := tx.Bucket(r.staging)
	if err := tx.MoveBucket(name, parent, nil); err != nil {
		return fmt.Errorf("move the staged workspace into place: %w", err)
	}
	if err := tx.DeleteBucket(r.staging); err != nil {
		return fmt.Errorf("remove the staging: %w", err)
	}
	// Its schedules are due to be looked at (nextfires.go).
	if err := markSchedules(tx, r.ws); err != nil {
		return err
	}
	err = tx.Commit()
	r.tx = nil
	return err
}

// abort rolls back the transaction under way and removes the staging.
func (r *restorer) abort() {
	if r.tx != nil {
		_ = r.tx.Rollback()
		r.tx = nil
	}
	_ = r.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(r.staging) == nil {
			return nil
		}
		return tx.DeleteBucket(r.staging)
	})
}

// step counts a written record, reports progress now and then, stops a
// cancelled restore, and ends the chunk every restoreChunk records.
func (r *restorer) step() error {
	r.written++
	if r.written%1024 != 0 && r.written != r.total {
		return nil
	}
	if r.progress != nil {
		r.progress(r.written, r.total)
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if r.written%restoreChunk != 0 && r.written != r.total {
		return nil
	}
	if err := r.flush(); err != nil {
		return err
	}
	return r.begin(false)
}

func (r *restorer) restore(snap *store.Snapshot) error {
	return snap.Each(func(rec store.Record) error { return r.record(&rec) })
}

// record writes one record. Workspace events follow the targets' in
// the events bucket, numbered after them, under the empty ref (see
// bEntries).
func (r *restorer) record(rec *store.Record) error {
	var err error
	switch rec.Type {
	case store.RecordWorkspace:
		return r.settings(&rec.Workspace)
	case store.RecordTarget:
		err = r.w.putTarget(nil, &rec.Target)
	case store.RecordUpdate:
		err = r.update(&rec.Update)
	case store.RecordEvent, store.RecordWorkspaceEvent:
		err = r.event(&rec.Event)
	case store.RecordSubscription:
		err = putSub(r.w, &rec.Subscription)
	case store.RecordAdapterState:
		err = r.w.adapterState.Put([]byte(rec.State.Key), []byte(rec.State.Value))
	case store.RecordEntry:
		err = r.w.putEntry(rec.Entry)
	default:
		// A record type added to store without a place here: refused,
		// not dropped.
		err = fmt.Errorf("this store cannot restore a %s record", rec.Type)
	}
	if err != nil {
		return err
	}
	return r.step()
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
// a minute, in key order they take under a second. They are gathered
// by index (idx*), since a restore's buckets change with each of its
// transactions.
type sortedPuts map[idx][][2][]byte

// idx names one of a workspace's index buckets.
type idx int

const (
	idxUpdateIDs idx = iota
	idxTargetUpdates
	idxByAuthor
	idxByTime
	idxTargetEvents
	idxEvidence
	idxEvidenceURLs
)

func (i idx) of(w *wsb) *bolt.Bucket {
	return [...]*bolt.Bucket{w.updateIDs, w.targetUpdates, w.byAuthor, w.byTime, w.targetEvents, w.evidence, w.evidenceURLs}[i]
}

func (p sortedPuts) add(b idx, key, value []byte) {
	p[b] = append(p[b], [2][]byte{key, value})
}

func (p sortedPuts) put(w *wsb) error {
	for b, kvs := range p {
		slices.SortFunc(kvs, func(x, y [2][]byte) int { return bytes.Compare(x[0], y[0]) })
		bucket := b.of(w)
		for _, kv := range kvs {
			if err := bucket.Put(kv[0], kv[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// update writes an update, numbered as nextSeq says; keys rise with
// the snapshot's order.
func (r *restorer) update(u *framework.Update) error {
	r.updateSeq = nextSeq(u.ID, r.updateSeq)
	seq := r.updateSeq
	if err := r.w.putUpdate(seq, u); err != nil {
		return err
	}
	id := u64(seq)
	if updateID(seq) != u.ID {
		r.index.add(idxUpdateIDs, []byte(u.ID), id)
	}
	r.index.add(idxTargetUpdates, join(strKey(u.Target), id), nil)
	r.index.add(idxByAuthor, join(strKey(u.Author), id), nil)
	// The time index holds what digests may list: not withdrawn updates.
	if !u.Withdrawn {
		r.index.add(idxByTime, join(timeKey(u.Time), id), nil)
	}
	// New updates are numbered after every restored one.
	return r.w.updates.SetSequence(seq)
}

// event writes a target's event or the workspace's own.
func (r *restorer) event(e *framework.Event) error {
	r.eventSeq = nextSeq(e.ID, r.eventSeq)
	seq := r.eventSeq
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	id := u64(seq)
	if err := r.w.events.Put(id, v); err != nil {
		return err
	}
	r.index.add(idxTargetEvents, join(strKey(e.Target), id), nil)
	if e.Kind == framework.EventEvidence {
		r.index.add(idxEvidence, join(strKey(e.Target), id), nil)
		r.index.add(idxEvidenceURLs, join(strKey(e.Target), []byte(e.URL)), nil)
	}
	return r.w.events.SetSequence(seq)
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
