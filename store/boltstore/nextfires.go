package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/store"
)

// The next-fire index (store.NextFires) is two top-level buckets:
// "next-fires" (ws -> score, 8 bytes) and "next-fire-order" (the score
// in an order-keeping encoding, then ws -> nil). A score is a next fire
// time in unix ms, or a negative mark for a workspace changed since the
// scheduler last looked: the next of the "next-fires" bucket's sequence,
// negated, so that marks sort first and no two are ever equal (a mark
// made from the entry's own score would repeat once a next fire time,
// or none, was stored in between, and a scheduler holding the first
// would store its stale answer over the change). A change marks its
// workspace in its own transaction; SetNextFire stores only while the
// score is still the one read.
var (
	bucketNextFires     = []byte("next-fires")
	bucketNextFireOrder = []byte("next-fire-order")
)

// orderKey is score's order-keeping encoding (the sign bit flipped,
// big-endian) followed by ws.
func orderKey(score int64, ws string) []byte {
	k := make([]byte, 8, 8+len(ws))
	binary.BigEndian.PutUint64(k, uint64(score)^(1<<63))
	return append(k, ws...)
}

// nextScore reads ws's score, and whether it has one.
func nextScore(fires *bolt.Bucket, ws string) (int64, bool) {
	v := fires.Get([]byte(ws))
	if len(v) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), true
}

// setScore replaces ws's score; remove drops its entry instead.
func setScore(tx *bolt.Tx, ws string, score int64, remove bool) error {
	fires, order := tx.Bucket(bucketNextFires), tx.Bucket(bucketNextFireOrder)
	if old, ok := nextScore(fires, ws); ok {
		if err := order.Delete(orderKey(old, ws)); err != nil {
			return err
		}
	}
	if remove {
		return fires.Delete([]byte(ws))
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(score))
	if err := fires.Put([]byte(ws), v[:]); err != nil {
		return err
	}
	return order.Put(orderKey(score, ws), nil)
}

// markSchedules marks ws's entry changed, inside the change's own
// transaction.
func markSchedules(tx *bolt.Tx, ws string) error {
	n, err := tx.Bucket(bucketNextFires).NextSequence()
	if err != nil {
		return err
	}
	return setScore(tx, ws, -int64(n), false)
}

// indexMissing marks changed every workspace with no entry, and returns
// how many.
func indexMissing(tx *bolt.Tx) (int, error) {
	fires := tx.Bucket(bucketNextFires)
	var missing []string
	c := tx.Cursor()
	prefix := []byte(wsPrefix)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if _, ok := nextScore(fires, string(k[len(prefix):])); !ok {
			missing = append(missing, string(k[len(prefix):]))
		}
	}
	for _, ws := range missing {
		if err := markSchedules(tx, ws); err != nil {
			return 0, err
		}
	}
	return len(missing), nil
}

// createNextFires makes the index's buckets, indexing every workspace
// when they are new: a file an earlier release wrote. Open calls it.
func createNextFires(tx *bolt.Tx) error {
	fresh := tx.Bucket(bucketNextFires) == nil
	for _, name := range [][]byte{bucketNextFires, bucketNextFireOrder} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	if fresh {
		_, err := indexMissing(tx)
		return err
	}
	return nil
}

// DueSchedules reads the index in order up to at.
func (s *Store) DueSchedules(ctx context.Context, at time.Time, offset, limit int) ([]store.DueSchedule, error) {
	var out []store.DueSchedule
	err := s.view("due schedules", func(tx *bolt.Tx) error {
		end := orderKey(at.UnixMilli()+1, "")
		c := tx.Bucket(bucketNextFireOrder).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0 && len(out) < limit; k, _ = c.Next() {
			if offset > 0 {
				offset--
				continue
			}
			out = append(out, store.DueSchedule{Workspace: string(k[8:]), Mark: int64(binary.BigEndian.Uint64(k[:8]) ^ (1 << 63))})
		}
		return nil
	})
	return out, err
}

// SetNextFire stores next in one transaction, if the entry is as read.
func (s *Store) SetNextFire(ctx context.Context, d store.DueSchedule, next time.Time) (bool, error) {
	stored := false
	err := s.update("set the next fire time of "+d.Workspace, func(tx *bolt.Tx) error {
		if cur, ok := nextScore(tx.Bucket(bucketNextFires), d.Workspace); !ok || cur != d.Mark {
			return nil
		}
		stored = true
		return setScore(tx, d.Workspace, next.UnixMilli(), next.IsZero())
	})
	return stored, err
}

// MarkDue marks ws's entry changed, in one transaction.
func (s *Store) MarkDue(ctx context.Context, ws string) error {
	return s.update("mark "+ws+" due", func(tx *bolt.Tx) error { return markSchedules(tx, ws) })
}

// IndexSchedules marks changed every workspace with no entry.
func (s *Store) IndexSchedules(ctx context.Context) (int, error) {
	n := 0
	err := s.update("index schedules", func(tx *bolt.Tx) (err error) {
		n, err = indexMissing(tx)
		return err
	})
	return n, err
}
