package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"hash/maphash"
	"maps"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// RecordStream gives a workspace's records to fn, in the order Snapshot.Each
// gives them, and returns fn's first error. Each call gives them again:
// a restore from records reads them twice, once to check and once to
// write, so that it never holds them all.
type RecordStream func(fn func(Record) error) error

// RecordRestorer is a Transfer that restores a workspace from RecordStream,
// holding a bounded part of it rather than a Snapshot: what migrate
// uses, so that its memory does not grow with the workspace.
// RestoreRecords keeps every promise Restore makes: it checks every
// record first (CheckRecords, the same rules as Snapshot.Check) and
// writes nothing when any is wrong, refuses a workspace that holds
// records unless opts.Replace, and is atomic to readers. It refuses,
// writing nothing, records that differ between the two reads.
type RecordRestorer interface {
	RestoreRecords(ctx context.Context, ws string, recs RecordStream, opts RestoreOptions) error
}

// RecordsOf gives the snapshot's records.
func RecordsOf(s *Snapshot) RecordStream { return s.Each }

// Tally is what CheckRecords counts of a stream of records: how many of
// each type, and a digest of them all, to tell a second read that
// differs.
type Tally struct {
	Counts map[RecordType]int
	Sum    [sha256.Size]byte
}

// Len is the number of records tallied.
func (t *Tally) Len() int {
	n := 0
	for _, c := range t.Counts {
		n += c
	}
	return n
}

// Tallier tallies records as they are read: a second read of RecordStream
// compares its Tally with the first's.
type Tallier struct {
	counts map[RecordType]int
	h      hash.Hash
}

// NewTallier starts a tally.
func NewTallier() *Tallier {
	return &Tallier{counts: map[RecordType]int{}, h: sha256.New()}
}

// Add tallies r.
func (t *Tallier) Add(r *Record) error {
	t.counts[r.Type]++
	b, err := json.Marshal(r.value())
	if err != nil {
		return fmt.Errorf("tally a %s record: %w", r.Type, err)
	}
	t.h.Write([]byte(r.Type))
	t.h.Write(b)
	t.h.Write([]byte{'\n'})
	return nil
}

// value is the field of r that holds its record.
func (r *Record) value() any {
	switch r.Type {
	case RecordWorkspace:
		return &r.Workspace
	case RecordTarget:
		return &r.Target
	case RecordUpdate:
		return &r.Update
	case RecordEvent, RecordWorkspaceEvent:
		return &r.Event
	case RecordSubscription:
		return &r.Subscription
	case RecordAdapterState:
		return &r.State
	case RecordEntry:
		return &r.Entry
	}
	return r
}

// Tally is the tally so far.
func (t *Tallier) Tally() Tally {
	var sum [sha256.Size]byte
	t.h.Sum(sum[:0])
	return Tally{Counts: maps.Clone(t.counts), Sum: sum}
}

// Same reports whether two tallies are of the same records.
func (t *Tally) Same(o *Tally) bool { return t.Sum == o.Sum }

// CheckRecords checks the records of workspace ws as Snapshot.Check
// does, holding the targets and a fixed-size digest of each update and
// event id rather than the records: its memory grows with the targets
// and by 16 bytes per update and event. The records must come in
// Snapshot.Each's order, the settings first, and be of ws. extra, when
// set, is called with each record too, for a driver's own rules; its
// error refuses the record. It returns the tally of what it read.
func CheckRecords(ws string, recs RecordStream, extra func(*Record) error) (Tally, error) {
	c := &streamCheck{
		ws: ws, index: map[RecordType]int{}, refs: map[string]bool{}, last: map[string][]int{},
		seed: maphash.MakeSeed(), seed2: maphash.MakeSeed(),
		updates: map[[2]uint64]bool{}, events: map[[2]uint64]bool{}, urls: map[[2]string]bool{},
		channels: map[string]bool{}, stateKeys: map[string]bool{}, entries: map[Entry]bool{},
		tally: NewTallier(),
	}
	err := recs(func(r Record) error {
		if err := c.add(&r); err != nil {
			return err
		}
		if extra != nil {
			if err := extra(&r); err != nil {
				return err
			}
		}
		return c.tally.Add(&r)
	})
	if err == nil {
		err = c.finish()
	}
	if re, ok := err.(*RecordError); ok {
		return Tally{}, &framework.Error{Code: framework.EINVALID, Message: "snapshot refused", Err: re}
	}
	if err != nil {
		return Tally{}, err
	}
	return c.tally.Tally(), nil
}

// streamCheck is CheckRecords's state.
type streamCheck struct {
	ws    string
	seen  int // records read
	at    int // the place of the type read last in RecordTypes
	index map[RecordType]int
	// targets are held whole: a target's last update is checked once
	// the updates are read.
	targets []framework.Target
	refs    map[string]bool
	// last maps the id of each target's last update to its target's
	// index; lastSeen holds those updates as read.
	last     map[string][]int
	lastSeen []*framework.Update
	// Ids are kept as 128-bit digests: a false match is as likely as
	// two random 128-bit numbers being equal.
	seed, seed2         maphash.Seed
	updates, events     map[[2]uint64]bool
	urls                map[[2]string]bool
	channels, stateKeys map[string]bool
	entries             map[Entry]bool
	checkedLast         bool
	tally               *Tallier
}

func (c *streamCheck) digest(id string) [2]uint64 {
	return [2]uint64{maphash.String(c.seed, id), maphash.String(c.seed2, id)}
}

func (c *streamCheck) bad(typ RecordType, i int, format string, args ...any) *RecordError {
	return &RecordError{Type: typ, Index: i, Err: fmt.Errorf(format, args...)}
}

