package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// TestExplainWordsEveryKind fails when framework gains a kind that
// commands has no sentence for.
func TestExplainWordsEveryKind(t *testing.T) {
	for _, k := range framework.Kinds() {
		raw := fmt.Errorf("somestore: %w", k.About("eds/1.1"))
		err := explain(raw)
		if framework.ErrorCode(err) != k.Code() || framework.ErrorCode(err) == framework.EINTERNAL {
			t.Errorf("%q: code %q, want %q", k, framework.ErrorCode(err), k.Code())
		}
		msg := framework.ErrorMessage(err)
		if msg == string(k) || msg == "" || msg == "internal error" {
			t.Errorf("%q: message %q is not worded for users", k, msg)
		}
		if !errors.Is(err, k) || !errors.Is(err, raw) {
			t.Errorf("%q: the worded error lost the store's error from its chain", k)
		}
		if again := explain(err); framework.ErrorMessage(again) != msg || framework.ErrorField(again) != framework.ErrorField(err) {
			t.Errorf("%q: explaining twice gives %q, want %q", k, framework.ErrorMessage(again), msg)
		}
		if got := framework.ErrorMessage(storeErr("op", raw)); got != msg {
			t.Errorf("%q: storeErr gives %q, explain %q", k, got, msg)
		}
	}
}

// TestStoreWording pins what users read for each kind: the sentences the
// stores used to carry, now kept here.
func TestStoreWording(t *testing.T) {
	for _, tt := range []struct {
		kind           framework.Kind
		subject        string
		field, message string
	}{
		{framework.ErrTargetNotFound, "eds/9.9", "target", "unknown target `eds/9.9`: try `/target list`"},
		{framework.ErrTargetNotFound, "eds/`9`", "target", "unknown target `eds/\\`9\\``: try `/target list`"},
		{framework.ErrFrameworkNotImported, "nhse", "target", "framework `nhse` is not imported here: an admin can run `/target import nhse`"},
		{framework.ErrTargetExists, "eds/1.1", "code", "`eds/1.1` exists already: choose a new code"},
		{framework.ErrNoSubscription, "C1", "", "this channel gets no digests, so there is nothing to turn off: `/target digest here` subscribes it"},
		{framework.ErrNoUpdate, "UAMY", "", "you have no update to undo here: undo withdraws your own last update"},
		{framework.ErrUpdateNotFound, "42", "", "there is no update `42`: see `/target history <target>`"},
		{framework.ErrAlreadyWithdrawn, "42", "", "that update was already undone: see `/target history <target>`"},
		{framework.ErrNotLatest, "42", "", "the target has been updated since, so that update cannot be undone: log a new update instead"},
		{framework.ErrDoneBelow100, "eds/1.1", "status", "eds/1.1 is done, and a done target is at 100%: give its new status too, for example on-track"},
		{framework.ErrBadProgress, "101", "progress", "progress 101 is out of range: use a whole number from 0 to 100, for example 40%"},
		{framework.ErrBadStatus, "finished", "status", "unknown status `finished`: use not-started, on-track, at-risk, off-track or done"},
		{framework.ErrBadDue, "next week", "due", "`next week` is not a date: use YYYY-MM-DD, for example 2026-12-31"},
		{framework.ErrTooLong, "", "", "a name or text is empty or too long to store: use a shorter one"},
		{framework.ErrUnavailable, "", "", "storage is unavailable, try again shortly"},
		{framework.ErrOutcomeUnknown, "", "", "storage stopped answering, so targetbot could not confirm that this was saved: check with `/target history <target>` (or `/target show`) before trying again"},
		{framework.ErrNoChange, "on-track", "", "nothing changed: it is already so"},
		{framework.ErrArchived, "eds/2.9", "target", "`eds/2.9` is archived: an admin can bring it back with `/target restore eds/2.9`"},
		{framework.ErrBadRating, "great", "rating", "`great` is not a grade: use undeveloped, developing, achieving or excelling (or none to clear it)"},
		{framework.ErrBadURL, "ftp://x", "url", "`ftp://x` is not a web link: evidence is a link starting with https:// or http://"},
		{framework.ErrBadCycle, "2027-28", "cycle", "`2027-28` is not a cycle name: name a cycle after its financial year, April to March, like `2027/28`"},
		{framework.ErrCycleUsed, "2026/27", "cycle", "cycle `2026/27` has been used already: name the new cycle after a later year (see `/target cycle`)"},
		{framework.ErrCycleOrder, "2026/27", "cycle", "that cycle comes before the current one, `2026/27`: name the new cycle after a later year"},
		{framework.ErrEntryChanged, "admin/amy", "", "someone else changed this at the same moment, so nothing was saved: look again and repeat the command"},
		{framework.ErrNotGranted, "UAMY", "user", "<@UAMY> is not an admin granted here, so there is nothing to remove: see `/target admins`"},
		{framework.ErrLastAdmin, "UAMY", "user", "<@UAMY> is the last admin granted here, so they stay one: grant another admin first with `/target admins add @user`"},
	} {
		err := explain(tt.kind.About(tt.subject))
		if framework.ErrorField(err) != tt.field || framework.ErrorMessage(err) != tt.message {
			t.Errorf("%q about %q: field %q message %q\nwant field %q message %q", tt.kind, tt.subject, framework.ErrorField(err), framework.ErrorMessage(err), tt.field, tt.message)
		}
	}
}

