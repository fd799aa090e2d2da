package framework

import (
	"maps"
	"slices"
)

// Kind is a known situation that a store, or a rule it applies, reports:
// "that target does not exist", "that update was already undone". Callers
// tell kinds apart with errors.Is(err, ErrTargetNotFound) and word them
// for the user themselves, so no chat text lives in the stores.
//
// A Kind is an error only so that errors.Is can take it. Stores return
// k.About(subject), an *Error that carries the kind's code and field.
type Kind string

// Error returns the kind's neutral phrase.
func (k Kind) Error() string { return string(k) }

// The kinds. Each comment gives the code, the field when there is one,
// and what Subject holds.
const (
	// ErrTargetNotFound: ENOTFOUND, field "target"; the ref asked for.
	ErrTargetNotFound Kind = "target not found"
	// ErrFrameworkNotImported: ENOTFOUND, field "target"; the framework id.
	ErrFrameworkNotImported Kind = "framework not imported"
	// ErrTargetExists: ECONFLICT, field "target"; the ref that exists.
	ErrTargetExists Kind = "target already exists"
	// ErrNoSubscription: ENOTFOUND; the channel with no digest subscription.
	ErrNoSubscription Kind = "no digest subscription"
	// ErrNoUpdate: ENOTFOUND; the user who has logged no update.
	ErrNoUpdate Kind = "no update logged"
	// ErrUpdateNotFound: ENOTFOUND; the update id asked for.
	ErrUpdateNotFound Kind = "update not found"
	// ErrAlreadyWithdrawn: ECONFLICT; the id of the update already withdrawn.
	ErrAlreadyWithdrawn Kind = "update already withdrawn"
	// ErrNotLatest: ECONFLICT; the id of an update that is no longer its
	// target's latest, so it cannot be withdrawn.
	ErrNotLatest Kind = "update not the latest"
	// ErrDoneBelow100: EINVALID, field "status"; the ref of a target an
	// update would leave done at less than 100%.
	ErrDoneBelow100 Kind = "done below 100%"
	// ErrBadProgress: EINVALID, field "progress"; the progress given.
	ErrBadProgress Kind = "progress out of range"
	// ErrBadStatus: EINVALID, field "status"; the status given.
	ErrBadStatus Kind = "unknown status"
	// ErrBadDue: EINVALID, field "due"; the date given.
	ErrBadDue Kind = "due date not YYYY-MM-DD"
	// ErrTooLong: EINVALID; no subject. A name or text is empty or too
	// long for the backend to store.
	ErrTooLong Kind = "name or text empty or too long to store"
	// ErrUnavailable: EUNAVAILABLE; no subject. The backend cannot be
	// reached, and nothing was changed; the cause is in Err.
	ErrUnavailable Kind = "storage unavailable"
	// ErrOutcomeUnknown: EUNAVAILABLE; no subject. The backend stopped
	// answering after the request was sent: a write may or may not have
	// been applied. The cause is in Err.
	ErrOutcomeUnknown Kind = "storage outcome unknown"
	// ErrNoChange: ECONFLICT; the current value the change would have
	// set again (a status, owner id, date, grade, title or URL; "" for
	// none). A change that changes nothing is refused and not recorded.
	ErrNoChange Kind = "nothing changed"
	// ErrArchived: ECONFLICT, field "target"; the ref of an archived
	// target, which takes no change but restore.
	ErrArchived Kind = "target archived"
	// ErrBadRating: EINVALID, field "rating"; the grade given.
	ErrBadRating Kind = "unknown grade"
	// ErrBadURL: EINVALID, field "url"; the URL given. Evidence is an
	// http or https URL with a host.
	ErrBadURL Kind = "evidence URL not http or https"
	// ErrBadCycle: EINVALID, field "cycle"; the name given, which is not
	// a financial year written like 2026/27.
	ErrBadCycle Kind = "cycle name not like 2026/27"
	// ErrCycleUsed: ECONFLICT, field "cycle"; the name given, which is
	// the current cycle's or a closed cycle's.
	ErrCycleUsed Kind = "cycle name already used"
	// ErrCycleOrder: EINVALID, field "cycle"; the current cycle's name,
	// which the name given comes before.
	ErrCycleOrder Kind = "cycle before the current one"
	// ErrReplayed: ECONFLICT; the request's once key. A request with this
	// key was handled already (a replayed signed request), so nothing
	// was done.
	ErrReplayed Kind = "request already handled"
	// ErrEntryChanged: ECONFLICT; the entry ("kind/key") that changed
	// between a feature's read and its write (store.EntryWrite), so
	// nothing was written.
	ErrEntryChanged Kind = "entry changed meanwhile"
	// ErrNotGranted: ENOTFOUND, field "user"; the user, who was not
	// granted admin here (they may still be one by platform role or
	// TARGETBOT_ADMINS).
	ErrNotGranted Kind = "admin not granted here"
	// ErrLastAdmin: ECONFLICT, field "user"; the user whose grant is the
	// workspace's last: it keeps at least one admin granted in chat.
	ErrLastAdmin Kind = "last admin granted here"
)

// kinds holds each kind's code and field: the one place they are declared.
var kinds = map[Kind]struct{ code, field string }{
	ErrTargetNotFound:       {ENOTFOUND, "target"},
	ErrFrameworkNotImported: {ENOTFOUND, "target"},
	ErrTargetExists:         {ECONFLICT, "target"},
	ErrNoSubscription:       {ENOTFOUND, ""},
	ErrNoUpdate:             {ENOTFOUND, ""},
	ErrUpdateNotFound:       {ENOTFOUND, ""},
	ErrAlreadyWithdrawn:     {ECONFLICT, ""},
	ErrNotLatest:            {ECONFLICT, ""},
	ErrDoneBelow100:         {EINVALID, "status"},
	ErrBadProgress:          {EINVALID, "progress"},
	ErrBadStatus:            {EINVALID, "status"},
	ErrBadDue:               {EINVALID, "due"},
	ErrTooLong:              {EINVALID, ""},
	ErrUnavailable:          {EUNAVAILABLE, ""},
	ErrOutcomeUnknown:       {EUNAVAILABLE, ""},
	ErrNoChange:             {ECONFLICT, ""},
	ErrArchived:             {ECONFLICT, "target"},
	ErrBadRating:            {EINVALID, "rating"},
	ErrBadURL:               {EINVALID, "url"},
	ErrBadCycle:             {EINVALID, "cycle"},
	ErrCycleUsed:            {ECONFLICT, "cycle"},
	ErrCycleOrder:           {EINVALID, "cycle"},
	ErrReplayed:             {ECONFLICT, ""},
	ErrEntryChanged:         {ECONFLICT, ""},
	ErrNotGranted:           {ENOTFOUND, "user"},
	ErrLastAdmin:            {ECONFLICT, "user"},
}

// Kinds returns every kind, sorted, so that callers who word them can
// check they word them all.
func Kinds() []Kind { return slices.Sorted(maps.Keys(kinds)) }

// Code is the error code an *Error of this kind carries: EINTERNAL for a
// Kind not declared here.
func (k Kind) Code() string {
	if m, ok := kinds[k]; ok {
		return m.code
	}
	return EINTERNAL
}

// Field is the input field an *Error of this kind names, if any.
func (k Kind) Field() string { return kinds[k].field }

// About returns an *Error of kind k about subject, with the kind's code
// and field and its neutral phrase as the Message.
func (k Kind) About(subject string) *Error {
	return &Error{Code: k.Code(), Field: k.Field(), Message: string(k), Kind: k, Subject: subject}
}
