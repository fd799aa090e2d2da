// Package boltstore is the embedded, single-machine store.Store: one bbolt
// file, one transaction per method. It persists what it is given: open
// it behind store.Checked, which checks input first.
//
// Layout. Each workspace is a top-level bucket "ws:<id>" holding nested
// buckets:
//
//	meta            "timezone", "reminder_spec", "cycle", "cycle_started" -> string
//	frameworks      framework id -> nil (bbolt keeps keys sorted)
//	targets         ref -> Target JSON (with its Grades of closed cycles)
//	updates         seq (8 bytes, big-endian) -> Update JSON
//	target-updates  ref 0x00 seq -> nil    (a target's history, newest last)
//	events          seq (8 bytes) -> Event JSON
//	target-events   ref 0x00 seq -> nil    (a target's events, newest last)
//	evidence        ref 0x00 seq -> nil    (a target's evidence events)
//	evidence-urls   ref 0x00 url -> nil    (to refuse a link a target has)
//	cycles          cycle name -> Cycle JSON (the closed grading cycles)
//	by-author       author 0x00 seq -> nil (LastUpdateBy)
//	by-time         unix nanos, seq -> nil (UpdatesSince; withdrawn ones are removed)
//	due             YYYYMMDD ref -> nil    (open, live targets with a due date)
//	stale           unix nanos, ref -> nil (open, live, owned targets by latest activity)
//	subs            channel -> Subscription JSON
//	update-ids      id -> seq              (restored updates whose id is not their seq)
//	adapter-state   key -> value           (store.AdapterState)
//
// and the top-level buckets "claims" (ws 0x00 key -> expiry nanos) and
// "claim-expiry" (expiry nanos, ws 0x00 key -> nil), so expired claims
// can be swept in expiry order, and the next-fire index's "next-fires"
// and "next-fire-order" (nextfires.go). Every index is a sorted key range, so Due,
// Stale, Updates and UpdatesSince cost what they return, not the size of
// the workspace.
package boltstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.Store = (*Store)(nil)

// Options configures a Store. The zero value, or nil, gives the defaults.
type Options struct {
	// Now is the clock for claim expiry. Default time.Now.
	Now func() time.Time
	// Timeout is how long Open waits for another process's lock on the
	// file. Default 1s.
	Timeout time.Duration
}

// Store is a store.Store over one bbolt file. It is safe for concurrent
// use: bbolt serialises writers and lets readers run beside them.
type Store struct {
	db  *bolt.DB
	now func() time.Time
	// restores numbers the restores under way, naming their staging.
	restores atomic.Int64
}

var (
	bucketClaims      = []byte("claims")
	bucketClaimExpiry = []byte("claim-expiry")
)

// ErrLocked is Open's error, under errors.Is, when another process
// holds the file: bbolt lets one process at a time open it, and Open
// gives up after Options.Timeout. The caller words it for its users.
var ErrLocked = errors.New("the file is locked by another process")

// Open opens the bbolt file at path, creating it (mode 0600) if needed.
// It fails with ErrLocked if another process holds the file, and with a
// clear error if the file is not a bbolt database.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.Timeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("boltstore: open %s: %w: %w", path, ErrLocked, err)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("boltstore: open %s: permission denied: %w", path, err)
	case err != nil && notBolt(path, err):
		return nil, fmt.Errorf("boltstore: open %s: not a bbolt database (wrong path, or a corrupt file?): %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketClaims, bucketClaimExpiry} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := createNextFires(tx); err != nil {
			return err
		}
		if err := dropStagings(tx); err != nil {
			return err
		}
		return upgradeWorkspaces(tx)
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: open %s: create buckets: %w", path, err)
	}
	s := &Store{db: db, now: o.Now}
	if err := s.importTeamsFile(path + teamsFileSuffix); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return s, nil
}

// notBolt reports whether Open failed because the file holds something
// other than a bbolt database. bbolt says so in several ways (invalid,
// version mismatch, checksum, or "file size too small" for a short file),
// so any failure on an existing, non-empty regular file counts.
func notBolt(path string, err error) bool {
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrChecksum) {
		return true
	}
	fi, statErr := os.Stat(path)
	return statErr == nil && fi.Mode().IsRegular() && fi.Size() > 0
}

// Close closes the file. The Store must not be used after.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// update runs fn in one read-write transaction and maps its error.
func (s *Store) update(op string, fn func(tx *bolt.Tx) error) error {
	return mapErr(op, s.db.Update(fn))
}

// view runs fn in one read-only transaction and maps its error.
func (s *Store) view(op string, fn func(tx *bolt.Tx) error) error {
	return mapErr(op, s.db.View(fn))
}

// mapErr passes coded errors through and turns anything else bbolt
// returns (a closed file, an I/O failure) into EUNAVAILABLE.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *framework.Error
	if errors.As(err, &fe) {
		return err
	}
	if len(op) > 200 {
		op = op[:200] + "…" // ops name keys, which may be huge
	}
	// bbolt refuses empty and over-long keys and values: that is the
	// input's fault, and retrying cannot help, so it is not EUNAVAILABLE.
	for _, e := range []error{berrors.ErrKeyRequired, berrors.ErrKeyTooLarge, berrors.ErrValueTooLarge, berrors.ErrBucketNameRequired} {
		if errors.Is(err, e) {
			fe := framework.ErrTooLong.About("")
			fe.Err = fmt.Errorf("boltstore: %s (keys at most %d bytes): %w", op, bolt.MaxKeySize, err)
			return fe
		}
	}
	return framework.Unavailable("boltstore: "+op, err)
}

// eachJSON calls f with each value of b decoded as a T, in key order; a
// value that does not decode is corrupt (what names it).
func eachJSON[T any](b *bolt.Bucket, what string, f func(T) error) error {
	return b.ForEach(func(k, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return corrupt(what, k, err)
		}
		return f(x)
	})
}

// corrupt reports a stored value that does not decode: a bug or a damaged
// file, never the user's fault.
func corrupt(what string, key []byte, err error) error {
	return &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("boltstore: decode %s %q: %w", what, key, err)}
}
