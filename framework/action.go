package framework

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// An action is work that moves a target: it has an owner and a due date,
// and it is never scored, nor does it change its target's progress.
//
// A workspace keeps its actions as entries of one kind (commands names
// it), so that one read returns every action with its state:
//
//	<ref>                 the last action number given under the target
//	<ref>#<n>             the action itself (Action as JSON), as added
//	<ref>#<n>/open        "1" while the action is open
//	<ref>#<n>/owner       the owner's user id
//	<ref>#<n>/progress    the latest progress given, "40"
//	<ref>#<n>/status      the latest status: on-track…, done or dropped
//	<ref>#<n>/note        the latest note, or the reason it was dropped
//	<ref>#<n>/closed      the day it was done or dropped
//	<ref>#<n>/snooze      no reminders before this day
//
// Each mutable field is an entry of its own so that a change is a blind
// write of only what it changes: `action update` needs no read, and the
// open and owner entries let the write's expectations say "still open"
// and "by its owner" (see commands' actions).

// ActionEntries is the kind of store entry that holds a workspace's
// actions (store.EntryKind(ActionEntries)): commands writes them,
// reminders and reports read them.
const ActionEntries = "action"

// The action's statuses beyond a target's open ones.
const (
	ActionDone    Status = "done"
	ActionDropped Status = "dropped"
)

// Event kinds of actions: workspace events whose Title is the action's
// reference (<ref>#<n>).
const (
	EventActionAdd    EventKind = "action-add"    // To: the title, User: the owner, From: the due date, Reason: the linked objective
	EventActionUpdate EventKind = "action-update" // To: progress and status, Reason: the note
	EventActionDone   EventKind = "action-done"   // Reason: the note
	EventActionDrop   EventKind = "action-drop"   // Reason: why
	EventActionSnooze EventKind = "action-snooze" // To: the day reminders resume
)

// IsActionEvent reports whether kind is one of an action's.
func IsActionEvent(kind EventKind) bool { return strings.HasPrefix(string(kind), "action-") }

// Action is one action under a target, with its state folded in.
type Action struct {
	Target    string    `json:"target"` // the target's Ref
	N         int       `json:"n"`
	Title     string    `json:"title"`
	Owner     string    `json:"owner,omitempty"`
	Due       Date      `json:"due,omitempty"`
	Objective string    `json:"objective,omitempty"` // a linked target's Ref, of another framework
	Author    string    `json:"author"`
	Created   time.Time `json:"created"`

	// The state, from the action's own entries (never in the JSON).
	Open     bool   `json:"-"`
	Progress int    `json:"-"` // Unchanged when never given
	Status   Status `json:"-"`
	Note     string `json:"-"`
	Closed   Date   `json:"-"`
	Snoozed  Date   `json:"-"`
}

// ActionRef is the reference of action n under the target ref.
func ActionRef(ref string, n int) string { return ref + "#" + strconv.Itoa(n) }

// Ref is the action's reference, <target>#<n>.
func (a *Action) Ref() string { return ActionRef(a.Target, a.N) }

// SplitActionRef splits <target>#<n>; ok is false when s is not one.
func SplitActionRef(s string) (ref string, n int, ok bool) {
	ref, num, found := strings.Cut(s, "#")
	if !found || ref == "" {
		return "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return "", 0, false
	}
	return ref, n, true
}

// Encode is the action's stored JSON (its added fields only).
func (a *Action) Encode() string {
	b, _ := json.Marshal(a)
	return string(b)
}

// State is the status an action shows: done, dropped, its latest status,
// or not-started.
func (a *Action) State() Status {
	switch {
	case a.Status != "":
		return a.Status
	default:
		return NotStarted
	}
}

// Overdue reports whether the open action's due day is before today.
func (a *Action) Overdue(today Date) bool {
	return a.Open && a.Due.Before(today)
}

// DueWithin reports whether the open action falls due from today to
// today+days.
func (a *Action) DueWithin(today Date, days int) bool {
	return a.Open && !a.Due.IsZero() && !a.Due.Before(today) && !today.AddDays(days).Before(a.Due)
}

// Snoozing reports whether reminders for the action are paused today.
func (a *Action) Snoozing(today Date) bool { return today.Before(a.Snoozed) }

// Suffixes of an action's state entries.
const (
	ActionOpen     = "/open"
	ActionOwner    = "/owner"
	ActionProgress = "/progress"
	ActionStatus   = "/status"
	ActionNote     = "/note"
	ActionClosed   = "/closed"
	ActionSnooze   = "/snooze"
)

// ActionsOf folds a workspace's action entries (see above) into its
// actions, by target then number. A value that is not an action is left
// out.
func ActionsOf(entries map[string]string) []Action {
	var out []Action
	for key, v := range entries {
		ref, _, ok := SplitActionRef(key)
		if !ok { // a counter, or a state entry ("…#3/open")
			continue
		}
		var a Action
		if json.Unmarshal([]byte(v), &a) != nil || a.Target != ref {
			continue
		}
		a.Open = entries[key+ActionOpen] == "1"
		if o := entries[key+ActionOwner]; o != "" {
			a.Owner = o
		}
		a.Progress = Unchanged
		if p, err := strconv.Atoi(entries[key+ActionProgress]); err == nil {
			a.Progress = p
		}
		a.Status = Status(entries[key+ActionStatus])
		a.Note = entries[key+ActionNote]
		a.Closed = Date(entries[key+ActionClosed])
		a.Snoozed = Date(entries[key+ActionSnooze])
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Action) int { return cmp.Or(strings.Compare(a.Target, b.Target), a.N-b.N) })
	return out
}

// NextActionNumber reads a target's action counter entry: the number
// the next action takes.
func NextActionNumber(counter string) (int, error) {
	if counter == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(counter)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("action counter %q is not a number", counter)
	}
	return n + 1, nil
}

// ClosedWithin reports whether the action was done on a day from start
// to end (inclusive): "completed in a cycle".
func (a *Action) ClosedWithin(start, end Date) bool {
	return a.Status == ActionDone && !a.Closed.IsZero() && !a.Closed.Before(start) && !end.Before(a.Closed)
}

// Added is the entries (key to value) that record the action as added:
// the action itself, open, and its owner when it has one.
func (a *Action) Added() map[string]string {
	key := a.Ref()
	m := map[string]string{key: a.Encode(), key + ActionOpen: "1"}
	if a.Owner != "" {
		m[key+ActionOwner] = a.Owner
	}
	return m
}
