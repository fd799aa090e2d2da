package framework

import (
	"errors"
	"fmt"
)

// Error codes. Each tells a caller, and a metrics label, what kind of
// failure happened; the message tells the user what to do about it.
const (
	EINVALID     = "invalid"     // the input is wrong; the message says how to fix it
	ENOTFOUND    = "not found"   // the thing named does not exist
	EFORBIDDEN   = "forbidden"   // the user may not do this
	ECONFLICT    = "conflict"    // the thing exists already, or changed under us
	EUNAVAILABLE = "unavailable" // a dependency (the store, a platform) is down
	EINTERNAL    = "internal"    // a bug or an unexpected failure; never shown in detail
)

// Error is an error with a code and a message that is safe to show a user.
// Wrapped low-level causes stay in Err for logs and never reach the user.
//
// An Error made from a Kind (see Kind.About) is a store's report of a
// known situation: its Message is a neutral phrase for logs, and the
// caller words it for the user from Kind and Subject.
type Error struct {
	Code    string
	Message string
	// Field names the input that was wrong, when one was ("progress",
	// "status", "note", "target"), so forms can show the error beside it.
	Field string
	// Kind is the known situation this error reports, or "" for none.
	// errors.Is(err, k) matches it anywhere in err's chain.
	Kind Kind
	// Subject is what Kind is about, as the caller named it: a target
	// ref, a framework id, a channel, a user or an update id.
	Subject string
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Message)
	if e.Subject != "" {
		s += fmt.Sprintf(" %q", e.Subject)
	}
	if e.Err != nil {
		s += fmt.Sprintf(": %v", e.Err)
	}
	return s
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, so that errors.Is(err,
// ErrTargetNotFound) holds for any err whose chain has such an *Error.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && e.Kind != "" && e.Kind == k
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf is Errorf for a message about one named input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a failure to reach a dependency such as the store:
// an ErrUnavailable with op and err as its cause.
func Unavailable(op string, err error) *Error {
	e := ErrUnavailable.About("")
	e.Err = fmt.Errorf("%s: %w", op, err)
	return e
}

// OutcomeUnknown wraps a failure of a dependency that may have happened
// after it applied the request: the connection dropped or timed out
// while waiting for the answer.
func OutcomeUnknown(op string, err error) *Error {
	e := ErrOutcomeUnknown.About("")
	e.Err = fmt.Errorf("%s: %w", op, err)
	return e
}

// ErrorCode returns the code of the first *Error in err's chain:
// "" for nil, EINTERNAL for an error with no code.
func ErrorCode(err error) string {
	if err == nil {
		return "" // before e, which escapes: every command asks of a nil error
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or "internal error" for an error with no code.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Code != EINTERNAL:
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorField returns the Field of the first *Error in err's chain, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorKind returns the Kind of the first *Error in err's chain that has
// one, or "" if none has.
func ErrorKind(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Kind != "" {
			return e.Kind
		}
		err = e.Err
	}
	return ""
}

// ErrorSubject returns the Subject of the first *Error in err's chain, if any.
func ErrorSubject(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Subject
	}
	return ""
}
