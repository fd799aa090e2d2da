package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Changes to a target's settings (import, add, assign, due, rate, snooze)
// are announced in the channel, like updates: the whole team relies on
// owners, dates and grades, so they should see them change.

// importVerb copies a framework into the workspace. It is idempotent.
func (h *Handler) importVerb(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() != 1 {
		return bot.Reply{}, usageError("import", "", "name one framework to import")
	}
	if err := h.requireAdmin(c, "import a framework"); err != nil {
		return bot.Reply{}, err
	}
	id := strings.ToLower(c.args.at(0))
	f := h.framework(id)
	if f == nil {
		ids := make([]string, len(h.frameworks))
		for i, f := range h.frameworks {
			ids[i] = code(f.ID)
		}
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "unknown framework %s: choose one of %s (see `/target frameworks`)", code(c.args.at(0)), orList(ids))
	}
	if err := f.Validate(); err != nil {
		return bot.Reply{}, &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("commands: import %s: %w", f.ID, err)}
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	was := w.Imported(f.ID)
	added, err := h.store.Import(ctx, w.ID, f, c.now)
	if err != nil {
		return bot.Reply{}, storeErr("import", err)
	}
	h.log.Info("framework imported", "workspace", w.ID, "framework", f.ID, "added", added, "user", c.req.User)
	if added == 0 {
		return ephemeral(fmt.Sprintf("%s (%s) is already imported, nothing added: see `/target list %s`", f.Name, code(f.ID), f.ID)), nil
	}
	what := "imported"
	if was {
		what = "imported new"
	}
	msg := fmt.Sprintf("%s %s %s under %s from %s (%s). See them with %s", bot.User(c.req.User), what,
		plural(added, f.TargetLabel()), plural(len(f.Objectives), f.ObjectiveLabel()), bot.Bold(bot.Escape(f.Name)), code(f.ID), code("/target list "+f.ID))
	return announce(msg), nil
}

// changed announces a change to a target's settings.
func (h *Handler) changed(c *call, w *framework.Workspace, t *framework.Target, what string) bot.Reply {
	return bot.Reply{Blocks: []bot.Block{{
		Text:   fmt.Sprintf("%s %s %s", bot.User(c.req.User), what, targetHeadline(t)),
		Fields: targetFields(h.clock(c, w), t),
		Colour: view.Colour(t),
	}}}
}