func TestStoreErr(t *testing.T) {
	if storeErr("op", nil) != nil {
		t.Fatal("storeErr(nil) is not nil")
	}
	for name, err := range map[string]error{
		"plain":        errors.New("disk on fire"),
		"internal":     &framework.Error{Code: framework.EINTERNAL, Message: "decode target"},
		"kind-less":    framework.Errorf(framework.EINVALID, "claim x: ttl 0s must be positive"),
		"unknown kind": framework.Kind("made up").About("x"),
	} {
		got := storeErr("load things", err)
		if framework.ErrorCode(got) != framework.EINTERNAL || framework.ErrorMessage(got) != "internal error" || !errors.Is(got, err) {
			t.Errorf("%s: storeErr = %v (code %q, message %q), want internal wrapping the cause", name, got, framework.ErrorCode(got), framework.ErrorMessage(got))
		}
	}
	// Errors commands words itself pass explain untouched.
	own := framework.FieldErrorf("owner", "mention them, like `@amy`")
	if explain(own) != error(own) {
		t.Error("explain changed an error commands worded")
	}
}

// faultyStore is a real store whose named methods fail with the given
// errors instead: a store changing under a command, or a driver reporting
// a kind commands usually heads off.
type faultyStore struct {
	store.Store
	fail map[string]error
}

func (f *faultyStore) Targets(ctx context.Context, ws string) ([]framework.Target, error) {
	if err := f.fail["Targets"]; err != nil {
		return nil, err
	}
	return f.Store.Targets(ctx, ws)
}

func (f *faultyStore) AddTarget(ctx context.Context, ws string, t framework.Target) error {
	if err := f.fail["AddTarget"]; err != nil {
		return err
	}
	return f.Store.AddTarget(ctx, ws, t)
}

func (f *faultyStore) ChangeTarget(ctx context.Context, ws, ref string, ch framework.Change) (framework.Target, framework.Event, error) {
	if err := f.fail["ChangeTarget"]; err != nil {
		return framework.Target{}, framework.Event{}, err
	}
	return f.Store.ChangeTarget(ctx, ws, ref, ch)
}

func (f *faultyStore) AddEvidence(ctx context.Context, ws, ref string, ev framework.Evidence) (framework.Event, error) {
	if err := f.fail["AddEvidence"]; err != nil {
		return framework.Event{}, err
	}
	return f.Store.AddEvidence(ctx, ws, ref, ev)
}

func (f *faultyStore) Events(ctx context.Context, ws, ref string, n int) ([]framework.Event, error) {
	if err := f.fail["Events"]; err != nil {
		return nil, err
	}
	return f.Store.Events(ctx, ws, ref, n)
}

