package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
)

// WorkspaceTarget reads the workspace's settings and one target in one
// read transaction.
func (s *Store) WorkspaceTarget(ctx context.Context, ws, ref string) (framework.Workspace, framework.Target, error) {
	out := framework.Workspace{ID: ws}
	var t framework.Target
	err := s.view("target "+ref, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w != nil {
			var err error
			if out, err = w.settings(); err != nil {
				return err
			}
		}
		var err error
		t, err = w.mustTarget(ref)
		return err
	})
	return out, t, err
}

// ChangeTarget applies ch with framework.Change.Apply and appends its
// event, in one transaction.
func (s *Store) ChangeTarget(ctx context.Context, ws, ref string, ch framework.Change) (framework.Target, framework.Event, error) {
	if ch.Time.IsZero() {
		ch.Time = s.now()
	}
	var outT framework.Target
	var outE framework.Event
	err := s.update(fmt.Sprintf("%s target %s", ch.Kind, ref), func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		old, err := w.mustTarget(ref)
		if err != nil {
			return err
		}
		cycle, reason := "", ""
		if ch.Kind == framework.EventRate {
			if cycle, err = w.pinCycle(ch.Time); err != nil {
				return err
			}
			// Only a new reason for the grade the target has needs the
			// reason it has: read its events then alone.
			if ch.Rating == old.Rating && ch.Reason != "" {
				es, err := w.eventsOf(ref, 0)
				if err != nil {
					return err
				}
				reason = framework.RateReason(es, cycle)
			}
		}
		t := old
		e, err := ch.Apply(&t, cycle, reason)
		if err != nil {
			return err
		}
		if err := w.appendEvent(&e); err != nil {
			return err
		}
		if err := w.putTarget(&old, &t); err != nil {
			return err
		}
		outT, outE = t, e
		return nil
	})
	return outT, outE, err
}

// appendEvent gives e the next event id and stores it with its place in
// its target's history.
func (w *wsb) appendEvent(e *framework.Event) error {
	seq, err := w.events.NextSequence()
	if err != nil {
		return err
	}
	e.ID = updateID(seq)
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if err := w.events.Put(u64(seq), v); err != nil {
		return err
	}
	if err := w.targetEvents.Put(join(strKey(e.Target), u64(seq)), nil); err != nil {
		return err
	}
	if e.Kind == framework.EventEvidence {
		return w.evidence.Put(join(strKey(e.Target), u64(seq)), nil)
	}
	return nil
}

// getEvent reads event seq n; ok is false when there is none.
func (w *wsb) getEvent(n uint64) (e framework.Event, ok bool, err error) {
	v := w.events.Get(u64(n))
	if v == nil {
		return e, false, nil
	}
	if err := json.Unmarshal(v, &e); err != nil {
		return e, false, corrupt("event", u64(n), err)
	}
	return e, true, nil
}

// AddEvidence attaches a link as an evidence event, in one transaction.
// An index of each target's links refuses one it has already.
func (s *Store) AddEvidence(ctx context.Context, ws, ref string, ev framework.Evidence) (framework.Event, error) {
	if ev.Time.IsZero() {
		ev.Time = s.now()
	}
	var out framework.Event
	err := s.update("add evidence to "+ref, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		t, err := w.mustTarget(ref)
		if err != nil {
			return err
		}
		if t.Archived {
			return framework.ErrArchived.About(ref)
		}
		urlKey := join(strKey(ref), []byte(ev.URL))
		if w.evidenceURLs.Get(urlKey) != nil {
			return framework.ErrNoChange.About(ev.URL)
		}
		e := framework.Event{Target: ref, Kind: framework.EventEvidence, Author: ev.Author, Time: ev.Time, URL: ev.URL, Title: ev.Title}
		if err := w.appendEvent(&e); err != nil {
			return err
		}
		if err := w.evidenceURLs.Put(urlKey, nil); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}

// Events returns up to limit of ref's events, newest first, walking the
// target's range backwards.
func (s *Store) Events(ctx context.Context, ws, ref string, limit int) ([]framework.Event, error) {
	var out []framework.Event
	err := s.view("events of "+ref, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if _, err := w.mustTarget(ref); err != nil {
			return err
		}
		var err error
		out, err = w.eventsOf(ref, limit)
		return err
	})
	return out, err
}

