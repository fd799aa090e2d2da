package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
)

const wsPrefix = "ws:"

var (
	bMeta          = []byte("meta")
	bFrameworks    = []byte("frameworks")
	bTargets       = []byte("targets")
	bUpdates       = []byte("updates")
	bTargetUpdates = []byte("target-updates")
	bByAuthor      = []byte("by-author")
	bByTime        = []byte("by-time")
	bDue           = []byte("due")
	bStale         = []byte("stale")
	bSubs          = []byte("subs")
	bEvents        = []byte("events")
	bTargetEvents  = []byte("target-events")
	bEvidence      = []byte("evidence")
	bCycles        = []byte("cycles")
	bEvidenceURLs  = []byte("evidence-urls")
	bUpdateIDs     = []byte("update-ids")
	bAdapterState  = []byte("adapter-state")
	// bEntries holds one bucket per kind of entry (store.Entries), key ->
	// value. Workspace events are events with no target: in bEvents, and
	// indexed in bTargetEvents under the empty ref.
	bEntries = []byte("entries")

	allBuckets = [][]byte{bMeta, bFrameworks, bTargets, bUpdates, bTargetUpdates, bByAuthor, bByTime, bDue, bStale, bSubs, bEvents, bTargetEvents, bEvidence, bCycles, bEvidenceURLs, bUpdateIDs, bAdapterState, bEntries}

	keyTimezone        = []byte("timezone")
	keyReminderSpec    = []byte("reminder_spec")
	keyRemindersPaused = []byte("reminders_paused")
	keyCycle           = []byte("cycle")
	keyCycleStarted    = []byte("cycle_started")
)

// wsb is one workspace's buckets inside a transaction.
type wsb struct {
	id                                                string
	meta, frameworks, targets, updates, targetUpdates *bolt.Bucket
	byAuthor, byTime, due, stale, subs                *bolt.Bucket
	events, targetEvents, evidence, cycles            *bolt.Bucket
	evidenceURLs, updateIDs, adapterState             *bolt.Bucket
	entries                                           *bolt.Bucket
}

func (w *wsb) fill(root *bolt.Bucket) {
	w.meta, w.frameworks, w.targets = root.Bucket(bMeta), root.Bucket(bFrameworks), root.Bucket(bTargets)
	w.updates, w.targetUpdates = root.Bucket(bUpdates), root.Bucket(bTargetUpdates)
	w.byAuthor, w.byTime = root.Bucket(bByAuthor), root.Bucket(bByTime)
	w.due, w.stale, w.subs = root.Bucket(bDue), root.Bucket(bStale), root.Bucket(bSubs)
	w.events, w.targetEvents = root.Bucket(bEvents), root.Bucket(bTargetEvents)
	w.evidence, w.cycles, w.evidenceURLs = root.Bucket(bEvidence), root.Bucket(bCycles), root.Bucket(bEvidenceURLs)
	w.updateIDs, w.adapterState = root.Bucket(bUpdateIDs), root.Bucket(bAdapterState)
	w.entries = root.Bucket(bEntries)
}

// workspace returns ws's buckets, or nil if the workspace has stored
// nothing. Reads use it so that they never create a workspace.
func workspace(tx *bolt.Tx, ws string) *wsb {
	root := tx.Bucket([]byte(wsPrefix + ws))
	if root == nil {
		return nil
	}
	w := &wsb{id: ws}
	w.fill(root)
	return w
}

// createWorkspace returns ws's buckets, creating them on first write.
func createWorkspace(tx *bolt.Tx, ws string) (*wsb, error) {
	root, err := tx.CreateBucketIfNotExists([]byte(wsPrefix + ws))
	if err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", ws, err)
	}
	if err := fillBuckets(root); err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", ws, err)
	}
	w := &wsb{id: ws}
	w.fill(root)
	return w, nil
}

// fillBuckets creates the workspace buckets root lacks.
func fillBuckets(root *bolt.Bucket) error {
	for _, name := range allBuckets {
		if _, err := root.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	return nil
}

// upgradeWorkspaces gives every workspace the buckets this version
// reads, so a file written by an earlier version (before events,
// evidence, cycles and adapter state) opens and reads as a workspace
// with none.
func upgradeWorkspaces(tx *bolt.Tx) error {
	c := tx.Cursor()
	prefix := []byte(wsPrefix)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if v != nil {
			continue // not a bucket
		}
		if err := fillBuckets(tx.Bucket(k)); err != nil {
			return fmt.Errorf("upgrade workspace %q: %w", k[len(prefix):], err)
		}
	}
	return nil
}

