package commands

import (
	"errors"
	"fmt"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// The store reports what went wrong as a framework.Kind with a subject
// (the ref, channel, user or update id), and a neutral message that is
// never shown. This file alone turns kinds into the sentences users read,
// with the `/target` command that helps: explain for any request, and
// updateErr and undoErr where the sentence needs what the user asked for.

// storeErr is how every call to the store (or to the digest builder,
// which reads it) hands its error on. A kind becomes its sentence. Any
// other error, coded or not, is internal: a store reports nothing to the
// user except through a kind, so its own words never reach a reply. op
// names the call for the logs.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if framework.ErrorCode(err) == framework.EINTERNAL || framework.ErrorKind(err) == "" {
		return &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("commands: %s: %w", op, err)}
	}
	return explain(err)
}

// explain words err for the user when the first *framework.Error in its
// chain is a kind the store reported. It keeps the kind's code, and its
// field unless the user typed that input under another name, and wraps
// err, so errors.Is and the logs still see the kind. Errors already worded
// (by commands, or by an earlier explain) come back unchanged.
//
// Some kinds reach users through one verb only (ErrNoUpdate through undo,
// ErrNoSubscription through digest off, ErrTargetExists through add), and
// their sentences speak to that verb.
func explain(err error) error {
	var e *framework.Error
	if !errors.As(err, &e) || e.Kind == "" {
		return err
	}
	s, field := e.Subject, e.Field
	var msg string
	switch e.Kind {
	case framework.ErrTargetNotFound:
		msg = "unknown target " + code(short(s, 60)) + ": try `/target list`"
	case framework.ErrFrameworkNotImported:
		msg = "framework " + code(short(s, 40)) + " is not imported here: an admin can run " + code("/target import "+short(s, 40))
	case framework.ErrTargetExists:
		// `add` is the only way to create a target; its input is the code.
		field = "code"
		msg = code(short(s, 60)) + " exists already: choose a new code"
	case framework.ErrNoSubscription:
		msg = "this channel gets no digests, so there is nothing to turn off: `/target digest here` subscribes it"
	case framework.ErrNoUpdate:
		msg = "you have no update to undo here: undo withdraws your own last update"
	case framework.ErrUpdateNotFound:
		msg = "there is no update " + code(short(s, 40)) + ": see `/target history <target>`"
	case framework.ErrAlreadyWithdrawn:
		msg = "that update was already undone: see `/target history <target>`"
	case framework.ErrNotLatest:
		msg = "the target has been updated since, so that update cannot be undone: log a new update instead"
	case framework.ErrDoneBelow100:
		msg = short(s, 60) + " is done, and a done target is at 100%: give its new status too, for example on-track"
	case framework.ErrBadProgress:
		msg = "progress " + short(s, 20) + " is out of range: use a whole number from 0 to 100, for example 40%"
	case framework.ErrBadStatus:
		msg = "unknown status " + code(short(s, 30)) + ": use " + statusNames("or")
	case framework.ErrBadDue:
		msg = code(short(s, 30)) + " is not a date: use YYYY-MM-DD, for example 2026-12-31"
	case framework.ErrTooLong:
		msg = "a name or text is empty or too long to store: use a shorter one"
	case framework.ErrUnavailable:
		msg = "storage is unavailable, try again shortly"
	case framework.ErrOutcomeUnknown:
		// The write may have been applied: saying it failed would invite
		// a retry that applies it twice.
		msg = "storage stopped answering, so targetbot could not confirm that this was saved: check with `/target history <target>` (or `/target show`) before trying again"
	case framework.ErrNoChange:
		// changeErr, updateErr and evidenceErr say what it already is.
		msg = "nothing changed: it is already so"
	case framework.ErrArchived:
		msg = code(short(s, 60)) + " is archived: an admin can bring it back with " + code("/target restore "+short(s, 60))
	case framework.ErrBadRating:
		msg = code(short(s, 30)) + " is not a grade: use undeveloped, developing, achieving or excelling (or none to clear it)"
	case framework.ErrBadURL:
		msg = code(short(s, 60)) + " is not a web link: evidence is a link starting with https:// or http://"
	case framework.ErrBadCycle:
		msg = code(short(s, 20)) + " is not a cycle name: name a cycle after its financial year, April to March, like `2027/28`"
	case framework.ErrCycleUsed:
		msg = "cycle " + code(short(s, 20)) + " has been used already: name the new cycle after a later year (see `/target cycle`)"
	case framework.ErrCycleOrder:
		msg = "that cycle comes before the current one, " + code(short(s, 20)) + ": name the new cycle after a later year"
	case framework.ErrReplayed:
		// Whoever sent a signed request again learns only that.
		msg = "this request was already received and handled, so it was not run again"
	case framework.ErrEntryChanged:
		// Someone changed the same record at the same moment.
		msg = "someone else changed this at the same moment, so nothing was saved: look again and repeat the command"
	case framework.ErrNotGranted:
		msg = bot.User(s) + " is not an admin granted here, so there is nothing to remove: see `/target admins`"
	case framework.ErrLastAdmin:
		msg = bot.User(s) + " is the last admin granted here, so they stay one: grant another admin first with `/target admins add @user`"
	default:
		// A kind with no sentence yet: say nothing rather than the
		// store's phrase. TestExplainWordsEveryKind keeps this unreached.
		return &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("commands: no words for %q: %w", e.Kind, err)}
	}
	return &framework.Error{Code: e.Code, Field: field, Message: msg, Err: err}
}