// targetFor loads the workspace and resolves the target named by word 0.
func (h *Handler) targetFor(ctx context.Context, c *call) (framework.Workspace, framework.Target, error) {
	w, err := h.workspace(ctx, c)
	if err != nil {
		return w, framework.Target{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, c.args.at(0))
	return w, t, err
}

// patch applies p to t and returns the stored result.
func (h *Handler) patch(ctx context.Context, w *framework.Workspace, t *framework.Target, p framework.TargetPatch) (framework.Target, error) {
	nt, err := h.store.PatchTarget(ctx, w.ID, t.Ref(), p)
	if err != nil {
		return nt, storeErr("patch target "+t.Ref(), err)
	}
	return nt, nil
}

// rate sets or clears a target's EDS grade.
func (h *Handler) rate(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() != 2 {
		return bot.Reply{}, usageError("rate", "rating", "name a target and a grade")
	}
	r, ok := framework.ParseRating(c.args.at(1))
	if !ok {
		return bot.Reply{}, framework.FieldErrorf("rating", "%s is not a grade: use undeveloped, developing, achieving or excelling (or none to clear it)", code(short(c.args.at(1), 30)))
	}
	w, t, err := h.targetFor(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireOwnerOrAdmin(c, &t, "rate"); err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.patch(ctx, &w, &t, framework.TargetPatch{Rating: &r}); err != nil {
		return bot.Reply{}, err
	}
	what := "rated " + view.RatingEmoji(r) + " " + bot.Bold(string(r))
	if r == framework.Unrated {
		what = "cleared the rating of"
	}
	return h.changed(c, &w, &t, what), nil
}

// assign sets or clears a target's owner.
func (h *Handler) assign(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() != 2 {
		return bot.Reply{}, usageError("assign", "owner", "name a target and a user, like `@amy`, or `none`")
	}
	var user string
	switch arg := c.args.at(1); strings.ToLower(arg) {
	case "none", "nobody":
	case "me", "myself":
		user = c.req.User
	default:
		id, ok := parseMention(arg)
		if !ok {
			return bot.Reply{}, framework.FieldErrorf("owner", "%s is not a user: mention them, like `@amy`, or write `none` to unassign", code(short(arg, 40)))
		}
		user = id
	}
	if err := h.requireAdmin(c, "assign targets"); err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.targetFor(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.patch(ctx, &w, &t, framework.TargetPatch{Owner: &user}); err != nil {
		return bot.Reply{}, err
	}
	what := "assigned " + bot.User(user) + " to"
	if user == "" {
		what = "unassigned"
	}
	return h.changed(c, &w, &t, what), nil
}

// The years a due date may fall in.
const (
	minDueYear = "2000"
	maxDueYear = "2099"
)

// due sets or clears a target's due date.
func (h *Handler) due(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() != 2 {
		return bot.Reply{}, usageError("due", "due", "name a target and a date, like `2026-12-31`, or `none`")
	}
	var d framework.Date
	if arg := c.args.at(1); !strings.EqualFold(arg, "none") {
		var err error
		if d, err = framework.ParseDate(short(arg, 30)); err != nil {
			return bot.Reply{}, err
		}
		// Catch typos such as 0226 or 20266 for 2026: no team plans
		// outside this century.
		if y := string(d)[:4]; y < minDueYear || y > maxDueYear {
			return bot.Reply{}, framework.FieldErrorf("due", "%s has year %s: give a date from %s to %s as YYYY-MM-DD, for example 2026-12-31", code(string(d)), y, minDueYear, maxDueYear)
		}
	}
	w, t, err := h.targetFor(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireOwnerOrAdmin(c, &t, "set the due date of"); err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.patch(ctx, &w, &t, framework.TargetPatch{Due: &d}); err != nil {
		return bot.Reply{}, err
	}
	what := "set the due date to " + string(d) + " for"
	if d.IsZero() {
		what = "cleared the due date of"
	}
	return h.changed(c, &w, &t, what), nil
}

// add creates a custom target under an imported objective.
func (h *Handler) add(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() < 3 {
		return bot.Reply{}, usageError("add", "", "give an objective, a new code and a title")
	}
	// A title is one line in every list: fold line breaks and runs of
	// spaces, as the catalog does for built-in titles.
	tcode, title := c.args.at(1), strings.Join(strings.Fields(defuse(c.args.from(2))), " ")
	if !framework.ValidCode(tcode) {
		return bot.Reply{}, framework.FieldErrorf("code", "%s is not a valid code: use letters, digits, dots, hyphens or underscores, at most 16, like `2.4`", code(short(tcode, 30)))
	}
	if err := checkText("title", "title", title, maxTitle); err != nil {
		return bot.Reply{}, err
	}
	if !strings.ContainsFunc(title, func(r rune) bool { return r != ' ' && unicode.IsPrint(r) }) {
		return bot.Reply{}, usageError("add", "title", "the title has nothing visible in it: give the target a title in words")
	}
	if err := h.requireAdmin(c, "add targets"); err != nil {
		return bot.Reply{}, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	ts, err := h.store.Targets(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, storeErr("load targets", err)
	}
	o, err := h.resolveObjective(&w, ts, c.args.at(0))
	if err != nil {
		return bot.Reply{}, err
	}
	for _, t := range ts {
		if t.Framework == o.Framework && strings.EqualFold(t.Code, tcode) {
			return bot.Reply{}, explain(framework.ErrTargetExists.About(t.Ref()))
		}
	}
	t := framework.Target{
		Framework: o.Framework, Objective: o.Code, Code: tcode, Title: title,
		Custom: true, Status: framework.NotStarted, CreatedAt: c.now,
	}
	if err := h.store.AddTarget(ctx, w.ID, t); err != nil {
		return bot.Reply{}, storeErr("add target", err)
	}
	return h.changed(c, &w, &t, "added the custom target"), nil
}

// snooze pauses overdue reminders for a target until a day, or clears it.
func (h *Handler) snooze(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() < 2 {
		return bot.Reply{}, usageError("snooze", "until", "name a target and how long, like `7d`, `2w` or `2026-12-01`, or `off`")
	}
	reason := defuse(c.args.from(2))
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return bot.Reply{}, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var until framework.Date
	if arg := c.args.at(1); !strings.EqualFold(arg, "off") {
		if until, err = parseSnooze(arg, framework.Today(c.now, w.Location(h.loc))); err != nil {
			return bot.Reply{}, err
		}
	} else if reason != "" {
		return bot.Reply{}, usageError("snooze", "reason", "`snooze <target> off` takes no reason")
	}
	t, err := h.resolveTarget(ctx, c, &w, c.args.at(0))
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireOwnerOrAdmin(c, &t, "snooze"); err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.patch(ctx, &w, &t, framework.TargetPatch{SnoozedUntil: &until, SnoozeReason: &reason}); err != nil {
		return bot.Reply{}, err
	}
	what := "snoozed reminders until " + string(until) + " for"
	if until.IsZero() {
		what = "turned reminders back on for"
	}
	return h.changed(c, &w, &t, what), nil
}

// parseSnooze reads `7d`, `2w` or a date, and requires a day after today.
func parseSnooze(s string, today framework.Date) (framework.Date, error) {
	bad := framework.FieldErrorf("until", "%s is not a snooze length: use days like `7d`, weeks like `2w`, a date like `2026-12-01`, or `off`", code(short(s, 30)))
	lower := strings.ToLower(s)
	if n, unit := strings.TrimRight(lower, "dw"), strings.TrimLeft(lower, "0123456789"); n != "" && (unit == "d" || unit == "w") {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 {
			return "", bad
		}
		if unit == "w" {
			v *= 7
		}
		if v > 366 {
			return "", framework.FieldErrorf("until", "snooze for at most a year: %s is too long", code(short(s, 30)))
		}
		return today.AddDays(v), nil
	}
	if len(s) != len("2006-01-02") || s[4] != '-' {
		return "", bad
	}
	d, err := framework.ParseDate(s)
	if err != nil {
		return "", bad
	}
	if !today.Before(d) {
		return "", framework.FieldErrorf("until", "%s is not in the future: pick a day after %s", code(s), today)
	}
	if last := today.AddDays(366); last.Before(d) {
		return "", framework.FieldErrorf("until", "snooze for at most a year: pick a day up to %s", last)
	}
	return d, nil
}