func (f *faultyStore) StartCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, int, error) {
	if err := f.fail["StartCycle"]; err != nil {
		return framework.Workspace{}, 0, err
	}
	return f.Store.StartCycle(ctx, ws, name, at)
}

func (f *faultyStore) AppendUpdate(ctx context.Context, ws string, u framework.Update, once store.Once) (framework.Update, framework.Target, error) {
	if err := f.fail["AppendUpdate"]; err != nil {
		return framework.Update{}, framework.Target{}, err
	}
	return f.Store.AppendUpdate(ctx, ws, u, once)
}

func (f *faultyStore) Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error) {
	if err := f.fail["Updates"]; err != nil {
		return nil, err
	}
	return f.Store.Updates(ctx, ws, ref, n)
}

func (f *faultyStore) Withdraw(ctx context.Context, ws, id string, at time.Time) (framework.Update, framework.Target, error) {
	if err := f.fail["Withdraw"]; err != nil {
		return framework.Update{}, framework.Target{}, err
	}
	return f.Store.Withdraw(ctx, ws, id, at)
}

// TestStoreErrorsReachUsersWorded drives each verb into a store error it
// does not head off and checks the reply is commands' sentence, never the
// store's phrase.
func TestStoreErrorsReachUsersWorded(t *testing.T) {
	for _, tt := range []struct {
		name        string
		user        string
		method      string
		err         error
		text        string
		code, field string
		want        string
	}{
		{"target gone before the change", adminUser, "ChangeTarget", framework.ErrTargetNotFound.About("eds/1.1"),
			"assign eds/1.1 @bob", framework.ENOTFOUND, "target", "unknown target `eds/1.1`: try `/target list`"},
		{"target gone before history", amy, "Updates", framework.ErrTargetNotFound.About("eds/1.1"),
			"history eds/1.1", framework.ENOTFOUND, "target", "unknown target `eds/1.1`: try `/target list`"},
		{"framework dropped before add", adminUser, "AddTarget", framework.ErrFrameworkNotImported.About("eds"),
			"add eds/1 1.9 New thing", framework.ENOTFOUND, "target", "framework `eds` is not imported here: an admin can run `/target import eds`"},
		{"code taken before add", adminUser, "AddTarget", framework.ErrTargetExists.About("eds/1.9"),
			"add eds/1 1.9 New thing", framework.ECONFLICT, "code", "`eds/1.9` exists already: choose a new code"},
		{"a note too long for the backend", amy, "AppendUpdate", framework.ErrTooLong.About(""),
			"update eds/1.1 40%", framework.EINVALID, "", "a name or text is empty or too long to store: use a shorter one"},
		{"target archived before the change", adminUser, "ChangeTarget", framework.ErrArchived.About("eds/1.1"),
			"due eds/1.1 2026-03-01", framework.ECONFLICT, "target", "`eds/1.1` is archived: an admin can bring it back with `/target restore eds/1.1`"},
		{"target archived before the evidence", amy, "AddEvidence", framework.ErrArchived.About("eds/1.1"),
			"evidence eds/1.1 https://example.org/x", framework.ECONFLICT, "target", "`eds/1.1` is archived"},
		{"a link the store refuses", amy, "AddEvidence", framework.ErrBadURL.About("https://x"),
			"evidence eds/1.1 https://example.org/x", framework.EINVALID, "url", "`https://x` is not a web link"},
		{"events unreadable", amy, "Events", fmt.Errorf("wrapped: %w", framework.Unavailable("somestore: read", errors.New("refused"))),
			"history eds/1.1", framework.EUNAVAILABLE, "", "storage is unavailable, try again shortly"},
		{"a cycle name taken meanwhile", adminUser, "StartCycle", framework.ErrCycleUsed.About("2027/28"),
			"cycle start 2027/28", framework.ECONFLICT, "cycle", "cycle `2027/28` has been used already"},
		{"a cycle started meanwhile", adminUser, "StartCycle", framework.ErrCycleOrder.About("2028/29"),
			"cycle start 2027/28", framework.EINVALID, "cycle", "`2027/28` comes before the current cycle, `2028/29`"},
		{"a due date the store refuses", adminUser, "ChangeTarget", framework.ErrBadDue.About("2026-02-30"),
			"due eds/1.1 2026-03-01", framework.EINVALID, "due", "`2026-02-30` is not a date"},
		{"store down mid-command", amy, "Updates", fmt.Errorf("wrapped: %w", framework.Unavailable("somestore: read", errors.New("refused"))),
			"show eds/1.1", framework.EUNAVAILABLE, "", "storage is unavailable, try again shortly"},
		{"undo of an update that vanished", amy, "Withdraw", framework.ErrUpdateNotFound.About("1"),
			"undo", framework.ENOTFOUND, "", "your last update, to `eds/1.2`, no longer exists: there is nothing to undo"},
		{"undo lost to another undo", amy, "Withdraw", framework.ErrAlreadyWithdrawn.About("1"),
			"undo", framework.ECONFLICT, "", "your last update, to `eds/1.2`, is already undone: log a new update instead"},
		{"undo after someone else's update", amy, "Withdraw", framework.ErrNotLatest.About("1"),
			"undo", framework.ECONFLICT, "", "someone updated eds/1.2 after you, so your update can no longer be undone: log a correcting update instead"},
		{"a driver's kind-less words", amy, "Targets", framework.Errorf(framework.EINVALID, "driver words"),
			"list", framework.EINTERNAL, "", "internal error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := imported(t)
			e.ok(amy, "update eds/1.2 10%")
			var logs bytes.Buffer
			f := &faultyStore{Store: e.st, fail: map[string]error{tt.method: tt.err}}
			e.h.store = f
			e.h.log = slog.New(slog.NewTextHandler(&logs, nil))
			r := e.as(tt.user, tt.text)
			if r.Code != tt.code || r.Field != tt.field || !strings.HasPrefix(r.Text(), tt.want) {
				t.Fatalf("%q = code %q field %q text %q\nwant code %q field %q text %q", tt.text, r.Code, r.Field, r.Text(), tt.code, tt.field, tt.want)
			}
			if k := framework.ErrorKind(tt.err); k != "" && strings.Contains(r.Text(), string(k)) {
				t.Fatalf("reply %q shows the store's phrase %q", r.Text(), k)
			}
			if tt.code == framework.EINTERNAL && !strings.Contains(logs.String(), "driver words") {
				t.Fatalf("the internal error was not logged: %s", logs.String())
			}
		})
	}
}

