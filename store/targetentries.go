package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// TargetEntryWrite is an entry write about one target: it applies only
// while the target is in the workspace and live, and, when Owner is not
// "", owned by Owner (compared without case). It is how `record` keeps
// a value in one round trip: the checks a command would read the target
// for, and the read of the definition the value depends on, are made
// inside the write.
type TargetEntryWrite struct {
	Ref   string
	Owner string
	// Admins lets the write apply for an Owner who does not own the
	// target but is an admin granted in chat: one with an EntryAdmin
	// entry (compared without case).
	Admins bool
	// Kind is the one kind Put writes, and the kind whose entries come
	// back after the write.
	Kind   EntryKind
	Put    []Entry
	Events []framework.Event
	// Choose, when not nil, makes the write depend on another entry of
	// Kind, and picks the events it appends; Events is empty then.
	Choose *EntryChoice
}

// EntryChoice makes a TargetEntryWrite depend on what one entry of its
// kind says, read in the same atomic step: the top-level string field
// Field of the JSON kept under Key ("" when the entry, or the field, is
// absent) picks the events to append from Events. A value Events does
// not list declines the write: nothing is written, and the result hands
// back the kind's entries so the caller can say why. `record` of a
// custom target chooses by its settings' unit, which alone decides
// whether a value fits and how its event words it.
type EntryChoice struct {
	Key    string
	Field  string
	Events map[string][]framework.Event
}

// Pick is the events c chooses for an entry's value, read as the stores
// read it, and whether it chooses any.
func (c *EntryChoice) Pick(value string) ([]framework.Event, bool) {
	var doc map[string]any
	found := ""
	if value != "" && json.Unmarshal([]byte(value), &doc) == nil {
		found, _ = doc[c.Field].(string)
	}
	evs, ok := c.Events[found]
	return evs, ok
}

// TargetEntryResult is what a TargetEntryWrite found and left.
type TargetEntryResult struct {
	// Target is the target as the write found it.
	Target framework.Target
	// Applied is false when the target's owner is not Owner (nor, with
	// Admins, an admin), or when Choose declined: nothing was written
	// then.
	Applied bool
	// Declined is true when Choose chose no events.
	Declined bool
	// Prev are the values the puts replaced, by key ("" for none), and
	// Entries the kind's entries after the write, or as they are when
	// Choose declined.
	Prev    map[string]string
	Entries map[string]string
}

// TargetEntries is the optional capability of a store that can make a
// TargetEntryWrite in one atomic step (one round trip on Redis).
// WriteTargetEntries returns ErrTargetNotFound or ErrArchived about the
// ref, writing nothing; ErrUnsupported when the store under a checking
// layer cannot do it.
type TargetEntries interface {
	WriteTargetEntries(ctx context.Context, ws string, w TargetEntryWrite) (TargetEntryResult, error)
}

// ErrUnsupported is WriteTargetEntries of a checked store whose driver
// has no TargetEntries: the caller reads and writes in steps instead.
var ErrUnsupported = errors.ErrUnsupported

// CheckTargetEntryWrite holds w to what CheckEntryWrite holds an entry
// write to, every put of w.Kind.
func CheckTargetEntryWrite(w *TargetEntryWrite) error {
	ew := EntryWrite{Put: w.Put, Events: w.Events}
	if w.Choose != nil {
		if len(w.Events) > 0 || w.Choose.Key == "" || w.Choose.Field == "" {
			return tooLong(errors.New("a chosen write names its entry and field, and has no events of its own"))
		}
		for _, evs := range w.Choose.Events {
			ew.Events = append(ew.Events, evs...)
		}
		if err := checkEntry(Entry{Kind: w.Kind, Key: w.Choose.Key}); err != nil {
			return tooLong(err)
		}
	}
	if err := CheckEntryWrite(&ew); err != nil {
		return err
	}
	if err := CheckEntryKind(w.Kind); err != nil {
		return err
	}
	for _, e := range w.Put {
		if e.Kind != w.Kind {
			return tooLong(errors.New("a target entry write puts one kind"))
		}
	}
	if w.Ref == "" {
		return framework.ErrTargetNotFound.About("")
	}
	return nil
}

// WriteTargetEntries checks w, stamps its events, and hands it to the
// driver when it can make it; ErrUnsupported otherwise.
func (c *checked) WriteTargetEntries(ctx context.Context, ws string, w TargetEntryWrite) (TargetEntryResult, error) {
	d, ok := c.Store.(TargetEntries)
	if !ok {
		return TargetEntryResult{}, ErrUnsupported
	}
	now := time.Now()
	w.Events = stamp(w.Events, now)
	if w.Choose != nil {
		ch := *w.Choose
		ch.Events = make(map[string][]framework.Event, len(w.Choose.Events))
		for k, evs := range w.Choose.Events {
			ch.Events[k] = stamp(evs, now)
		}
		w.Choose = &ch
	}
	if err := CheckTargetEntryWrite(&w); err != nil {
		return TargetEntryResult{}, err
	}
	return d.WriteTargetEntries(ctx, ws, w)
}