// add checks one record in its place.
func (c *streamCheck) add(r *Record) error {
	place := slices.Index(RecordTypes, r.Type)
	switch {
	case place < 0:
		return fmt.Errorf("a record of unknown type %q", r.Type)
	case c.seen == 0 && r.Type != RecordWorkspace:
		return c.bad(r.Type, 0, "the records do not start with the workspace's settings")
	case c.seen > 0 && (r.Type == RecordWorkspace || place < c.at):
		return c.bad(r.Type, c.index[r.Type], "a %s record out of its place", r.Type)
	}
	if place > slices.Index(RecordTypes, RecordUpdate) && !c.checkedLast {
		if err := c.checkTargets(); err != nil {
			return err
		}
	}
	c.seen++
	c.at = place
	i := c.index[r.Type]
	c.index[r.Type]++
	switch r.Type {
	case RecordWorkspace:
		if r.Workspace.ID != c.ws {
			return c.bad(RecordWorkspace, 0, "the settings are of workspace %q, not %q", r.Workspace.ID, c.ws)
		}
		if err := checkSettings(&r.Workspace); err != nil {
			return c.bad(RecordWorkspace, 0, "%v", err)
		}
	case RecordTarget:
		t := r.Target
		if c.refs[t.Ref()] {
			return c.bad(RecordTarget, i, "%s appears twice", t.Ref())
		}
		c.refs[t.Ref()] = true
		c.targets = append(c.targets, t)
		if t.LastUpdate != "" {
			c.last[t.LastUpdate] = append(c.last[t.LastUpdate], len(c.targets)-1)
		}
	case RecordUpdate:
		u := &r.Update
		if err := checkID(u.ID); err != nil {
			return c.bad(RecordUpdate, i, "%v", err)
		}
		d := c.digest(u.ID)
		if c.updates[d] {
			return c.bad(RecordUpdate, i, "id %q is used by an earlier update", u.ID)
		}
		c.updates[d] = true
		if err := checkUpdate(u, c.refs); err != nil {
			return c.bad(RecordUpdate, i, "%s: %v", u.ID, err)
		}
		if ts, ok := c.last[u.ID]; ok {
			if c.lastSeen == nil {
				c.lastSeen = make([]*framework.Update, len(c.targets))
			}
			cp := *u
			for _, t := range ts {
				c.lastSeen[t] = &cp
			}
		}
	case RecordEvent:
		e := &r.Event
		if err := checkEvent(e, c.refs); err != nil {
			return c.bad(RecordEvent, i, "%s: %v", e.ID, err)
		}
		if err := c.eventID(RecordEvent, i, e.ID); err != nil {
			return err
		}
		if e.Kind == framework.EventEvidence {
			key := [2]string{e.Target, e.URL}
			if c.urls[key] {
				return c.bad(RecordEvent, i, "%s: %s has the evidence %s twice", e.ID, e.Target, e.URL)
			}
			c.urls[key] = true
		}
	case RecordSubscription:
		sub := r.Subscription
		switch {
		case sub.Workspace != c.ws:
			return c.bad(RecordSubscription, i, "channel %s belongs to workspace %q, not %q", sub.Channel, sub.Workspace, c.ws)
		case sub.Channel == "":
			return c.bad(RecordSubscription, i, "no channel")
		case c.channels[sub.Channel]:
			return c.bad(RecordSubscription, i, "channel %s appears twice", sub.Channel)
		case strings.TrimSpace(sub.Spec) == "":
			return c.bad(RecordSubscription, i, "channel %s has no schedule", sub.Channel)
		}
		c.channels[sub.Channel] = true
	case RecordAdapterState:
		e := r.State
		if err := checkStateEntry(e.Key, e.Value); err != nil {
			return c.bad(RecordAdapterState, i, "%v", err)
		}
		if c.stateKeys[e.Key] {
			return c.bad(RecordAdapterState, i, "key %s appears twice", e.Key)
		}
		c.stateKeys[e.Key] = true
	case RecordEntry:
		e := r.Entry
		if err := checkSnapshotEntry(e); err != nil {
			return c.bad(RecordEntry, i, "%v", err)
		}
		id := Entry{Kind: e.Kind, Key: e.Key}
		if c.entries[id] {
			return c.bad(RecordEntry, i, "%s/%s appears twice", e.Kind, e.Key)
		}
		c.entries[id] = true
	case RecordWorkspaceEvent:
		e := &r.Event
		if err := checkWorkspaceEvent(e, true); err != nil {
			return c.bad(RecordWorkspaceEvent, i, "%s: %v", e.ID, err)
		}
		if err := c.eventID(RecordWorkspaceEvent, i, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// eventID refuses an event id used before: one id space, workspace
// events included.
func (c *streamCheck) eventID(typ RecordType, i int, id string) error {
	d := c.digest(id)
	if c.events[d] {
		return c.bad(typ, i, "id %q is used by an earlier event", id)
	}
	c.events[d] = true
	return nil
}

// checkTargets checks the targets once the updates are read, each with
// its last update as read.
func (c *streamCheck) checkTargets() error {
	c.checkedLast = true
	for i := range c.targets {
		t := &c.targets[i]
		ups := map[string]*framework.Update{}
		if c.lastSeen != nil && c.lastSeen[i] != nil {
			ups[t.LastUpdate] = c.lastSeen[i]
		}
		if err := checkTarget(t, ups); err != nil {
			return c.bad(RecordTarget, i, "%s: %v", t.Ref(), err)
		}
	}
	c.lastSeen = nil
	return nil
}

// finish checks what can be checked only at the end.
func (c *streamCheck) finish() error {
	if c.seen == 0 {
		return c.bad(RecordWorkspace, 0, "no records, not even the settings")
	}
	if !c.checkedLast {
		return c.checkTargets()
	}
	return nil
}
