package store

import (
	"context"

	"github.com/targetbot/targetbot/framework"
)

// Transfer moves whole workspaces out of a store and into one: what
// `targetbot dump`, `restore` and `migrate` are built on. Every Store
// implements it, and storetest holds every driver to the same records.
type Transfer interface {
	// Export streams every record of the workspace ws to fn, in the
	// order Snapshot.Each gives: its settings, its targets (archived
	// ones too, in framework.SortTargets order), its updates (withdrawn
	// ones too) in the order they were logged, its events (evidence
	// included) in the order they were recorded, its digest
	// subscriptions by channel, its adapter state by key, its entries
	// by kind then key, and its workspace events in the order they were
	// recorded. Claims are not records. The records are
	// one consistent view of the workspace, as of one moment. A workspace
	// that has stored nothing gives just its settings record, with only
	// the ID. An error from fn stops the export and is returned as it is.
	Export(ctx context.Context, ws string, fn func(Record) error) error
	// Restore writes snap into the workspace snap.Workspace.ID, keeping
	// every record as it is: ids, times, withdrawn updates and the
	// grades of closed cycles. It checks snap whole first (Snapshot.Check)
	// and writes nothing when any record is wrong (EINVALID, wrapping a
	// *RecordError that names it). A workspace that has stored anything
	// is refused with ErrWorkspaceExists unless opts.Replace, which
	// removes its records first, in the same atomic change as the write.
	// Its claims are kept. Other readers see the workspace as it was or
	// as restored, never between; each driver documents how.
	Restore(ctx context.Context, snap *Snapshot, opts RestoreOptions) error
	// Drop removes every record of the workspace ws (every record
	// Export gives) in one atomic change, and takes it off the list
	// Workspaces gives. Its claims are kept: they expire on their own.
	// Dropping a workspace that holds nothing does nothing. Rename is
	// built on it; no command reaches it.
	Drop(ctx context.Context, ws string) error
}

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Replace lets Restore replace a workspace that has stored anything.
	Replace bool
	// Progress, when set, is told how many of the snapshot's records are
	// written so far, and how many there are; it may be called often.
	Progress func(written, total int)
}

// ErrWorkspaceExists is the kind of Restore's refusal to write over a
// workspace that has stored anything: ECONFLICT, the workspace id as its
// Subject. It never reaches chat, so framework's kinds do not list it.
const ErrWorkspaceExists framework.Kind = "workspace already holds records"

// WorkspaceExists returns ErrWorkspaceExists about ws.
func WorkspaceExists(ws string) error {
	return &framework.Error{Code: framework.ECONFLICT, Message: string(ErrWorkspaceExists), Kind: ErrWorkspaceExists, Subject: ws}
}

// RecordType names a kind of record in a snapshot, and in a dump.
type RecordType string

// The record types, in the order Snapshot.Each gives them.
const (
	RecordWorkspace    RecordType = "workspace"
	RecordTarget       RecordType = "target"
	RecordUpdate       RecordType = "update"
	RecordEvent        RecordType = "event"
	RecordSubscription RecordType = "subscription"
	RecordAdapterState RecordType = "adapter_state"
	// RecordEntry is one of the workspace's keyed entries (Entries).
	RecordEntry RecordType = "entry"
	// RecordWorkspaceEvent is a workspace event: an Event with no Target.
	RecordWorkspaceEvent RecordType = "workspace_event"
)

// RecordTypes lists every record type in order.
var RecordTypes = []RecordType{RecordWorkspace, RecordTarget, RecordUpdate, RecordEvent, RecordSubscription, RecordAdapterState, RecordEntry, RecordWorkspaceEvent}

// Record is one record of a workspace. Type says which one of the other
// fields holds it; a workspace event is in Event.
type Record struct {
	Type         RecordType
	Workspace    framework.Workspace
	Target       framework.Target
	Update       framework.Update
	Event        framework.Event
	Subscription framework.Subscription
	State        StateEntry
	Entry        Entry
}

