package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
)

// Import adds every target of fw that ws lacks, created at now, and
// records fw as imported. Existing targets keep their progress.
func (s *Store) Import(ctx context.Context, ws string, fw *framework.Framework, now time.Time) (int, error) {
	added := 0
	err := s.update(fmt.Sprintf("import %s into %s", fw.ID, ws), func(tx *bolt.Tx) error {
		w, err := createWorkspace(tx, ws)
		if err != nil {
			return err
		}
		if err := markSchedules(tx, ws); err != nil {
			return err
		}
		if _, err := w.pinCycle(now); err != nil {
			return err
		}
		for _, t := range fw.Targets() {
			if w.targets.Get([]byte(t.Ref())) != nil {
				continue
			}
			t.CreatedAt = now
			if err := w.putTarget(nil, &t); err != nil {
				return err
			}
			added++
		}
		return w.frameworks.Put([]byte(fw.ID), nil)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Target returns one target. ENOTFOUND if it does not exist.
func (s *Store) Target(ctx context.Context, ws, ref string) (framework.Target, error) {
	var t framework.Target
	err := s.view("target "+ref, func(tx *bolt.Tx) error {
		var err error
		t, err = workspace(tx, ws).mustTarget(ref)
		return err
	})
	return t, err
}

// Targets returns every target in ws, sorted by framework.SortTargets.
func (s *Store) Targets(ctx context.Context, ws string) ([]framework.Target, error) {
	var out []framework.Target
	err := s.view("targets "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		var err error
		out, err = w.allTargets()
		return err
	})
	return framework.SortTargets(out), err
}

// allTargets is every target of w, in key order.
func (w *wsb) allTargets() ([]framework.Target, error) {
	var out []framework.Target
	err := eachJSON(w.targets, "target", func(t framework.Target) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// AddTarget adds a custom target. ECONFLICT if its ref exists, ENOTFOUND
// if its framework is not imported.
func (s *Store) AddTarget(ctx context.Context, ws string, t framework.Target) error {
	return s.update("add target "+t.Ref(), func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil || w.frameworks.Get([]byte(t.Framework)) == nil {
			return framework.ErrFrameworkNotImported.About(t.Framework)
		}
		if w.targets.Get([]byte(t.Ref())) != nil {
			return framework.ErrTargetExists.About(t.Ref())
		}
		if t.Status == "" {
			t.Status = framework.NotStarted
		}
		return w.putTarget(nil, &t)
	})
}

// NoteReminded adds one to Reminders of each existing target in refs.
func (s *Store) NoteReminded(ctx context.Context, ws string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	return s.update("note reminded in "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		for _, ref := range refs {
			old, ok, err := w.getTarget(ref)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			t := old
			t.Reminders++
			if err := w.putTarget(&old, &t); err != nil {
				return err
			}
		}
		return nil
	})
}

// Due returns open targets due from..to inclusive, earliest first, from
// the due index: the cursor visits only the keys it returns.
func (s *Store) Due(ctx context.Context, ws string, from, to framework.Date) ([]framework.Target, error) {
	var out []framework.Target
	err := s.view("due "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		lo := fmt.Appendf(nil, "%08d", from.Score())
		hi := fmt.Appendf(nil, "%08d", to.Score())
		c := w.due.Cursor()
		for k, _ := c.Seek(lo); k != nil && bytes.Compare(k[:8], hi) <= 0; k, _ = c.Next() {
			t, err := w.indexed("due", k, k[8:])
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// Stale returns open targets whose latest activity was before the given
// time, oldest first, from the stale index.
func (s *Store) Stale(ctx context.Context, ws string, before time.Time) ([]framework.Target, error) {
	var out []framework.Target
	err := s.view("stale "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		limit := timeKey(before)
		c := w.stale.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit) < 0; k, _ = c.Next() {
			t, err := w.indexed("stale", k, k[8:])
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// indexed reads the target an index entry names. An entry whose target is
// missing is a damaged file, not the caller's unknown target: it is
// EINTERNAL, never ENOTFOUND.
func (w *wsb) indexed(index string, key, ref []byte) (framework.Target, error) {
	t, ok, err := w.getTarget(string(ref))
	if err == nil && !ok {
		err = corrupt(index+" index entry", key, fmt.Errorf("its target %q is missing", ref))
	}
	return t, err
}
