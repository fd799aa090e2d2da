package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/targetbot/targetbot/framework"
)

// The most an entry's kind, key and value may hold, in bytes. A kind
// and a key name a hash field or a bucket key, and are never shown
// whole; a value is a feature's small JSON record (an admin, a person,
// an organisation profile, a cycle record), far under the limit.
const (
	MaxEntryKind  = 64
	MaxEntryKey   = 256
	MaxEntryValue = 64 << 10
)

// CheckEntryWrite reports why w cannot be written, or nil: every kind
// and key 1 to MaxEntryKind or MaxEntryKey bytes of printable UTF-8 with
// no space, every value at most MaxEntryValue bytes of UTF-8, every
// expectation's Op one the stores know and no put with one, and every
// event a workspace event (no Target, no ID: the store gives one) of a
// printable kind with a time. The error is ErrTooLong (EINVALID)
// wrapping the reason, as for adapter state. A write that puts nothing
// and appends nothing is ErrNoChange.
func CheckEntryWrite(w *EntryWrite) error {
	if len(w.Put) == 0 && len(w.Events) == 0 {
		return framework.ErrNoChange.About("")
	}
	for _, list := range [][]Entry{w.Expect, w.Put} {
		for _, e := range list {
			if err := checkEntry(e); err != nil {
				return tooLong(err)
			}
		}
	}
	for _, e := range w.Expect {
		if !e.Op.known() {
			return tooLong(fmt.Errorf("the expectation of %s/%s compares with %q, which no store knows", e.Kind, e.Key, e.Op))
		}
	}
	for _, e := range w.Put {
		if e.Op != ExpectEqual {
			return tooLong(fmt.Errorf("the put of %s/%s has a comparison (%q): only an expectation has one", e.Kind, e.Key, e.Op))
		}
	}
	for i := range w.Events {
		if err := checkWorkspaceEvent(&w.Events[i], false); err != nil {
			return tooLong(err)
		}
	}
	return nil
}

// CheckEntryKind reports why kind cannot name a family of entries, as
// ErrTooLong wrapping the reason, or nil.
func CheckEntryKind(kind EntryKind) error {
	if err := checkName("kind", string(kind), MaxEntryKind); err != nil {
		return tooLong(err)
	}
	return nil
}

func tooLong(err error) error {
	e := framework.ErrTooLong.About("")
	e.Err = err
	return e
}

func checkEntry(e Entry) error {
	if err := checkName("kind", string(e.Kind), MaxEntryKind); err != nil {
		return err
	}
	if err := checkName("key", e.Key, MaxEntryKey); err != nil {
		return err
	}
	switch {
	case len(e.Value) > MaxEntryValue:
		return fmt.Errorf("the value of %s/%s is over %d bytes", e.Kind, e.Key, MaxEntryValue)
	case !utf8.ValidString(e.Value):
		return fmt.Errorf("the value of %s/%s is not UTF-8", e.Kind, e.Key)
	}
	return nil
}

// checkName holds an entry's kind or key to what every store can use as
// a hash field or key part: printable, no space, not empty.
func checkName(what, s string, limit int) error {
	switch {
	case s == "" || len(s) > limit:
		return fmt.Errorf("%s %q is not 1 to %d bytes", what, s, limit)
	case !utf8.ValidString(s) || strings.ContainsFunc(s, notPrintable):
		return fmt.Errorf("%s %q has a space or a control character", what, s)
	}
	return nil
}

// checkWorkspaceEvent holds a workspace event to what the stores keep:
// no Target, a kind, a time; with stored, an id too (a snapshot's).
// Kinds are not limited to framework's: later features record their own.
func checkWorkspaceEvent(e *framework.Event, stored bool) error {
	switch {
	case e.Target != "":
		return fmt.Errorf("a workspace event names target %q", e.Target)
	case checkName("kind", string(e.Kind), MaxEntryKind) != nil:
		return fmt.Errorf("kind %q is not a kind of event", e.Kind)
	case e.Time.IsZero():
		return fmt.Errorf("no time")
	case !timeOK(e.Time):
		return fmt.Errorf("time %s is outside %s to %s, which every store keeps", e.Time.Format(time.RFC3339), EarliestTime.Format("2006"), LatestTime.Format("2006"))
	}
	if stored {
		return checkID(e.ID)
	}
	return nil
}

// AdminsOf decodes a workspace's admin entries (EntryAdmin, user id ->
// framework.Admin JSON) into Workspace.Admins: sorted by user, each
// with its key as User where the value names none. A value that is not
// an Admin is left out: it cannot grant anything. Both drivers fill
// Admins with it, from the entries read with the settings.
func AdminsOf(entries map[string]string) []framework.Admin {
	if len(entries) == 0 {
		return nil
	}
	out := make([]framework.Admin, 0, len(entries))
	for key, v := range entries {
		var a framework.Admin
		if json.Unmarshal([]byte(v), &a) != nil {
			continue
		}
		if a.User == "" {
			a.User = key
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b framework.Admin) int { return strings.Compare(a.User, b.User) })
	return out
}

// stamp gives each event with no time the time now: Checked's, so that
// the drivers store what they are given.
func stamp(es []framework.Event, now time.Time) []framework.Event {
	out := slices.Clone(es)
	for i := range out {
		if out[i].Time.IsZero() {
			out[i].Time = now
		}
		out[i].ID = ""
	}
	return out
}

// Stores reports whether w keeps anything: an entry with a value, or an
// event. A write that only deletes creates no workspace.
func (w *EntryWrite) Stores() bool {
	for _, e := range w.Put {
		if e.Value != "" {
			return true
		}
	}
	return len(w.Events) > 0
}
