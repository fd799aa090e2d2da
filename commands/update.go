package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// undoWindow is how long after logging an update its author may undo it.
const undoWindow = 15 * time.Minute

// updateArgs is what an update command asks to change.
type updateArgs struct {
	progress int // framework.Unchanged when not given
	status   framework.Status
	note     string
}

// parseUpdateArgs reads `[<n>%] [status] [note…]` from word i on.
//
// Progress and status may come in either order before the note, the
// status as one word or two (`at-risk` or `at risk`). The
// first word that is neither starts the note, which runs verbatim to the
// end; a `--` word ends the options, so `-- 50% of staff trained` is all
// note. A bare number without % counts as progress only when nothing but
// options follows it (`update eds/1.1 40` or `update eds/1.1 40 on-track`),
// so a note such as `3 sessions held` is still a note.
func parseUpdateArgs(a args, i int) (updateArgs, error) {
	u := updateArgs{progress: framework.Unchanged}
	setProgress := func(tok string) error {
		if u.progress != framework.Unchanged {
			return usageError("update", "progress", "progress is given twice: give one, like `40%`")
		}
		p, err := parseProgress(tok)
		u.progress = p
		if err != nil {
			u.progress = framework.Unchanged
		}
		return err
	}
options:
	for ; i < a.len(); i++ {
		tok := a.at(i)
		switch {
		case tok == "--":
			u.note = a.after(i)
			break options
		case looksLikeProgress(tok):
			if err := setProgress(tok); err != nil {
				return u, err
			}
		case statusWords(a, i) > 0:
			if u.status != "" {
				return u, usageError("update", "status", "the status is given twice: give one of "+statusNames("or"))
			}
			words := tok
			if statusWords(a, i) == 2 {
				i++
				words += " " + a.at(i)
			}
			u.status, _ = parseStatus(words)
		case isNumberish(tok) && onlyOptionsFrom(a, i+1):
			if err := setProgress(tok); err != nil {
				return u, err
			}
		default:
			if hint := misread(a, i, a.at(0)); hint != "" {
				return u, framework.FieldErrorf("note", "%s", hint)
			}
			u.note = a.from(i)
			break options
		}
	}
	return checkUpdate(u)
}

// checkUpdate applies the rules every update meets, however it was
// given: it changes something, done means 100%, and the note is inert
// text within maxNote.
func checkUpdate(u updateArgs) (updateArgs, error) {
	if u.progress == framework.Unchanged && u.status == "" && u.note == "" {
		return u, usageError("update", "", "say what changed: a progress like `40%`, a status, or a note")
	}
	if u.status == framework.Done {
		switch {
		case u.progress == framework.Unchanged:
			u.progress = 100
		case u.progress != 100:
			return u, framework.FieldErrorf("progress", "a done target is 100%%, not %d%%: drop the progress, or pick another status such as on-track", u.progress)
		}
	}
	if err := checkText("note", "note", u.note, maxNote); err != nil {
		return u, err
	}
	return u, nil
}

// statusWords reports how many words from word i name a status: 1 for
// "on-track", 2 for "on track" (people write statuses both ways), 0 for
// none.
func statusWords(a args, i int) int {
	if _, ok := parseStatus(a.at(i)); ok {
		return 1
	}
	if i+1 < a.len() && statusFirstWord(a.at(i)) {
		if _, ok := framework.ParseStatus(a.at(i) + " " + a.at(i+1)); ok {
			return 2
		}
	}
	return 0
}

// statusFirstWord reports whether w can start a two-word status ("on
// track", "at risk", "off track", "not started"), so that other words
// are not joined to the next one only to be refused.
func statusFirstWord(w string) bool {
	for _, f := range [...]string{"on", "at", "off", "not"} {
		if strings.EqualFold(w, f) {
			return true
		}
	}
	return false
}

// onlyOptionsFrom reports whether every word from i on is a progress, a
// status, or the `--` that ends the options.
func onlyOptionsFrom(a args, i int) bool {
	for ; i < a.len(); i++ {
		tok := a.at(i)
		if tok == "--" {
			return true
		}
		if n := statusWords(a, i); n > 0 {
			i += n - 1
			continue
		}
		if !looksLikeProgress(tok) {
			return false
		}
	}
	return true
}

// errNotTried stands for the full-reference write when there was none,
// so that the bare-code path below runs.
var errNotTried = framework.Errorf(framework.ENOTFOUND, "not tried")