func TestDigestOffUnsubscribed(t *testing.T) {
	e := imported(t)
	e.unchanged(adminUser, "digest off", framework.ENOTFOUND, "", "this channel gets no digests, so there is nothing to turn off: `/target digest here` subscribes it")
}

func TestDigestNowStoreDown(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "digest here")
	e.digest = func(context.Context, string, string) error {
		return fmt.Errorf("reminders: digest: %w", framework.Unavailable("somestore: read", errors.New("refused")))
	}
	e.fail(adminUser, "digest now", framework.EUNAVAILABLE, "", "storage is unavailable, try again shortly")
}

// TestErrorReplyWordsStoreErrors: a store error that reaches errorReply
// unworded, by a path that forgot storeErr, is still worded there.
func TestErrorReplyWordsStoreErrors(t *testing.T) {
	h := New(Options{})
	c := &call{verb: "show"}
	r := h.errorReply(c, fmt.Errorf("load: %w", framework.ErrTargetNotFound.About("eds/9.9")))
	if r.Code != framework.ENOTFOUND || r.Field != "target" || r.Text() != "unknown target `eds/9.9`: try `/target list`" || !r.Ephemeral {
		t.Errorf("errorReply = %+v", r)
	}
	r = h.errorReply(c, framework.Unavailable("somestore: read", errors.New("refused")))
	if r.Code != framework.EUNAVAILABLE || r.Text() != "storage is unavailable, try again shortly" {
		t.Errorf("errorReply = %+v", r)
	}
	if r := h.errorReply(c, errNoDigests); r.Text() != framework.ErrorMessage(errNoDigests) {
		t.Errorf("errorReply(errNoDigests) = %+v", r)
	}
}
