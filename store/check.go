package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// RecordError is a record of a Snapshot that Check refused: its type,
// its index among the snapshot's records of that type (the settings
// record is index 0 of its own), and why. A dump reader turns the type
// and index back into a line number.
type RecordError struct {
	Type  RecordType
	Index int
	Err   error
}

func (e *RecordError) Error() string { return fmt.Sprintf("%s %d: %v", e.Type, e.Index+1, e.Err) }

// Unwrap returns why the record was refused.
func (e *RecordError) Unwrap() error { return e.Err }

// The longest id an update or event may have in a snapshot: far above
// what either store makes (a decimal sequence number, or 24 hex digits).
const maxID = 64

// Check reports the first record of s that a store could not keep
// exactly as it is, or that refers to something s does not hold, as an
// EINVALID *framework.Error wrapping a *RecordError. Restore calls it
// before writing anything, so every driver takes the same snapshots.
//
// It holds records to what the stores' indexes need (dates as
// YYYY-MM-DD, known statuses and grades, unique ids, refs that name no
// other key) and to what makes history exact (every update and event
// names a target in s; a target's last update is one of its own, not
// withdrawn; a target has each evidence URL once; an adapter-state key
// and an entry once; an event id once, workspace events included;
// admin and person entries that decode as their types; workspace events
// with no target). It does not re-judge
// wording: titles, notes and names are kept as they are.
func (s *Snapshot) Check() error {
	if err := s.check(); err != nil {
		return &framework.Error{Code: framework.EINVALID, Message: "snapshot refused", Err: err}
	}
	return nil
}

func (s *Snapshot) check() *RecordError {
	bad := func(typ RecordType, i int, format string, args ...any) *RecordError {
		return &RecordError{Type: typ, Index: i, Err: fmt.Errorf(format, args...)}
	}
	if err := checkSettings(&s.Workspace); err != nil {
		return bad(RecordWorkspace, 0, "%v", err)
	}
	updates := make(map[string]*framework.Update, len(s.Updates))
	for i := range s.Updates {
		u := &s.Updates[i]
		if err := checkID(u.ID); err != nil {
			return bad(RecordUpdate, i, "%v", err)
		}
		if updates[u.ID] != nil {
			return bad(RecordUpdate, i, "id %q is used by an earlier update", u.ID)
		}
		updates[u.ID] = u
	}
	refs := make(map[string]bool, len(s.Targets))
	for i := range s.Targets {
		t := &s.Targets[i]
		if err := checkTarget(t, updates); err != nil {
			return bad(RecordTarget, i, "%s: %v", t.Ref(), err)
		}
		if refs[t.Ref()] {
			return bad(RecordTarget, i, "%s appears twice", t.Ref())
		}
		refs[t.Ref()] = true
	}
	for i := range s.Updates {
		if err := checkUpdate(&s.Updates[i], refs); err != nil {
			return bad(RecordUpdate, i, "%s: %v", s.Updates[i].ID, err)
		}
	}
	events := make(map[string]bool, len(s.Events))
	urls := map[[2]string]bool{}
	for i := range s.Events {
		e := &s.Events[i]
		if err := checkEvent(e, refs); err != nil {
			return bad(RecordEvent, i, "%s: %v", e.ID, err)
		}
		if events[e.ID] {
			return bad(RecordEvent, i, "id %q is used by an earlier event", e.ID)
		}
		events[e.ID] = true
		if e.Kind == framework.EventEvidence {
			key := [2]string{e.Target, e.URL}
			if urls[key] {
				return bad(RecordEvent, i, "%s: %s has the evidence %s twice", e.ID, e.Target, e.URL)
			}
			urls[key] = true
		}
	}
	channels := make(map[string]bool, len(s.Subscriptions))
	for i, sub := range s.Subscriptions {
		switch {
		case sub.Workspace != s.Workspace.ID:
			return bad(RecordSubscription, i, "channel %s belongs to workspace %q, not %q", sub.Channel, sub.Workspace, s.Workspace.ID)
		case sub.Channel == "":
			return bad(RecordSubscription, i, "no channel")
		case channels[sub.Channel]:
			return bad(RecordSubscription, i, "channel %s appears twice", sub.Channel)
		case strings.TrimSpace(sub.Spec) == "":
			return bad(RecordSubscription, i, "channel %s has no schedule", sub.Channel)
		}
		channels[sub.Channel] = true
	}
	stateKeys := make(map[string]bool, len(s.AdapterState))
	for i, e := range s.AdapterState {
		if err := checkStateEntry(e.Key, e.Value); err != nil {
			return bad(RecordAdapterState, i, "%v", err)
		}
		if stateKeys[e.Key] {
			return bad(RecordAdapterState, i, "key %s appears twice", e.Key)
		}
		stateKeys[e.Key] = true
	}
	entries := make(map[Entry]bool, len(s.Entries))
	for i, e := range s.Entries {
		if err := checkSnapshotEntry(e); err != nil {
			return bad(RecordEntry, i, "%v", err)
		}
		id := Entry{Kind: e.Kind, Key: e.Key}
		if entries[id] {
			return bad(RecordEntry, i, "%s/%s appears twice", e.Kind, e.Key)
		}
		entries[id] = true
	}
	for i := range s.WorkspaceEvents {
		e := &s.WorkspaceEvents[i]
		if err := checkWorkspaceEvent(e, true); err != nil {
			return bad(RecordWorkspaceEvent, i, "%s: %v", e.ID, err)
		}
		// One id space: a store keeps every event of a workspace by id.
		if events[e.ID] {
			return bad(RecordWorkspaceEvent, i, "id %q is used by an earlier event", e.ID)
		}
		events[e.ID] = true
	}
	return nil
}

