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
type Error struct {
	Code    string
	Message string
	// Field names the input that was wrong, when one was ("progress",
	// "status", "note", "target"), so forms can show the error beside it.
	Field string
	Err   error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf is Errorf for a message about one named input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a failure to reach a dependency such as the store.
func Unavailable(op string, err error) *Error {
	return &Error{Code: EUNAVAILABLE, Message: "storage is unavailable, try again shortly", Err: fmt.Errorf("%s: %w", op, err)}
}

// ErrorCode returns the code of the first *Error in err's chain:
// "" for nil, EINTERNAL for an error with no code.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
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
