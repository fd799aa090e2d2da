package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
)

// AddPastCycle adds a closed cycle before the first, in one transaction.
func (s *Store) AddPastCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, error) {
	var out framework.Workspace
	err := s.update("add past cycle "+name+" in "+ws, func(tx *bolt.Tx) error {
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		if _, err := w.pinCycle(at); err != nil {
			return err
		}
		set, err := w.settings()
		if err != nil {
			return err
		}
		if err := set.AddPastCycle(name, set.Cycle, at); err != nil {
			return err
		}
		if err := w.putCycle(set.PastCycles[0]); err != nil {
			return err
		}
		out = set
		return nil
	})
	return out, err
}

// putCycle stores a closed cycle.
func (w *wsb) putCycle(c framework.Cycle) error {
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode cycle: %w", err)
	}
	return w.cycles.Put([]byte(c.Name), v)
}

// GradePastCycle grades a target in a backfilled cycle and appends its
// event, in one transaction.
func (s *Store) GradePastCycle(ctx context.Context, ws, ref, cycle string, ch framework.Change) (framework.Target, framework.Event, error) {
	if ch.Time.IsZero() {
		ch.Time = s.now()
	}
	var outT framework.Target
	var outE framework.Event
	err := s.update("grade "+ref+" in "+cycle, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		old, err := w.mustTarget(ref)
		if err != nil {
			return err
		}
		set, err := w.settings()
		if err != nil {
			return err
		}
		t := old
		t.Grades = maps.Clone(old.Grades)
		e, err := set.GradePastCycle(&t, cycle, ch)
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

// UndoCycle reopens the previous cycle, in one transaction over every
// target.
func (s *Store) UndoCycle(ctx context.Context, ws string, at time.Time) (framework.Workspace, string, error) {
	var out framework.Workspace
	var undone string
	err := s.update("undo cycle in "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return framework.ErrCycleOrder.About("")
		}
		set, err := w.settings()
		if err != nil {
			return err
		}
		olds, err := w.allTargets()
		if err != nil {
			return err
		}
		ts := make([]framework.Target, len(olds))
		for i, t := range olds {
			t.Grades = maps.Clone(t.Grades)
			ts[i] = t
		}
		prev, _ := set.PreviousCycle()
		if undone, err = set.UndoCycle(ts, at); err != nil {
			return err
		}
		for i := range ts {
			if ts[i].Rating != olds[i].Rating {
				if err := w.putTarget(&olds[i], &ts[i]); err != nil {
					return err
				}
			}
		}
		if err := w.cycles.Delete([]byte(prev.Name)); err != nil {
			return err
		}
		started, err := set.CycleStarted.MarshalText()
		if err != nil {
			return fmt.Errorf("encode cycle start: %w", err)
		}
		if err := w.meta.Put(keyCycle, []byte(set.Cycle)); err != nil {
			return err
		}
		if err := w.meta.Put(keyCycleStarted, started); err != nil {
			return err
		}
		out = set
		return nil
	})
	return out, undone, err
}