// checkSnapshotEntry holds an entry to what WriteEntries would keep, and
// the kinds the stores read to their types: an admin's value must be a
// framework.Admin, a person's a framework.Person, each about its key.
func checkSnapshotEntry(e Entry) error {
	if err := checkEntry(e); err != nil {
		return err
	}
	if e.Value == "" {
		return fmt.Errorf("%s/%s has no value", e.Kind, e.Key)
	}
	var user string
	switch e.Kind {
	case EntryAdmin:
		var a framework.Admin
		if err := json.Unmarshal([]byte(e.Value), &a); err != nil {
			return fmt.Errorf("%s/%s is not an admin: %v", e.Kind, e.Key, err)
		}
		user = a.User
	case EntryPerson:
		var p framework.Person
		if err := json.Unmarshal([]byte(e.Value), &p); err != nil {
			return fmt.Errorf("%s/%s is not a person: %v", e.Kind, e.Key, err)
		}
		user = p.User
	default:
		return nil
	}
	if user != "" && !framework.SameUser(user, e.Key) {
		return fmt.Errorf("%s/%s is about user %q", e.Kind, e.Key, user)
	}
	return nil
}

func checkSettings(w *framework.Workspace) error {
	if w.ID == "" {
		return fmt.Errorf("no workspace id")
	}
	seen := map[string]bool{}
	for _, id := range w.Frameworks {
		if !framework.ValidID(id) || seen[id] {
			return fmt.Errorf("framework %q is not a framework id, or is listed twice", id)
		}
		seen[id] = true
	}
	if w.Cycle != "" && !framework.ValidCycle(w.Cycle) {
		return fmt.Errorf("current cycle %q is not a cycle name like 2026/27", w.Cycle)
	}
	cycles := map[string]bool{w.Cycle: w.Cycle != ""}
	for _, c := range w.PastCycles {
		if !framework.ValidCycle(c.Name) || cycles[c.Name] {
			return fmt.Errorf("closed cycle %q is not a cycle name like 2026/27, or is used twice", c.Name)
		}
		cycles[c.Name] = true
	}
	return nil
}

