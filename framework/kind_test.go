package framework

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestKindAbout(t *testing.T) {
	for _, tt := range []struct {
		kind         Kind
		code, field  string
		wantNotMatch Kind
	}{
		{ErrTargetNotFound, ENOTFOUND, "target", ErrFrameworkNotImported},
		{ErrFrameworkNotImported, ENOTFOUND, "target", ErrTargetNotFound},
		{ErrTargetExists, ECONFLICT, "target", ErrTargetNotFound},
		{ErrNoSubscription, ENOTFOUND, "", ErrNoUpdate},
		{ErrNoUpdate, ENOTFOUND, "", ErrUpdateNotFound},
		{ErrUpdateNotFound, ENOTFOUND, "", ErrNoUpdate},
		{ErrAlreadyWithdrawn, ECONFLICT, "", ErrNotLatest},
		{ErrNotLatest, ECONFLICT, "", ErrAlreadyWithdrawn},
		{ErrDoneBelow100, EINVALID, "status", ErrBadStatus},
		{ErrBadProgress, EINVALID, "progress", ErrBadStatus},
		{ErrBadStatus, EINVALID, "status", ErrDoneBelow100},
		{ErrBadDue, EINVALID, "due", ErrBadProgress},
		{ErrTooLong, EINVALID, "", ErrBadDue},
		{ErrUnavailable, EUNAVAILABLE, "", ErrTooLong},
		{ErrOutcomeUnknown, EUNAVAILABLE, "", ErrUnavailable},
		{ErrNoChange, ECONFLICT, "", ErrArchived},
		{ErrArchived, ECONFLICT, "target", ErrNoChange},
		{ErrBadRating, EINVALID, "rating", ErrBadStatus},
		{ErrBadURL, EINVALID, "url", ErrBadRating},
		{ErrBadCycle, EINVALID, "cycle", ErrCycleUsed},
		{ErrCycleUsed, ECONFLICT, "cycle", ErrCycleOrder},
		{ErrCycleOrder, EINVALID, "cycle", ErrBadCycle},
		{ErrReplayed, ECONFLICT, "", ErrNoChange},
		{ErrEntryChanged, ECONFLICT, "", ErrNoChange},
		{ErrNotGranted, ENOTFOUND, "user", ErrLastAdmin},
		{ErrLastAdmin, ECONFLICT, "user", ErrNotGranted},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			var err error = tt.kind.About("eds/`9.9`")
			wrapped := fmt.Errorf("somewhere: %w", err)
			if !errors.Is(err, tt.kind) || !errors.Is(wrapped, tt.kind) {
				t.Fatalf("errors.Is(%v, %v) = false", wrapped, tt.kind)
			}
			if errors.Is(wrapped, tt.wantNotMatch) {
				t.Fatalf("errors.Is(%v, %v) = true", wrapped, tt.wantNotMatch)
			}
			if ErrorCode(wrapped) != tt.code || ErrorField(wrapped) != tt.field || ErrorSubject(wrapped) != "eds/`9.9`" || ErrorKind(wrapped) != tt.kind {
				t.Fatalf("code %q field %q subject %q kind %q, want %q %q", ErrorCode(wrapped), ErrorField(wrapped), ErrorSubject(wrapped), ErrorKind(wrapped), tt.code, tt.field)
			}
			// The message is the neutral phrase: no subject (which is the
			// caller's text), no markup, no commands.
			if msg := ErrorMessage(wrapped); msg != string(tt.kind) || strings.ContainsAny(msg, "`*_") || strings.Contains(msg, "/target") {
				t.Fatalf("message %q, want the neutral %q", msg, tt.kind)
			}
		})
	}
	if got, want := len(Kinds()), 26; got != want {
		t.Errorf("Kinds() has %d kinds, want %d: add the new kind to the table above", got, want)
	}
}

func TestKindIsNotCode(t *testing.T) {
	// A coded error with no kind matches no kind, even with the same code
	// and field: callers that test kinds must not catch other errors.
	plain := FieldErrorf("target", "unknown target")
	plain.Code = ENOTFOUND
	if errors.Is(plain, ErrTargetNotFound) || ErrorKind(plain) != "" {
		t.Fatal("a kind-less *Error matched ErrTargetNotFound")
	}
	// An *Error that words a kinded error for the user keeps the kind in
	// its chain.
	worded := &Error{Code: ENOTFOUND, Message: "unknown target `x`", Err: ErrTargetNotFound.About("x")}
	if !errors.Is(worded, ErrTargetNotFound) || ErrorKind(worded) != ErrTargetNotFound || ErrorMessage(worded) != "unknown target `x`" {
		t.Fatalf("worded error lost its kind or message: %v", worded)
	}
	if Kind("made up").Code() != EINTERNAL {
		t.Error("an undeclared kind must be internal")
	}
}

func TestUnavailable(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	err := Unavailable("redisstore: get", cause)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) || ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("Unavailable = %v", err)
	}
	if !strings.Contains(err.Error(), "redisstore: get: dial tcp: refused") {
		t.Fatalf("Error() = %q, want the op and cause for logs", err.Error())
	}
}

func TestChecksReportKinds(t *testing.T) {
	if err := CheckDone("eds/1.1", 40, Done); !errors.Is(err, ErrDoneBelow100) || ErrorSubject(err) != "eds/1.1" {
		t.Errorf("CheckDone = %v", err)
	}
	if err := CheckUpdate(&Update{Progress: 101}); !errors.Is(err, ErrBadProgress) || ErrorSubject(err) != "101" {
		t.Errorf("CheckUpdate(101%%) = %v", err)
	}
	if err := CheckUpdate(&Update{Progress: 5, Status: "finished"}); !errors.Is(err, ErrBadStatus) || ErrorSubject(err) != "finished" {
		t.Errorf("CheckUpdate(finished) = %v", err)
	}
	if err := CheckDue("next week"); !errors.Is(err, ErrBadDue) || ErrorSubject(err) != "next week" {
		t.Errorf("CheckDue = %v", err)
	}
}