// updateErr words AppendUpdate's refusal of u, which the user typed.
func updateErr(u *framework.Update, err error) error {
	if errors.Is(err, framework.ErrNoChange) {
		// The status is the target's; a progress the user gave is too.
		now := framework.ErrorSubject(err)
		if u.Progress != framework.Unchanged {
			now = fmt.Sprintf("%s at %d%%", now, u.Progress)
		}
		return noChange(err, "nothing changed: %s is already %s. Add a note to log news without a change", code(u.Target), now)
	}
	if !errors.Is(err, framework.ErrDoneBelow100) {
		return storeErr("append update", err)
	}
	// The target is done and the update would leave it below 100%: ask
	// which status it is back at, in a command they can rerun.
	msg := fmt.Sprintf("%s is done: give its new status too, for example %s", u.Target, code(fmt.Sprintf("/target update %s %d%% on-track", u.Target, u.Progress)))
	return &framework.Error{Code: framework.EINVALID, Field: "status", Message: msg, Err: err}
}

// undoErr words Withdraw's refusal of u, the requester's last update. The
// store names the update by id; the user knows it by its target.
func undoErr(u *framework.Update, err error) error {
	var msg string
	switch framework.ErrorKind(err) {
	case framework.ErrAlreadyWithdrawn:
		// Another undo of the same update won the race.
		msg = fmt.Sprintf("your last update, to %s, is already undone: log a new update instead", code(u.Target))
	case framework.ErrNotLatest:
		msg = fmt.Sprintf("someone updated %s after you, so your update can no longer be undone: log a correcting update instead", u.Target)
	case framework.ErrUpdateNotFound:
		msg = fmt.Sprintf("your last update, to %s, no longer exists: there is nothing to undo", code(u.Target))
	default:
		return storeErr("withdraw update", err)
	}
	return &framework.Error{Code: framework.ErrorCode(err), Message: msg, Err: err}
}

// noChange is ErrNoChange worded: refused privately, nothing recorded.
func noChange(err error, format string, args ...any) error {
	return &framework.Error{Code: framework.ErrorCode(err), Message: fmt.Sprintf(format, args...), Err: err}
}

// changeErr words ChangeTarget's refusal of a change of kind to ref.
// ErrNoChange's subject is the value the target already has.
func changeErr(ref string, kind framework.EventKind, err error) error {
	if !errors.Is(err, framework.ErrNoChange) {
		return storeErr(string(kind)+" target", err)
	}
	cur, r := framework.ErrorSubject(err), code(ref)
	switch kind {
	case framework.EventAssign:
		if cur == "" {
			return noChange(err, "nothing changed: %s is already unassigned", r)
		}
		return noChange(err, "nothing changed: %s is already assigned to %s", r, bot.User(cur))
	case framework.EventDue:
		if cur == "" {
			return noChange(err, "nothing changed: %s already has no due date", r)
		}
		return noChange(err, "nothing changed: %s is already due %s", r, cur)
	case framework.EventRate:
		return noChange(err, "nothing changed: %s is already %s in this grading cycle", r, view.Rating(framework.Rating(cur)))
	case framework.EventSnooze:
		if cur == "" {
			return noChange(err, "nothing changed: reminders for %s are not snoozed", r)
		}
		return noChange(err, "nothing changed: reminders for %s are already snoozed until %s, for the same reason", r, cur)
	case framework.EventEdit:
		return noChange(err, "nothing changed: %s already has that title", r)
	case framework.EventArchive:
		return noChange(err, "nothing changed: %s is already archived", r)
	case framework.EventRestore:
		return noChange(err, "nothing changed: %s is not archived", r)
	}
	return explain(err)
}

// evidenceErr words AddEvidence's refusal of url for ref.
func evidenceErr(ref, url string, err error) error {
	if errors.Is(err, framework.ErrNoChange) {
		return noChange(err, "nothing changed: %s is already evidence for %s", bot.Link(url, ""), code(ref))
	}
	return storeErr("add evidence", err)
}

// cycleErr words StartCycle's refusal of name.
func cycleErr(name string, err error) error {
	if errors.Is(err, framework.ErrCycleOrder) {
		return &framework.Error{Code: framework.ErrorCode(err), Field: "cycle", Err: err, Message: fmt.Sprintf(
			"%s comes before the current cycle, %s: cycles move forward, so name the new one after a later year", code(short(name, 20)), code(framework.ErrorSubject(err)))}
	}
	return storeErr("start cycle", err)
}
