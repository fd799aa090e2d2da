package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Changes to a target's settings (import, add, assign, due, rate, snooze)
// are announced in the channel, like updates: the whole team relies on
// owners, dates and grades, so they should see them change.

// importVerb copies a framework into the workspace. It is idempotent.
func (h *Handler) importVerb(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError("import", "", "name one framework to import")
	}
	if err := h.requireAdmin(c, "import a framework"); err != nil {
		return bot.Reply{}, err
	}
	id := strings.ToLower(c.arg("framework"))
	f := h.framework(id)
	if f == nil {
		ids := make([]string, len(h.frameworks))
		for i, f := range h.frameworks {
			ids[i] = code(f.ID)
		}
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "unknown framework %s: choose one of %s (see `/target frameworks`)", code(c.arg("framework")), orList(ids))
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

// targetFor loads the workspace and resolves the target argument.
func (h *Handler) targetFor(ctx context.Context, c *call) (framework.Workspace, framework.Target, error) {
	w, err := h.workspace(ctx, c)
	if err != nil {
		return w, framework.Target{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, c.arg("target"))
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
	r, err := readRate(c)
	if err != nil {
		return bot.Reply{}, err
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
	user, err := readAssign(c)
	if err != nil {
		return bot.Reply{}, err
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

// due sets or clears a target's due date.
func (h *Handler) due(ctx context.Context, c *call) (bot.Reply, error) {
	d, err := readDue(c)
	if err != nil {
		return bot.Reply{}, err
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
	tcode, title, err := readAdd(c)
	if err != nil {
		return bot.Reply{}, err
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
	o, err := h.resolveObjective(&w, ts, c.arg("objective"))
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
	reason, err := readSnooze(c)
	if err != nil {
		return bot.Reply{}, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var until framework.Date
	if arg := c.arg("until"); !strings.EqualFold(arg, "off") {
		if until, err = parseSnooze(arg, framework.Today(c.now, w.Location(h.loc))); err != nil {
			return bot.Reply{}, err
		}
	} else if reason != "" {
		return bot.Reply{}, usageError("snooze", "reason", "`snooze <target> off` takes no reason")
	}
	t, err := h.resolveTarget(ctx, c, &w, c.arg("target"))
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
