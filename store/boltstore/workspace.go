package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Ping checks the file is open and readable.
func (s *Store) Ping(ctx context.Context) error {
	return s.view("ping", func(tx *bolt.Tx) error { return nil })
}

// Workspace returns ws's settings; a workspace never written has only its ID.
func (s *Store) Workspace(ctx context.Context, ws string) (framework.Workspace, error) {
	out := framework.Workspace{ID: ws}
	err := s.view("workspace "+ws, func(tx *bolt.Tx) error {
		if w := workspace(tx, ws); w != nil {
			var err error
			out, err = w.settings()
			return err
		}
		return nil
	})
	return out, err
}

func (w *wsb) settings() (framework.Workspace, error) {
	out := framework.Workspace{
		ID:              w.id,
		Timezone:        string(w.meta.Get(keyTimezone)),
		ReminderSpec:    string(w.meta.Get(keyReminderSpec)),
		RemindersPaused: framework.Date(w.meta.Get(keyRemindersPaused)),
		Cycle:           string(w.meta.Get(keyCycle)),
	}
	if v := w.meta.Get(keyCycleStarted); v != nil {
		if err := out.CycleStarted.UnmarshalText(v); err != nil {
			return out, corrupt("cycle start", keyCycleStarted, err)
		}
	}
	c := w.frameworks.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		out.Frameworks = append(out.Frameworks, string(k))
	}
	err := eachJSON(w.cycles, "cycle", func(cy framework.Cycle) error {
		out.PastCycles = append(out.PastCycles, cy)
		return nil
	})
	sortCycles(out.PastCycles)
	if err != nil {
		return out, err
	}
	out.Admins = store.AdminsOf(w.entriesOf(store.EntryAdmin))
	return out, nil
}

// sortCycles puts closed cycles in the order they closed.
func sortCycles(cs []framework.Cycle) {
	sort.SliceStable(cs, func(i, j int) bool {
		if !cs[i].Closed.Equal(cs[j].Closed) {
			return cs[i].Closed.Before(cs[j].Closed)
		}
		return cs[i].Name < cs[j].Name
	})
}

// pinCycle records the workspace's first grading cycle, the financial
// year of at, if it has none, and returns the current cycle.
func (w *wsb) pinCycle(at time.Time) (string, error) {
	if v := w.meta.Get(keyCycle); len(v) > 0 {
		return string(v), nil
	}
	name := framework.FinancialYear(at)
	started, err := at.MarshalText()
	if err != nil {
		return "", fmt.Errorf("encode cycle start: %w", err)
	}
	if err := w.meta.Put(keyCycle, []byte(name)); err != nil {
		return "", err
	}
	return name, w.meta.Put(keyCycleStarted, started)
}

// Workspaces returns every workspace that has stored anything, sorted by
// ID: the root's "ws:" buckets, which bbolt keeps in key order.
func (s *Store) Workspaces(ctx context.Context) ([]framework.Workspace, error) {
	var out []framework.Workspace
	err := s.view("workspaces", func(tx *bolt.Tx) error {
		c := tx.Cursor()
		prefix := []byte(wsPrefix)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			w, err := workspace(tx, string(k[len(prefix):])).settings()
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return nil
	})
	return out, err
}

// SetTimezone stores ws's IANA time zone name.
func (s *Store) SetTimezone(ctx context.Context, ws, tz string) error {
	return s.setMeta(ws, keyTimezone, tz)
}

// SetRemindersPaused stores the day ws's reminders start again; the zero
// Date clears it.
func (s *Store) SetRemindersPaused(ctx context.Context, ws string, until framework.Date) error {
	return s.setMeta(ws, keyRemindersPaused, string(until))
}

// SetReminderSpec stores ws's reminder cron spec; "" restores the default.
func (s *Store) SetReminderSpec(ctx context.Context, ws, spec string) error {
	return s.setMeta(ws, keyReminderSpec, spec)
}

func (s *Store) setMeta(ws string, key []byte, value string) error {
	return s.update(fmt.Sprintf("set %s %s", ws, key), func(tx *bolt.Tx) error {
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		if err := markSchedules(tx, ws); err != nil {
			return err
		}
		if value == "" {
			return w.meta.Delete(key)
		}
		return w.meta.Put(key, []byte(value))
	})
}

// PutSubscription creates or replaces the subscription for s.Channel.
func (s *Store) PutSubscription(ctx context.Context, sub framework.Subscription) error {
	return s.update(fmt.Sprintf("put subscription %s %s", sub.Workspace, sub.Channel), func(tx *bolt.Tx) error {
		w, err := createWorkspace(tx, sub.Workspace)
		if err != nil {
			return err
		}
		if err := markSchedules(tx, sub.Workspace); err != nil {
			return err
		}
		return putSub(w, &sub)
	})
}

