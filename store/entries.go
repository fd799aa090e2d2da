package store

import (
	"context"

	"github.com/targetbot/targetbot/framework"
)

// EntryKind names a family of a workspace's keyed entries. Each feature
// that keeps a small record of its own per workspace (the admins granted
// in chat, people's names, the organisation profile, a cycle's record,
// panels and votes) stores it as entries of its own kind, so the drivers
// persist all of them the same way and dump, restore and migrate carry
// every kind without knowing it.
type EntryKind string

// The kinds of entry the stores know by name. Others are opaque to them.
const (
	// EntryAdmin is keyed by user id; its value is a framework.Admin as
	// JSON. Workspace reads fill framework.Workspace.Admins from them.
	EntryAdmin EntryKind = "admin"
	// EntryPerson is keyed by user id; its value is a framework.Person
	// as JSON.
	EntryPerson EntryKind = "person"
)

// Entry is one keyed value of a workspace's own record. Value is opaque
// to the stores (features keep JSON in it); "" means no entry.
type Entry struct {
	Kind  EntryKind `json:"kind"`
	Key   string    `json:"key"`
	Value string    `json:"value"`
	// Op is how an expectation compares the entry with Value (see
	// ExpectOp); only an Expect has one, and it is never stored.
	Op ExpectOp `json:"-"`
}

// EntryWrite is one atomic change to a workspace's entries: every Expect
// must hold (each entry has exactly that Value now, "" meaning absent,
// or compares with it as its Op says), then every Put is written (""
// deletes) and every Event appended, as one write. A feature reads the
// entries, decides with framework's rules, and writes with the values it
// read as Expect: a concurrent change in between makes the write fail
// and change nothing, rather than lose one.
type EntryWrite struct {
	Expect []Entry
	Put    []Entry
	// Events are workspace events (no Target) to append; the store
	// assigns their IDs.
	Events []framework.Event
}

// Entries is the role that keeps each workspace's keyed entries and its
// workspace-level events (who granted admin, who set a name).
type Entries interface {
	// Entries returns the workspace's entries of one kind, by key. Its
	// cost is one round trip whatever their number.
	Entries(ctx context.Context, ws string, kind EntryKind) (map[string]string, error)
	// WriteEntries applies w in one atomic write and returns the events
	// appended, with their IDs. ErrEntryChanged (about the first Expect
	// that failed, as "kind/key", wrapping a *FoundEntry with the value
	// it found) when an expectation does not hold: nothing is written
	// then. A write with nothing to put and no event
	// is ErrNoChange.
	WriteEntries(ctx context.Context, ws string, w EntryWrite) ([]framework.Event, error)
	// WorkspaceEvents returns up to limit of the workspace's own events
	// (limit <= 0 means all), newest first.
	WorkspaceEvents(ctx context.Context, ws string, limit int) ([]framework.Event, error)
}
