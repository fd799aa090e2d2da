package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// AppendUpdate logs u against its target in one transaction: it assigns
// the next id, records the previous progress and status, applies the
// change and keeps every index in step. bbolt runs one writer at a time,
// so concurrent appends each see the one before.
// With once set, the same transaction takes its claim first.
func (s *Store) AppendUpdate(ctx context.Context, ws string, u framework.Update, once store.Once) (framework.Update, framework.Target, error) {
	if u.Time.IsZero() {
		u.Time = s.now()
	}
	var outU framework.Update
	var outT framework.Target
	// A refusal found after the claim is taken is returned after the
	// transaction commits, so the claim is kept: a replay is refused
	// whatever else has changed since.
	var refused error
	err := s.update("append update to "+u.Target, func(tx *bolt.Tx) error {
		if once.Key != "" {
			won, err := s.claim(tx, ws, once.Key, once.TTL)
			if err != nil {
				return err
			}
			if !won {
				return framework.ErrReplayed.About(once.Key)
			}
		}
		refused = s.appendUpdate(tx, ws, &u, &outU, &outT)
		if once.Key != "" && framework.ErrorKind(refused) != "" {
			return nil
		}
		return refused
	})
	if err == nil {
		err = refused
	}
	return outU, outT, err
}

// appendUpdate is AppendUpdate's transaction, less the claim. Its
// refusals come before any write.
func (s *Store) appendUpdate(tx *bolt.Tx, ws string, u, outU *framework.Update, outT *framework.Target) error {
	w := workspace(tx, ws)
	old, err := w.mustTarget(u.Target)
	if err != nil {
		return err
	}
	if old.Archived {
		return framework.ErrArchived.About(u.Target)
	}
	u.PrevProgress, u.PrevStatus = old.Progress, old.Status
	u.Withdrawn, u.WithdrawnAt = false, time.Time{}
	if u.Progress == framework.Unchanged {
		u.Progress = old.Progress
	}
	u.Status = framework.NextStatus(old.Status, u.Progress, u.Status)
	if err := framework.CheckDone(u.Target, u.Progress, u.Status); err != nil {
		return err
	}
	if u.Note == "" && u.Progress == old.Progress && u.Status == old.Status {
		return framework.ErrNoChange.About(string(old.Status))
	}
	seq, err := w.updates.NextSequence()
	if err != nil {
		return err
	}
	u.ID = updateID(seq)
	t := old
	t.Progress, t.Status = u.Progress, u.Status
	t.LastUpdate, t.UpdatedAt, t.Reminders = u.ID, u.Time, 0

	if err := w.putUpdate(seq, u); err != nil {
		return err
	}
	id := u64(seq)
	for _, ix := range []struct {
		b   *bolt.Bucket
		key []byte
	}{
		{w.targetUpdates, join(strKey(u.Target), id)},
		{w.byAuthor, join(strKey(u.Author), id)},
		{w.byTime, join(timeKey(u.Time), id)},
	} {
		if err := ix.b.Put(ix.key, nil); err != nil {
			return err
		}
	}
	if err := w.putTarget(&old, &t); err != nil {
		return err
	}
	*outU, *outT = *u, t
	return nil
}

// seqOf is the update sequence number at the end of an index key.
func seqOf(k []byte) uint64 { return binary.BigEndian.Uint64(k[len(k)-8:]) }

// Updates returns up to n of ref's updates, newest first, withdrawn ones
// included, walking the target's history range backwards. n <= 0 means
// all of them.
func (s *Store) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	var out []framework.Update
	err := s.view("updates of "+ref, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if _, err := w.mustTarget(ref); err != nil {
			return err
		}
		prefix := strKey(ref)
		c := w.targetUpdates.Cursor()
		// Seek past the last key with this prefix, then step back.
		k, _ := c.Seek(join(prefix, u64(^uint64(0))))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && (n <= 0 || len(out) < n); k, _ = c.Prev() {
			u, ok, err := w.getUpdate(seqOf(k))
			if err != nil {
				return err
			}
			if ok {
				out = append(out, u)
			}
		}
		return nil
	})
	return out, err
}

// UpdatesSince walks the window of the time index, which holds no
// withdrawn update, counting its keys and keeping the newest limit of
// them; only those are decoded.
func (s *Store) UpdatesSince(ctx context.Context, ws string, since, until time.Time, limit int) ([]framework.Update, int, error) {
	var out []framework.Update
	total := 0
	err := s.view("updates since in "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		// The first key after every update at exactly since, and the last
		// at exactly until.
		start := join(timeKey(since), u64(^uint64(0)))
		var end []byte
		if !until.IsZero() {
			end = join(timeKey(until), u64(^uint64(0)))
		}
		var keep [][]byte
		c := w.byTime.Cursor()
		for k, _ := c.Seek(start); k != nil && (end == nil || bytes.Compare(k, end) <= 0); k, _ = c.Next() {
			total++
			if limit > 0 && len(keep) == limit {
				copy(keep, keep[1:])
				keep = keep[:limit-1]
			}
			keep = append(keep, k)
		}
		for _, k := range keep {
			u, ok, err := w.getUpdate(seqOf(k))
			if err != nil {
				return err
			}
			if ok && !u.Withdrawn && u.Time.After(since) && (until.IsZero() || !u.Time.After(until)) {
				out = append(out, u)
			} else {
				total--
			}
		}
		return nil
	})
	return out, total, err
}

