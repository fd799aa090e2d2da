package boltstore

import (
	"context"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

var _ store.TargetEntries = (*Store)(nil)

// WriteTargetEntries checks the target, writes the puts and appends the
// events in one transaction, and reads the kind's entries after.
func (s *Store) WriteTargetEntries(ctx context.Context, ws string, w store.TargetEntryWrite) (store.TargetEntryResult, error) {
	var r store.TargetEntryResult
	err := s.update("write entries of "+ws+" about "+w.Ref, func(tx *bolt.Tx) error {
		b := workspace(tx, ws)
		t, err := b.mustTarget(w.Ref)
		if err != nil {
			return err
		}
		r = store.TargetEntryResult{Target: t}
		switch {
		case t.Archived:
			return framework.ErrArchived.About(w.Ref)
		case w.Owner != "" && !strings.EqualFold(t.Owner, w.Owner) && !(w.Admins && b.granted(w.Owner)):
			return nil
		}
		events := w.Events
		if w.Choose != nil {
			evs, ok := w.Choose.Pick(b.entry(w.Kind, w.Choose.Key))
			if !ok {
				r.Declined, r.Entries = true, b.entriesOf(w.Kind)
				return nil
			}
			events = evs
		}
		r.Applied, r.Prev = true, make(map[string]string, len(w.Put))
		for _, e := range w.Put {
			r.Prev[e.Key] = b.entry(e.Kind, e.Key)
			if err := b.putEntry(e); err != nil {
				return err
			}
		}
		for i := range events {
			e := events[i]
			e.Target = ""
			if err := b.appendEvent(&e); err != nil {
				return err
			}
		}
		r.Entries = b.entriesOf(w.Kind)
		return nil
	})
	if err != nil {
		return store.TargetEntryResult{}, err
	}
	return r, nil
}

// granted reports whether user is an admin granted in chat here,
// compared without case.
func (b *wsb) granted(user string) bool {
	for id := range b.entriesOf(store.EntryAdmin) {
		if strings.EqualFold(id, user) {
			return true
		}
	}
	return false
}