func checkTarget(t *framework.Target, updates map[string]*framework.Update) error {
	switch {
	case !framework.ValidID(t.Framework):
		return fmt.Errorf("framework %q is not a framework id", t.Framework)
	case t.Code == "" || strings.ContainsAny(t.Code, ":/") || strings.ContainsFunc(t.Code, notPrintable):
		return fmt.Errorf("code %q cannot name a target", t.Code)
	case !t.Status.Valid():
		return fmt.Errorf("status %q is not a status", t.Status)
	case t.Progress < 0 || t.Progress > 100:
		return fmt.Errorf("progress %d is not 0 to 100", t.Progress)
	case t.Status == framework.Done && t.Progress != 100:
		return fmt.Errorf("done at %d%%, not 100%%", t.Progress)
	case framework.CheckDue(t.Due) != nil:
		return fmt.Errorf("due date %q is not YYYY-MM-DD", t.Due)
	case framework.CheckDue(t.SnoozedUntil) != nil:
		return fmt.Errorf("snooze date %q is not YYYY-MM-DD", t.SnoozedUntil)
	case !validRating(t.Rating, true):
		return fmt.Errorf("grade %q is not a grade", t.Rating)
	case t.Reminders < 0:
		return fmt.Errorf("reminders %d is negative", t.Reminders)
	}
	for cycle, r := range t.Grades {
		if !framework.ValidCycle(cycle) || !validRating(r, false) {
			return fmt.Errorf("grade %q in cycle %q is not a grade in a cycle like 2026/27", r, cycle)
		}
	}
	if t.LastUpdate != "" {
		u := updates[t.LastUpdate]
		switch {
		case u == nil:
			return fmt.Errorf("its last update %s is not in the snapshot", t.LastUpdate)
		case u.Target != t.Ref():
			return fmt.Errorf("its last update %s is an update of %s", t.LastUpdate, u.Target)
		case u.Withdrawn:
			return fmt.Errorf("its last update %s is withdrawn", t.LastUpdate)
		}
	}
	return nil
}

func checkUpdate(u *framework.Update, refs map[string]bool) error {
	switch {
	case !refs[u.Target]:
		return fmt.Errorf("its target %s is not in the snapshot", u.Target)
	case !u.Status.Valid() || !u.PrevStatus.Valid():
		return fmt.Errorf("status %q or previous status %q is not a status", u.Status, u.PrevStatus)
	case u.Progress < 0 || u.Progress > 100 || u.PrevProgress < 0 || u.PrevProgress > 100:
		return fmt.Errorf("progress %d or previous progress %d is not 0 to 100", u.Progress, u.PrevProgress)
	case u.Time.IsZero():
		return fmt.Errorf("no time")
	}
	return nil
}

func checkEvent(e *framework.Event, refs map[string]bool) error {
	if err := checkID(e.ID); err != nil {
		return err
	}
	known := false
	for _, k := range framework.EventKinds {
		known = known || e.Kind == k
	}
	switch {
	case !refs[e.Target]:
		return fmt.Errorf("its target %s is not in the snapshot", e.Target)
	case !known:
		return fmt.Errorf("kind %q is not a kind of event", e.Kind)
	case e.Kind == framework.EventEvidence && e.URL == "":
		return fmt.Errorf("evidence with no URL")
	case e.Time.IsZero():
		return fmt.Errorf("no time")
	}
	return nil
}

// checkID allows any id a store could have made, and nothing that could
// break a key: no spaces or control characters, at most maxID bytes.
func checkID(id string) error {
	if id == "" || len(id) > maxID || strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("id %q is not an id: 1 to %d characters, no spaces", id, maxID)
	}
	return nil
}

func notPrintable(r rune) bool { return r <= ' ' || r == 0x7f }

func validRating(r framework.Rating, unratedOK bool) bool {
	if r == framework.Unrated {
		return unratedOK
	}
	got, ok := framework.ParseRating(string(r))
	return ok && got == r
}