// u64 is n as 8 big-endian bytes, so numeric order is key order.
func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// maxTime is the last instant UnixNano can represent (in 2262).
var maxTime = time.Unix(0, math.MaxInt64)

// timeKey orders times as keys. Times outside 1970..2262 clamp to the
// ends, which keeps "before the year 3000" queries meaning what they say.
func timeKey(t time.Time) []byte {
	switch {
	case t.Before(time.Unix(0, 0)):
		return u64(0)
	case t.After(maxTime):
		return u64(math.MaxInt64)
	}
	return u64(uint64(t.UnixNano()))
}

// join builds a composite key: parts concatenated, with a 0x00 after a
// string part so that "eqs/1.1" and "eqs/1.10" keep separate ranges.
func join(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func strKey(s string) []byte { return append([]byte(s), 0) }

// updateID is the user-visible id of update seq n; parseID inverts it.
func updateID(n uint64) string { return strconv.FormatUint(n, 10) }

func parseID(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil && n > 0
}

// updateSeq is the sequence number update id is stored under: its own
// number, or, for an update restored from a store that names updates
// otherwise (Redis), the one the update-ids bucket maps it to. Callers
// check the stored update's ID is id, so "12" cannot reach an update
// restored as seq 12 under another id.
func (w *wsb) updateSeq(id string) (uint64, bool) {
	if w == nil {
		return 0, false
	}
	if v := w.updateIDs.Get([]byte(id)); len(v) == 8 {
		return binary.BigEndian.Uint64(v), true
	}
	return parseID(id)
}

// dueKey is the due-index key of t, or nil when t is not in the index:
// done, archived and undated targets stay out.
func dueKey(t *framework.Target) []byte {
	if !t.Open() || t.Archived || t.Due.IsZero() {
		return nil
	}
	return join(fmt.Appendf(nil, "%08d", t.Due.Score()), []byte(t.Ref()))
}

// activity is when a target last moved: its newest update, or its creation.
func activity(t *framework.Target) time.Time {
	if !t.UpdatedAt.IsZero() {
		return t.UpdatedAt
	}
	return t.CreatedAt
}

// staleKey is the stale-index key of t, or nil for done, archived or
// unowned targets: only owners of live targets are nudged.
func staleKey(t *framework.Target) []byte {
	if !t.Open() || t.Archived || t.Owner == "" {
		return nil
	}
	return join(timeKey(activity(t)), []byte(t.Ref()))
}

// getTarget reads a target; ok is false when it does not exist.
func (w *wsb) getTarget(ref string) (t framework.Target, ok bool, err error) {
	if w == nil {
		return t, false, nil
	}
	v := w.targets.Get([]byte(ref))
	if v == nil {
		return t, false, nil
	}
	if err := json.Unmarshal(v, &t); err != nil {
		return t, false, corrupt("target", []byte(ref), err)
	}
	return t, true, nil
}

// mustTarget is getTarget with ENOTFOUND for a missing target.
func (w *wsb) mustTarget(ref string) (framework.Target, error) {
	t, ok, err := w.getTarget(ref)
	if err == nil && !ok {
		err = notFoundTarget(ref)
	}
	return t, err
}

func notFoundTarget(ref string) error {
	return framework.ErrTargetNotFound.About(ref)
}

// putTarget stores t and moves its index entries from where old had them.
// old is nil for a new target.
func (w *wsb) putTarget(old *framework.Target, t *framework.Target) error {
	v, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode target %s: %w", t.Ref(), err)
	}
	if err := w.targets.Put([]byte(t.Ref()), v); err != nil {
		return err
	}
	for _, ix := range []struct {
		b   *bolt.Bucket
		key func(*framework.Target) []byte
	}{{w.due, dueKey}, {w.stale, staleKey}} {
		var before []byte
		if old != nil {
			before = ix.key(old)
		}
		after := ix.key(t)
		if bytes.Equal(before, after) {
			continue
		}
		if before != nil {
			if err := ix.b.Delete(before); err != nil {
				return err
			}
		}
		if after != nil {
			if err := ix.b.Put(after, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// getUpdate reads update seq n; ok is false when there is none.
func (w *wsb) getUpdate(n uint64) (u framework.Update, ok bool, err error) {
	if w == nil {
		return u, false, nil
	}
	v := w.updates.Get(u64(n))
	if v == nil {
		return u, false, nil
	}
	if err := json.Unmarshal(v, &u); err != nil {
		return u, false, corrupt("update", u64(n), err)
	}
	return u, true, nil
}

func (w *wsb) putUpdate(n uint64, u *framework.Update) error {
	v, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode update %s: %w", u.ID, err)
	}
	return w.updates.Put(u64(n), v)
}