// eachBatch is how many updates EachUpdate hands fn at once.
const eachBatch = 512

// EachUpdate walks the window of the time index, as UpdatesSince does,
// and hands fn its updates in time order, eachBatch at a time, inside
// the one read transaction: every target's come oldest first.
func (s *Store) EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error {
	var fnErr error
	err := s.view("each update in "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		start := join(timeKey(since), u64(^uint64(0)))
		var end []byte
		if !until.IsZero() {
			end = join(timeKey(until), u64(^uint64(0)))
		}
		batch := make([]framework.Update, 0, eachBatch)
		flush := func() bool {
			if len(batch) == 0 {
				return true
			}
			fnErr = fn(batch)
			batch = make([]framework.Update, 0, eachBatch) // fn may keep the batch it was given
			return fnErr == nil
		}
		c := w.byTime.Cursor()
		for k, _ := c.Seek(start); k != nil && (end == nil || bytes.Compare(k, end) <= 0); k, _ = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			u, ok, err := w.getUpdate(seqOf(k))
			if err != nil {
				return err
			}
			if !ok || u.Withdrawn || !u.Time.After(since) || !until.IsZero() && u.Time.After(until) {
				continue
			}
			if batch = append(batch, u); len(batch) == eachBatch && !flush() {
				return nil
			}
		}
		flush()
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// LastUpdateBy returns the newest update user logged in ws, withdrawn or
// not. ENOTFOUND if there is none.
func (s *Store) LastUpdateBy(ctx context.Context, ws, user string) (framework.Update, error) {
	var out framework.Update
	err := s.view("last update by "+user, func(tx *bolt.Tx) error {
		notFound := framework.ErrNoUpdate.About(user)
		w := workspace(tx, ws)
		if w == nil {
			return notFound
		}
		prefix := strKey(user)
		c := w.byAuthor.Cursor()
		k, _ := c.Seek(join(prefix, u64(^uint64(0))))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		if k == nil || !bytes.HasPrefix(k, prefix) {
			return notFound
		}
		u, ok, err := w.getUpdate(seqOf(k))
		if err != nil {
			return err
		}
		if !ok {
			return notFound
		}
		out = u
		return nil
	})
	return out, err
}

// Withdraw marks update id withdrawn and restores its target's previous
// progress and status. ENOTFOUND for an unknown id; ECONFLICT if it is
// already withdrawn or no longer the newest of its target's updates in
// force.
func (s *Store) Withdraw(ctx context.Context, ws, id string, at time.Time) (framework.Update, framework.Target, error) {
	var outU framework.Update
	var outT framework.Target
	err := s.update("withdraw update "+id, func(tx *bolt.Tx) error {
		notFound := framework.ErrUpdateNotFound.About(id)
		w := workspace(tx, ws)
		seq, valid := w.updateSeq(id)
		if !valid {
			return notFound
		}
		u, ok, err := w.getUpdate(seq)
		if err != nil {
			return err
		}
		if !ok || u.ID != id {
			return notFound
		}
		if u.Withdrawn {
			return framework.ErrAlreadyWithdrawn.About(id)
		}
		old, err := w.mustTarget(u.Target)
		if err != nil {
			return err
		}
		if old.Archived {
			return framework.ErrArchived.About(old.Ref())
		}
		if old.LastUpdate != id {
			newest, err := w.newestInForce(u.Target, seq)
			if err != nil {
				return err
			}
			if !newest {
				return framework.ErrNotLatest.About(id)
			}
		}
		u.Withdrawn, u.WithdrawnAt = true, at
		t := old
		t.Progress, t.Status, t.LastUpdate = u.PrevProgress, u.PrevStatus, ""
		if err := w.putUpdate(seq, &u); err != nil {
			return err
		}
		if err := w.byTime.Delete(join(timeKey(u.Time), u64(seq))); err != nil {
			return err
		}
		if err := w.putTarget(&old, &t); err != nil {
			return err
		}
		outU, outT = u, t
		return nil
	})
	return outU, outT, err
}

// newestInForce reports whether update seq of ref is the newest of ref's
// updates not withdrawn: every update logged after it was withdrawn. It
// walks the target's history back from its newest update to seq.
func (w *wsb) newestInForce(ref string, seq uint64) (bool, error) {
	prefix := strKey(ref)
	c := w.targetUpdates.Cursor()
	k, _ := c.Seek(join(prefix, u64(^uint64(0))))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && seqOf(k) > seq; k, _ = c.Prev() {
		u, ok, err := w.getUpdate(seqOf(k))
		if err != nil {
			return false, err
		}
		if ok && !u.Withdrawn {
			return false, nil
		}
	}
	return true, nil
}