// RecentEvents walks each ref's range of the events index backwards, in
// one read transaction.
func (s *Store) RecentEvents(ctx context.Context, ws string, refs []string, limit int) (map[string][]framework.Event, error) {
	out := map[string][]framework.Event{}
	err := s.view("recent events", func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		for _, ref := range refs {
			if ref == "" {
				continue // "" names the workspace events
			}
			if _, err := w.mustTarget(ref); framework.ErrorCode(err) == framework.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			es, err := w.eventsOf(ref, limit)
			if err != nil {
				return err
			}
			if len(es) > 0 {
				out[ref] = es
			}
		}
		return nil
	})
	return out, err
}

// eventsOf returns up to limit of ref's events (limit <= 0 means all),
// newest first, walking its range of the index backwards; ref "" names
// the workspace events.
func (w *wsb) eventsOf(ref string, limit int) ([]framework.Event, error) {
	var out []framework.Event
	prefix := strKey(ref)
	c := w.targetEvents.Cursor()
	k, _ := c.Seek(join(prefix, u64(^uint64(0))))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
		e, ok, err := w.getEvent(seqOf(k))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// Evidence returns one target's evidence, or with ref "" every target's,
// from the evidence index: keys sort by target, then by time.
func (s *Store) Evidence(ctx context.Context, ws, ref string) ([]framework.Evidence, error) {
	var out []framework.Evidence
	err := s.view("evidence of "+ref, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if ref != "" {
			if _, err := w.mustTarget(ref); err != nil {
				return err
			}
			var err error
			out, err = w.targetEvidence(ref)
			return err
		}
		if w == nil {
			return nil
		}
		return w.evidence.ForEach(func(k, _ []byte) error {
			e, ok, err := w.getEvent(seqOf(k))
			if ok {
				out = append(out, e.Evidence())
			}
			return err
		})
	})
	if ref == "" {
		// Key order puts "eqs/1.10" before "eqs/1.2"; targets sort naturally.
		sort.SliceStable(out, func(i, j int) bool { return framework.LessRef(out[i].Target, out[j].Target) })
	}
	return out, err
}

// targetEvidence reads ref's evidence, oldest first.
func (w *wsb) targetEvidence(ref string) ([]framework.Evidence, error) {
	var out []framework.Evidence
	prefix := strKey(ref)
	c := w.evidence.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		e, ok, err := w.getEvent(seqOf(k))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e.Evidence())
		}
	}
	return out, nil
}

// StartCycle closes the current cycle and opens name in one
// transaction over every target, with framework.Workspace.StartCycle's
// rules.
func (s *Store) StartCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, int, error) {
	var out framework.Workspace
	moved := 0
	err := s.update("start cycle "+name+" in "+ws, func(tx *bolt.Tx) error {
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		set, err := w.settings()
		if err != nil {
			return err
		}
		olds, err := w.allTargets()
		if err != nil {
			return err
		}
		var ts []framework.Target
		for _, t := range olds {
			t.Grades = maps.Clone(t.Grades)
			ts = append(ts, t)
		}
		if moved, err = set.StartCycle(ts, name, framework.FinancialYear(at), at); err != nil {
			return err
		}
		for i := range ts {
			if ts[i].Rating != olds[i].Rating {
				if err := w.putTarget(&olds[i], &ts[i]); err != nil {
					return err
				}
			}
		}
		closed := set.PastCycles[len(set.PastCycles)-1]
		v, err := json.Marshal(closed)
		if err != nil {
			return fmt.Errorf("encode cycle: %w", err)
		}
		if err := w.cycles.Put([]byte(closed.Name), v); err != nil {
			return err
		}
		started, err := at.MarshalText()
		if err != nil {
			return fmt.Errorf("encode cycle start: %w", err)
		}
		if err := w.meta.Put(keyCycle, []byte(name)); err != nil {
			return err
		}
		if err := w.meta.Put(keyCycleStarted, started); err != nil {
			return err
		}
		out = set
		return nil
	})
	if err != nil {
		return framework.Workspace{}, 0, err
	}
	return out, moved, nil
}
