package framework

import (
	"net/url"
	"strings"
	"time"
)

// EventKind names a change recorded in a target's history. Updates are
// recorded as Update records of their own; every other change is an
// Event of one of these kinds.
type EventKind string

// The kinds of event.
const (
	EventAssign   EventKind = "assign"   // the owner changed: From and To are user ids, "" for none
	EventDue      EventKind = "due"      // the due date changed: From and To are dates, "" for none
	EventRate     EventKind = "rate"     // the grade or its reason changed: From and To are grades (equal for a new reason alone), Cycle and Reason are set
	EventSnooze   EventKind = "snooze"   // reminders paused until To ("" ended the snooze), for Reason
	EventEvidence EventKind = "evidence" // a link was attached: URL and Title
	EventEdit     EventKind = "edit"     // the title changed: From and To are titles
	EventArchive  EventKind = "archive"  // the target left lists, digests, reminders and scores
	EventRestore  EventKind = "restore"  // the target came back
)

// EventKinds lists every kind of event.
var EventKinds = []EventKind{EventAssign, EventDue, EventRate, EventSnooze, EventEvidence, EventEdit, EventArchive, EventRestore}

// Event is one append-only record of a change to a target other than an
// update: who changed what, when, from which value to which.
type Event struct {
	ID     string    `json:"id"`
	Target string    `json:"target"` // the target's Ref
	Kind   EventKind `json:"kind"`
	Author string    `json:"author"`
	Time   time.Time `json:"time"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	// Reason is why, as the author gave it (rate and snooze).
	Reason string `json:"reason,omitempty"`
	// Cycle is the grading cycle a rate event graded.
	Cycle string `json:"cycle,omitempty"`
	// URL and Title are an evidence event's link and its optional title.
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
	// User is whom a workspace event (one with no Target) is about: the
	// admin granted or removed, the person named.
	User string `json:"user,omitempty"`
}

// Evidence is a link attached to a target as evidence: an evidence
// event seen as what it attached.
type Evidence struct {
	ID     string    `json:"id"`     // the evidence event's ID
	Target string    `json:"target"` // the target's Ref
	URL    string    `json:"url"`
	Title  string    `json:"title,omitempty"`
	Author string    `json:"author"`
	Time   time.Time `json:"time"`
}

// Evidence is the evidence an evidence event attached.
func (e *Event) Evidence() Evidence {
	return Evidence{ID: e.ID, Target: e.Target, URL: e.URL, Title: e.Title, Author: e.Author, Time: e.Time}
}

// Change is one change to a target's settings, with who made it and
// when. Kind says which of the value fields it sets; the others are
// ignored. Stores apply a Change and record its Event in one atomic
// write, and refuse one that changes nothing.
type Change struct {
	Kind   EventKind
	Author string
	Time   time.Time

	Owner  string // EventAssign: the new owner, "" to unassign
	Due    Date   // EventDue: the new due date, "" for none
	Rating Rating // EventRate: the grade in the current cycle, Unrated to clear it
	Until  Date   // EventSnooze: no reminders before this day, "" to end the snooze
	Reason string // EventRate and EventSnooze: why
	Title  string // EventEdit: the new title
}

// Check checks a change's own values before a store applies it: a kind
// a Change can make (evidence has its own method), a due or snooze date
// as YYYY-MM-DD (ErrBadDue), a known grade (ErrBadRating), and a title
// that is not blank (ErrTooLong).
func (c *Change) Check() error {
	switch c.Kind {
	case EventDue:
		return CheckDue(c.Due)
	case EventSnooze:
		return CheckDue(c.Until)
	case EventRate:
		if r, ok := ParseRating(string(c.Rating)); c.Rating != Unrated && (!ok || r != c.Rating) {
			return ErrBadRating.About(string(c.Rating))
		}
	case EventEdit:
		if strings.TrimSpace(c.Title) == "" {
			return ErrTooLong.About("")
		}
	case EventAssign, EventArchive, EventRestore:
	default:
		return Errorf(EINVALID, "a change of kind %q cannot be applied", c.Kind)
	}
	return nil
}

// Apply makes the change to t and returns the event that records it,
// with the grading cycle cycle for a rate. reason is the reason t's
// grade was last given in cycle (RateReason), which only a rate reads: a
// rate of the grade t has, with a reason that differs from it, records
// the new reason as a change. It applies the rules every store shares:
// an archived target takes no change but restore (ErrArchived), and a
// change that leaves t as it was is ErrNoChange about the current value,
// with t untouched. The event has no ID yet.
func (c *Change) Apply(t *Target, cycle, reason string) (Event, error) {
	if err := c.Check(); err != nil {
		return Event{}, err
	}
	if t.Archived && c.Kind != EventRestore && c.Kind != EventArchive {
		return Event{}, ErrArchived.About(t.Ref())
	}
	e := Event{Target: t.Ref(), Kind: c.Kind, Author: c.Author, Time: c.Time}
	same := func(cur, next string) bool {
		e.From, e.To = cur, next
		return cur == next
	}
	var unchanged bool
	switch c.Kind {
	case EventAssign:
		if unchanged = same(t.Owner, c.Owner); !unchanged {
			t.Owner = c.Owner
		}
	case EventDue:
		if unchanged = same(string(t.Due), string(c.Due)); !unchanged {
			t.Due = c.Due
		}
	case EventRate:
		e.Reason, e.Cycle = c.Reason, cycle
		// A new reason for the same grade is a change worth recording;
		// no reason at all leaves the grade's reason as it was.
		unchanged = same(string(t.Rating), string(c.Rating)) && (c.Reason == "" || c.Reason == reason)
		t.Rating = c.Rating
	case EventSnooze:
		e.Reason = c.Reason
		// A new reason for the same day is a change worth recording.
		unchanged = same(string(t.SnoozedUntil), string(c.Until)) && t.SnoozeReason == c.Reason
		if !unchanged {
			t.SnoozedUntil, t.SnoozeReason = c.Until, c.Reason
		}
	case EventEdit:
		if unchanged = same(t.Title, c.Title); !unchanged {
			t.Title = c.Title
		}
	case EventArchive, EventRestore:
		want := c.Kind == EventArchive
		if unchanged = t.Archived == want; !unchanged {
			t.Archived = want
		}
		e.From, e.To = "", ""
	}
	if unchanged {
		return Event{}, ErrNoChange.About(e.From)
	}
	return e, nil
}

// ReasonChange reports whether rate event e changed only the reason of
// a grade: the grade it set is the one it found.
func (e *Event) ReasonChange() bool { return e.Kind == EventRate && e.From == e.To }

// RateReason is the reason of the newest rate event of cycle among
// events, newest first: the reason the grade a target has in cycle was
// given with, "" if it has none. Change.Apply compares a rate's reason
// with it.
func RateReason(events []Event, cycle string) string {
	for i := range events {
		if events[i].Kind == EventRate && events[i].Cycle == cycle {
			return events[i].Reason
		}
	}
	return ""
}

// The longest evidence URL and title a store takes.
const (
	MaxURL           = 2000
	MaxEvidenceTitle = 200
)

// CheckEvidence checks a link before a store attaches it: an absolute
// http or https URL with a host and no spaces, at most MaxURL bytes, and
// a title of at most MaxEvidenceTitle bytes. Its errors are ErrBadURL
// and ErrTooLong.
func CheckEvidence(ev *Evidence) error {
	if !ValidURL(ev.URL) {
		return ErrBadURL.About(ev.URL)
	}
	if len(ev.Title) > 4*MaxEvidenceTitle {
		return ErrTooLong.About("")
	}
	return nil
}

// ValidURL reports whether s can be evidence: an absolute http or https
// URL with a host, no white space or control characters, at most MaxURL
// bytes.
func ValidURL(s string) bool {
	if s == "" || len(s) > MaxURL || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