// Snapshot is every record of one workspace: what Export reads, what
// Restore writes, and what a dump holds for the workspace.
type Snapshot struct {
	// Workspace is the settings: time zone, reminder schedule, imported
	// frameworks and grading cycles, current and closed.
	Workspace framework.Workspace
	// Targets carry their grades of closed cycles in Grades.
	Targets []framework.Target
	// Updates are in the order they were logged, withdrawn ones too;
	// each target's history is its updates in this order.
	Updates []framework.Update
	// Events are in the order they were recorded; evidence is the
	// events of kind evidence.
	Events        []framework.Event
	Subscriptions []framework.Subscription
	// AdapterState is the workspace's adapter state (see AdapterState),
	// sorted by key. A dump is a file anyone may edit, so an adapter
	// must not trust a value for what it would not trust from anyone:
	// the Teams adapter sends its token only to service URLs on Bot
	// Framework hosts, whatever the store says.
	AdapterState []StateEntry
	// Entries are the workspace's keyed entries (Entries), sorted by
	// kind then key; none has the Value "".
	Entries []Entry
	// WorkspaceEvents are the workspace's own events (no Target), in
	// the order they were recorded.
	WorkspaceEvents []framework.Event
}

// Add appends r to the snapshot. A workspace record sets the settings.
func (s *Snapshot) Add(r Record) {
	switch r.Type {
	case RecordWorkspace:
		s.Workspace = r.Workspace
	case RecordTarget:
		s.Targets = append(s.Targets, r.Target)
	case RecordUpdate:
		s.Updates = append(s.Updates, r.Update)
	case RecordEvent:
		s.Events = append(s.Events, r.Event)
	case RecordSubscription:
		s.Subscriptions = append(s.Subscriptions, r.Subscription)
	case RecordAdapterState:
		s.AdapterState = append(s.AdapterState, r.State)
	case RecordEntry:
		s.Entries = append(s.Entries, r.Entry)
	case RecordWorkspaceEvent:
		s.WorkspaceEvents = append(s.WorkspaceEvents, r.Event)
	}
}

// Each calls fn with every record in order: the settings, then the
// targets, updates, events, subscriptions, adapter state, entries and
// workspace events. It stops at fn's first
// error and returns it.
func (s *Snapshot) Each(fn func(Record) error) error {
	if err := fn(Record{Type: RecordWorkspace, Workspace: s.Workspace}); err != nil {
		return err
	}
	for _, t := range s.Targets {
		if err := fn(Record{Type: RecordTarget, Target: t}); err != nil {
			return err
		}
	}
	for _, u := range s.Updates {
		if err := fn(Record{Type: RecordUpdate, Update: u}); err != nil {
			return err
		}
	}
	for _, e := range s.Events {
		if err := fn(Record{Type: RecordEvent, Event: e}); err != nil {
			return err
		}
	}
	for _, sub := range s.Subscriptions {
		if err := fn(Record{Type: RecordSubscription, Subscription: sub}); err != nil {
			return err
		}
	}
	for _, e := range s.AdapterState {
		if err := fn(Record{Type: RecordAdapterState, State: e}); err != nil {
			return err
		}
	}
	for _, e := range s.Entries {
		if err := fn(Record{Type: RecordEntry, Entry: e}); err != nil {
			return err
		}
	}
	for _, e := range s.WorkspaceEvents {
		if err := fn(Record{Type: RecordWorkspaceEvent, Event: e}); err != nil {
			return err
		}
	}
	return nil
}

// Len is the number of records, the settings record included.
func (s *Snapshot) Len() int {
	return 1 + len(s.Targets) + len(s.Updates) + len(s.Events) + len(s.Subscriptions) + len(s.AdapterState) + len(s.Entries) + len(s.WorkspaceEvents)
}

// ExportSnapshot reads the workspace ws from t into a Snapshot.
func ExportSnapshot(ctx context.Context, t Transfer, ws string) (*Snapshot, error) {
	snap := &Snapshot{}
	err := t.Export(ctx, ws, func(r Record) error {
		snap.Add(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}
