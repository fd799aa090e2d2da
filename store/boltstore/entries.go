package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Entries reads one kind's bucket.
func (s *Store) Entries(ctx context.Context, ws string, kind store.EntryKind) (map[string]string, error) {
	out := map[string]string{}
	err := s.view("read "+string(kind)+" entries of "+ws, func(tx *bolt.Tx) error {
		if w := workspace(tx, ws); w != nil {
			out = w.entriesOf(kind)
		}
		return nil
	})
	return out, err
}

// entriesOf is one kind's entries, empty when it has none.
func (w *wsb) entriesOf(kind store.EntryKind) map[string]string {
	out := map[string]string{}
	b := w.entries.Bucket([]byte(kind))
	if b == nil {
		return out
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		out[string(k)] = string(v)
	}
	return out
}

// entry is one entry's value, "" when there is none.
func (w *wsb) entry(kind store.EntryKind, key string) string {
	if w == nil {
		return ""
	}
	b := w.entries.Bucket([]byte(kind))
	if b == nil {
		return ""
	}
	return string(b.Get([]byte(key)))
}

// putEntry writes one entry, "" deleting it; a kind left with no entry
// loses its bucket, so that Export lists only kinds that hold some.
func (w *wsb) putEntry(e store.Entry) error {
	if e.Value == "" {
		b := w.entries.Bucket([]byte(e.Kind))
		if b == nil {
			return nil
		}
		if err := b.Delete([]byte(e.Key)); err != nil {
			return err
		}
		if k, _ := b.Cursor().First(); k == nil {
			return w.entries.DeleteBucket([]byte(e.Kind))
		}
		return nil
	}
	b, err := w.entries.CreateBucketIfNotExists([]byte(e.Kind))
	if err != nil {
		return fmt.Errorf("bucket for %s entries: %w", e.Kind, err)
	}
	return b.Put([]byte(e.Key), []byte(e.Value))
}

// WriteEntries checks the expectations, writes the puts and appends the
// events in one transaction; a refused expectation rolls it back, so a
// workspace first written by it is not created either.
func (s *Store) WriteEntries(ctx context.Context, ws string, w store.EntryWrite) ([]framework.Event, error) {
	var out []framework.Event
	err := s.update("write entries of "+ws, func(tx *bolt.Tx) error {
		for _, e := range w.Expect {
			if found := workspace(tx, ws).entry(e.Kind, e.Key); !e.Op.Holds(found, e.Value) {
				return store.EntryChanged(e, found)
			}
		}
		b := workspace(tx, ws)
		if b == nil {
			if !w.Stores() {
				return nil // deleting what is not there creates nothing
			}
			var err error
			if b, err = createWorkspace(tx, ws); err != nil {
				return err
			}
		}
		for _, e := range w.Put {
			if err := b.putEntry(e); err != nil {
				return err
			}
		}
		out = make([]framework.Event, len(w.Events))
		for i := range w.Events {
			e := w.Events[i]
			e.Target = "" // a workspace event, whatever the driver was given
			if err := b.appendEvent(&e); err != nil {
				return err
			}
			out[i] = e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WorkspaceEvents walks the events with no target, newest first.
func (s *Store) WorkspaceEvents(ctx context.Context, ws string, limit int) ([]framework.Event, error) {
	var out []framework.Event
	err := s.view("workspace events of "+ws, func(tx *bolt.Tx) error {
		w := workspace(tx, ws)
		if w == nil {
			return nil
		}
		var err error
		out, err = w.eventsOf("", limit)
		return err
	})
	return out, err
}
