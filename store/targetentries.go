package store

import (
	"context"
	"errors"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// TargetEntryWrite is an entry write about one target: it applies only
// while the target is in the workspace and live, and, when Owner is not
// "", owned by Owner (compared without case). It is how `record` keeps
// a value in one round trip: the checks a command would read the target
// for are made inside the write.
type TargetEntryWrite struct {
	Ref   string
	Owner string
	// Kind is the one kind Put writes, and the kind whose entries come
	// back after the write.
	Kind   EntryKind
	Put    []Entry
	Events []framework.Event
}

// TargetEntryResult is what a TargetEntryWrite found and left.
type TargetEntryResult struct {
	// Target is the target as the write found it.
	Target framework.Target
	// Applied is false when the target's owner is not Owner: nothing was
	// written then.
	Applied bool
	// Prev are the values the puts replaced, by key ("" for none), and
	// Entries the kind's entries after the write.
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
	w.Events = stamp(w.Events, time.Now())
	if err := CheckTargetEntryWrite(&w); err != nil {
		return TargetEntryResult{}, err
	}
	return d.WriteTargetEntries(ctx, ws, w)
}