func putSub(w *wsb, sub *framework.Subscription) error {
	v, err := json.Marshal(sub)
	if err != nil {
		return fmt.Errorf("encode subscription: %w", err)
	}
	return w.subs.Put([]byte(sub.Channel), v)
}

func noSubscription(channel string) error {
	return framework.ErrNoSubscription.About(channel)
}

// DeleteSubscription removes a channel's subscription. ENOTFOUND if none.
func (s *Store) DeleteSubscription(ctx context.Context, ws, channel string) error {
	return s.update(fmt.Sprintf("delete subscription %s %s", ws, channel), func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil || w.subs.Get([]byte(channel)) == nil {
			return noSubscription(channel)
		}
		if err := markSchedules(tx, ws); err != nil {
			return err
		}
		return w.subs.Delete([]byte(channel))
	})
}

// Subscriptions returns ws's subscriptions sorted by channel.
func (s *Store) Subscriptions(ctx context.Context, ws string) ([]framework.Subscription, error) {
	var out []framework.Subscription
	err := s.view("subscriptions "+ws, func(tx *bolt.Tx) error {
		var err error
		out, err = appendSubs(out, workspace(tx, ws))
		return err
	})
	return out, err
}

func appendSubs(out []framework.Subscription, w *wsb) ([]framework.Subscription, error) {
	if w == nil {
		return out, nil
	}
	c := w.subs.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var sub framework.Subscription
		if err := json.Unmarshal(v, &sub); err != nil {
			return out, corrupt("subscription", k, err)
		}
		out = append(out, sub)
	}
	return out, nil
}

// AllSubscriptions returns every workspace's subscriptions, sorted by
// workspace then channel, in one read transaction.
func (s *Store) AllSubscriptions(ctx context.Context) ([]framework.Subscription, error) {
	var out []framework.Subscription
	err := s.view("all subscriptions", func(tx *bolt.Tx) error {
		c := tx.Cursor()
		prefix := []byte(wsPrefix)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			var err error
			if out, err = appendSubs(out, workspace(tx, string(k[len(prefix):]))); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// MarkDigested sets LastDigest on a channel's subscription. ENOTFOUND if none.
func (s *Store) MarkDigested(ctx context.Context, ws, channel string, at time.Time) error {
	return s.update(fmt.Sprintf("mark digested %s %s", ws, channel), func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return noSubscription(channel)
		}
		v := w.subs.Get([]byte(channel))
		if v == nil {
			return noSubscription(channel)
		}
		var sub framework.Subscription
		if err := json.Unmarshal(v, &sub); err != nil {
			return corrupt("subscription", []byte(channel), err)
		}
		sub.LastDigest = at
		return putSub(w, &sub)
	})
}

// sweepBatch bounds how many expired claims one Claim deletes, so no call
// pays for a long backlog at once.
const sweepBatch = 64

// Claim takes key in ws for ttl: true for exactly one caller until the
// claim expires. bbolt runs one writer at a time, so the check and the
// write cannot interleave with another claimer's, within or across
// processes (the file lock keeps other processes out).
func (s *Store) Claim(ctx context.Context, ws, key string, ttl time.Duration) (bool, error) {
	won := false
	err := s.update(fmt.Sprintf("claim %s %s", ws, key), func(tx *bolt.Tx) (err error) {
		won, err = s.claim(tx, ws, key, ttl)
		return err
	})
	return won, err
}

// claim takes key in ws for ttl inside tx, reporting whether it did.
func (s *Store) claim(tx *bolt.Tx, ws, key string, ttl time.Duration) (bool, error) {
	claims, expiry := tx.Bucket(bucketClaims), tx.Bucket(bucketClaimExpiry)
	now := s.now()
	if err := sweepClaims(claims, expiry, now); err != nil {
		return false, err
	}
	k := join(strKey(ws), []byte(key))
	if v := claims.Get(k); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano() {
		return false, nil
	}
	exp := timeKey(now.Add(ttl))
	if err := claims.Put(k, exp); err != nil {
		return false, err
	}
	return true, expiry.Put(join(exp, k), nil)
}

// sweepClaims deletes claims that expired at or before now, oldest first.
func sweepClaims(claims, expiry *bolt.Bucket, now time.Time) error {
	c := expiry.Cursor()
	limit := timeKey(now)
	n := 0
	for k, _ := c.First(); k != nil && n < sweepBatch && bytes.Compare(k[:8], limit) <= 0; k, _ = c.First() {
		claim := k[8:]
		// A claim retaken later has a newer expiry: only delete the
		// claim itself when this entry is its current one.
		if bytes.Equal(claims.Get(claim), k[:8]) {
			if err := claims.Delete(claim); err != nil {
				return err
			}
		}
		if err := c.Delete(); err != nil {
			return err
		}
		n++
	}
	return nil
}
