package store

import (
	"context"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Checked returns s behind a layer that checks input before s sees it,
// as go-cloud's portable types check before calling their drivers: the
// rules every driver would otherwise repeat are kept here, once. The
// drivers persist, and refuse only what their own storage cannot keep.
// Methods that take nothing to check, roles added later among them,
// pass straight through to s. Checked of a checked store returns it.
//
// The errors are the ones Store documents, with the same codes, fields
// and Subjects, so what a user is told does not depend on the driver.
func Checked(s Store) Store {
	if c, ok := s.(*checked); ok {
		return c
	}
	return &checked{Store: s}
}

// checked is the layer Checked returns. Embedding the driver passes on
// every method it does not override.
type checked struct {
	Store
}

var _ Store = (*checked)(nil)

// AddTarget refuses a due date that is not YYYY-MM-DD: the due index
// orders dates by their digits.
func (c *checked) AddTarget(ctx context.Context, ws string, t framework.Target) error {
	if err := framework.CheckDue(t.Due); err != nil {
		return err
	}
	return c.Store.AddTarget(ctx, ws, t)
}

// ChangeTarget refuses a change whose own values are wrong
// (framework.Change.Check).
func (c *checked) ChangeTarget(ctx context.Context, ws, ref string, ch framework.Change) (framework.Target, framework.Event, error) {
	if err := ch.Check(); err != nil {
		return framework.Target{}, framework.Event{}, err
	}
	return c.Store.ChangeTarget(ctx, ws, ref, ch)
}

// StartCycle refuses a cycle name not like 2026/27.
func (c *checked) StartCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, int, error) {
	if err := framework.CheckCycle(name); err != nil {
		return framework.Workspace{}, 0, err
	}
	return c.Store.StartCycle(ctx, ws, name, at)
}

// AppendUpdate refuses a progress or status out of range, and a claim
// that would expire as it is taken, before anything is written: such an
// update takes no claim either.
func (c *checked) AppendUpdate(ctx context.Context, ws string, u framework.Update, once Once) (framework.Update, framework.Target, error) {
	if err := framework.CheckUpdate(&u); err != nil {
		return framework.Update{}, framework.Target{}, err
	}
	if once.Key != "" {
		if err := checkTTL(once.Key, once.TTL); err != nil {
			return framework.Update{}, framework.Target{}, err
		}
	}
	return c.Store.AppendUpdate(ctx, ws, u, once)
}

// AddEvidence refuses a URL that is not http or https with a host, and
// an over-long title.
func (c *checked) AddEvidence(ctx context.Context, ws, ref string, ev framework.Evidence) (framework.Event, error) {
	if err := framework.CheckEvidence(&ev); err != nil {
		return framework.Event{}, err
	}
	return c.Store.AddEvidence(ctx, ws, ref, ev)
}

// Claim refuses a ttl that is not positive.
func (c *checked) Claim(ctx context.Context, ws, key string, ttl time.Duration) (bool, error) {
	if err := checkTTL(key, ttl); err != nil {
		return false, err
	}
	return c.Store.Claim(ctx, ws, key, ttl)
}

// Restore checks the snapshot whole (Snapshot.Check) before the driver
// writes any of it.
func (c *checked) Restore(ctx context.Context, snap *Snapshot, opts RestoreOptions) error {
	if err := snap.Check(); err != nil {
		return err
	}
	return c.Store.Restore(ctx, snap, opts)
}

var _ RecordRestorer = (*checked)(nil)

// RestoreRecords passes the records to the driver's RestoreRecords,
// which checks them (CheckRecords) before it writes any; a driver
// without one is given them as a Snapshot, checked whole first.
func (c *checked) RestoreRecords(ctx context.Context, ws string, recs RecordStream, opts RestoreOptions) error {
	if rr, ok := c.Store.(RecordRestorer); ok {
		return rr.RestoreRecords(ctx, ws, recs, opts)
	}
	snap := &Snapshot{}
	if err := recs(func(r Record) error { snap.Add(r); return nil }); err != nil {
		return err
	}
	if snap.Workspace.ID != ws {
		return framework.Errorf(framework.EINVALID, "restore %s: the records are of workspace %q", ws, snap.Workspace.ID)
	}
	return c.Restore(ctx, snap, opts)
}

// checkTTL refuses a claim that expires as it is taken, which would let
// every caller win it.
func checkTTL(key string, ttl time.Duration) error {
	if ttl <= 0 {
		return framework.Errorf(framework.EINVALID, "claim %s: ttl %v must be positive", key, ttl)
	}
	return nil
}

// PutAdapterState refuses a key or value no store can keep
// (CheckAdapterState).
func (c *checked) PutAdapterState(ctx context.Context, ws, key, value string) error {
	if err := CheckAdapterState(key, value); err != nil {
		return err
	}
	return c.Store.PutAdapterState(ctx, ws, key, value)
}

// WriteEntries refuses a write no store could keep (CheckEntryWrite),
// after stamping events that have no time with the time now.
func (c *checked) WriteEntries(ctx context.Context, ws string, w EntryWrite) ([]framework.Event, error) {
	w.Events = stamp(w.Events, time.Now())
	if err := CheckEntryWrite(&w); err != nil {
		return nil, err
	}
	return c.Store.WriteEntries(ctx, ws, w)
}

// Entries refuses a kind no store could keep.
func (c *checked) Entries(ctx context.Context, ws string, kind EntryKind) (map[string]string, error) {
	if err := CheckEntryKind(kind); err != nil {
		return nil, err
	}
	return c.Store.Entries(ctx, ws, kind)
}

// AddPastCycle refuses a cycle name not like 2026/27.
func (c *checked) AddPastCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, error) {
	if err := framework.CheckCycle(name); err != nil {
		return framework.Workspace{}, err
	}
	return c.Store.AddPastCycle(ctx, ws, name, at)
}

// GradePastCycle refuses a cycle name not like 2026/27 and a change that
// is not a rate to a known grade.
func (c *checked) GradePastCycle(ctx context.Context, ws, ref, cycle string, ch framework.Change) (framework.Target, framework.Event, error) {
	if err := framework.CheckCycle(cycle); err != nil {
		return framework.Target{}, framework.Event{}, err
	}
	if ch.Kind != framework.EventRate {
		return framework.Target{}, framework.Event{}, framework.Errorf(framework.EINVALID, "a change of kind %q cannot grade a past cycle", ch.Kind)
	}
	if err := ch.Check(); err != nil {
		return framework.Target{}, framework.Event{}, err
	}
	return c.Store.GradePastCycle(ctx, ws, ref, cycle, ch)
}