// update logs progress, a status or a note against a target and tells
// the channel.
func (h *Handler) update(ctx context.Context, c *call) (bot.Reply, error) {
	ua, err := readUpdate(c)
	if err != nil {
		return bot.Reply{}, err
	}
	in := framework.Update{
		Author:   c.req.User,
		Time:     c.now,
		Progress: ua.progress,
		Status:   ua.status,
		Note:     ua.note,
	}
	// A full reference goes straight to the store's one atomic write: the
	// everyday update costs one round trip. Only a bare code, or a
	// reference the store does not know, needs the workspace read to
	// resolve it or to explain what is wrong.
	//
	// The request's once key (its replay claim) rides in the write too,
	// which takes it before anything else, even when it then finds no
	// target: the second write, after resolving, needs it no more.
	var u framework.Update
	var t framework.Target
	err = errNotTried
	once := c.once()
	ref := c.arg("target")
	if fwID, tcode := framework.SplitRef(ref); fwID != "" && tcode != "" {
		in.Target = framework.Ref(strings.ToLower(fwID), tcode)
		u, t, err = h.store.AppendUpdate(ctx, c.req.Workspace, in, once)
		c.claimed = c.claimed || once.Key != ""
		once = store.Once{}
	}
	if err != nil && framework.ErrorCode(err) == framework.ENOTFOUND {
		rt, rerr := h.resolveUpdateTarget(ctx, c, ref)
		if rerr != nil {
			if once.Key != "" {
				// Claimed all the same, as a refusal in the write would be.
				if cerr := h.claimOnce(ctx, c); cerr != nil {
					return bot.Reply{}, cerr
				}
			}
			return bot.Reply{}, rerr
		}
		in.Target = rt.Ref()
		u, t, err = h.store.AppendUpdate(ctx, c.req.Workspace, in, once)
		c.claimed = c.claimed || once.Key != ""
	}
	if err != nil {
		return bot.Reply{}, updateErr(&in, err)
	}
	if h.log.Enabled(ctx, slog.LevelDebug) { // its arguments cost 4 allocations a command
		h.log.Debug("update logged", "workspace", c.req.Workspace, "target", t.Ref(), "update", u.ID, "user", c.req.User)
	}
	nl, note := "", ""
	if ua.note != "" {
		nl, note = "\n", view.Note(ua.note)
	}
	text := bot.User(c.req.User) + " updated " + targetHeadline(&t) + "\n" + view.ProgressBar(t.Progress) + " · " + view.Status(t.Status) + nl + note
	if t.Progress == 100 && t.Status != framework.Done {
		// 100% is not done by itself: the owner may still be checking.
		text += "\nAt 100%: if it is finished, " + code("/target update "+t.Ref()+" done") + " marks it done"
	}
	return bot.Reply{Blocks: []bot.Block{{
		Text:    text,
		Colour:  view.StatusColour(t.Status),
		Buttons: view.TargetButtons(&t),
	}}}, nil
}

// resolveUpdateTarget reads the workspace and finds the target ref names
// in it, for an update whose ref the store did not take as it is.
func (h *Handler) resolveUpdateTarget(ctx context.Context, c *call, ref string) (framework.Target, error) {
	w, err := h.workspace(ctx, c)
	if err != nil {
		return framework.Target{}, err
	}
	return h.resolveTarget(ctx, c, &w, ref)
}

// undo withdraws the requester's last update, within undoWindow, and
// tells the channel.
func (h *Handler) undo(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 0 {
		return bot.Reply{}, usageError("undo", "", "undo takes no arguments: it withdraws your own last update")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	u, err := h.store.LastUpdateBy(ctx, w.ID, c.req.User)
	if err != nil {
		return bot.Reply{}, storeErr("load last update", err)
	}
	loc := w.Location(h.loc)
	if u.Withdrawn {
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "your last update, to %s at %s, is already undone: log a new update instead", code(u.Target), u.Time.In(loc).Format("15:04"))
	}
	if age := c.now.Sub(u.Time); age > undoWindow {
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT,
			"your last update, to %s, was logged %s ago, and undo works for 15 minutes: log a correcting update instead, for example %s",
			code(u.Target), ago(age), code("/target update "+u.Target+fmt.Sprintf(" %d%%", u.PrevProgress)))
	}
	_, t, err := h.store.Withdraw(ctx, w.ID, u.ID, c.now)
	if errors.Is(err, framework.ErrNotLatest) {
		return bot.Reply{}, h.notLatest(ctx, w.ID, loc, &u, err)
	}
	if err != nil {
		return bot.Reply{}, undoErr(&u, err)
	}
	h.log.Debug("update withdrawn", "workspace", w.ID, "target", t.Ref(), "update", u.ID, "user", c.req.User)
	return bot.Reply{Blocks: []bot.Block{{
		Text:   fmt.Sprintf("%s undid their update to %s: back to %s · %s", bot.User(c.req.User), targetHeadline(&t), view.ProgressBar(t.Progress), view.Status(t.Status)),
		Colour: view.StatusColour(t.Status),
	}}}, nil
}

// ago is a duration as people say it: "20 minutes", "3 hours", "2 days".
func ago(d time.Duration) string {
	switch {
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
}

// notLatest words ErrNotLatest for undo, naming who updated the target
// since u, by the name the workspace knows for them, and when. An update
// withdrawn since does not stand in the way, so the newest update in
// force after u is the one named.
func (h *Handler) notLatest(ctx context.Context, ws string, loc *time.Location, u *framework.Update, err error) error {
	us, lerr := h.store.Updates(ctx, ws, u.Target, undoLookBack)
	if lerr != nil {
		return undoErr(u, err)
	}
	// Updates are newest first: the ones before u are newer than it.
	for _, o := range us {
		if o.ID == u.ID {
			break
		}
		if o.Withdrawn {
			continue
		}
		// Without the names, a mention still says who.
		people, _ := h.people(ctx, ws)
		msg := fmt.Sprintf("%s updated %s after you, at %s, so your update can no longer be undone: log a correcting update instead",
			view.Person(people, o.Author), code(u.Target), o.Time.In(loc).Format("15:04"))
		return &framework.Error{Code: framework.ErrorCode(err), Message: msg, Err: err}
	}
	return undoErr(u, err)
}

// undoLookBack is how many of a target's newest updates undo reads to
// name who updated it since; 15 minutes rarely see more.
const undoLookBack = 20
