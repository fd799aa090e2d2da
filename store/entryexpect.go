package store

import (
	"errors"
	"fmt"

	"github.com/targetbot/targetbot/framework"
)

// ExpectOp is how an expectation of an EntryWrite compares the entry it
// names with its Value. The stores compare values as bytes, so that a
// feature that keeps a date or a moment as sortable text ("2026-12-31",
// "2026-12-31T23:00:00Z") can expect an order without reading it first.
type ExpectOp string

// The comparisons an expectation makes.
const (
	// ExpectEqual holds when the entry's value is exactly Value, ""
	// meaning absent. It is the zero ExpectOp.
	ExpectEqual ExpectOp = ""
	// ExpectNotBefore holds when the entry is absent, or its value is
	// not before Value in byte order: a panel's end, say, that is none
	// or not yet past.
	ExpectNotBefore ExpectOp = "not-before"
)

// Holds reports whether an expectation with this op and value holds of
// the value found ("" when there is no entry). The bbolt driver decides
// with it; the Redis script makes the same comparison in Lua.
func (op ExpectOp) Holds(found, value string) bool {
	if op == ExpectNotBefore {
		return found == "" || found >= value
	}
	return found == value
}

func (op ExpectOp) known() bool { return op == ExpectEqual || op == ExpectNotBefore }

// FoundEntry is what WriteEntries found where an expectation failed: its
// ErrEntryChanged wraps one, so that a feature can say why without
// reading the entry again. Value is "" when there is no entry.
type FoundEntry struct {
	Entry Entry
}

// Error says which entry was found, and whether it had a value: the
// value itself is a feature's, and may be long.
func (f *FoundEntry) Error() string {
	if f.Entry.Value == "" {
		return fmt.Sprintf("found no %s/%s", f.Entry.Kind, f.Entry.Key)
	}
	return fmt.Sprintf("found %s/%s with another value", f.Entry.Kind, f.Entry.Key)
}

// Found returns the entry that err (from WriteEntries) says it found
// where an expectation failed, and whether it says so.
func Found(err error) (Entry, bool) {
	var f *FoundEntry
	if errors.As(err, &f) {
		return f.Entry, true
	}
	return Entry{}, false
}

// EntryChanged is the error WriteEntries returns when the expectation
// about e fails: ErrEntryChanged about "kind/key", wrapping what it
// found there (found, "" for none). Both drivers build it here.
func EntryChanged(e Entry, found string) error {
	err := framework.ErrEntryChanged.About(string(e.Kind) + "/" + e.Key)
	err.Err = &FoundEntry{Entry: Entry{Kind: e.Kind, Key: e.Key, Value: found}}
	return err
}
