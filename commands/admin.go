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

// Changes to a target's settings (import, add, assign, due, rate, snooze,
// and in record.go edit, archive, restore and evidence) are announced in
// the channel, like updates: the whole team relies on owners, dates and
// grades, so they should see them change.

// importVerb copies a framework into the workspace. It is idempotent.
func (h *Handler) importVerb(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError("import", "", "name one framework to import")
	}
	if err := h.requireAdmin(ctx, c, "import a framework"); err != nil {
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
	h.log.Debug("framework imported", "workspace", w.ID, "framework", f.ID, "added", added, "user", c.req.User)
	if added == 0 {
		return ephemeral(fmt.Sprintf("%s, framework %s, is already imported, nothing added: see `/target list %s`", f.Name, code(f.ID), f.ID)), nil
	}
	what := "imported"
	if was {
		what = "imported new"
	}
	msg := fmt.Sprintf("%s %s %s under %s from %s, framework %s. See them with %s", bot.User(c.req.User), what,
		plural(added, f.TargetLabel()), plural(len(f.Objectives), f.ObjectiveLabel()), bot.Bold(bot.Escape(f.Name)), code(f.ID), code("/target list "+f.ID))
	return announce(msg), nil
}

// changed announces a change to a target's settings.
func (h *Handler) changed(c *call, w *framework.Workspace, t *framework.Target, what string) bot.Reply {
	return bot.Reply{Blocks: []bot.Block{{
		Text:   fmt.Sprintf("%s %s %s", bot.User(c.req.User), what, targetHeadline(t)),
		Fields: h.targetFields(h.clock(c, w), t),
		Colour: view.Colour(t),
	}}}
}

// rate sets or clears a target's grade in the current cycle, with the
// reason for it.
func (h *Handler) rate(ctx context.Context, c *call) (bot.Reply, error) {
	g, reason, err := readRate(c)
	if err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var grading *framework.Grading
	if f := h.framework(t.Framework); f != nil {
		grading = f.Grading
	}
	r, err := parseGrade(grading, g)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireGrader(ctx, c, &t, grading); err != nil {
		return bot.Reply{}, err
	}
	// `rate <target> <grade> in <cycle> [reason…]` enters a backfilled
	// cycle's published grade: no panel of this cycle grades that.
	if cycle, rest, ok := pastCycleOf(reason); ok {
		return h.ratePast(ctx, c, &t, r, cycle, rest)
	}
	if err := h.panelRefusesRate(ctx, w.ID, &t, c.now); err != nil {
		return bot.Reply{}, err
	}
	svc, reason, err := h.rateServiceClause(ctx, c, &t, grading, reason)
	if err != nil {
		return bot.Reply{}, err
	}
	// The grade the target had: the same grade again, which the store
	// took, is a new reason for it.
	was := t.Rating
	if svc != "" {
		t, err = h.rateService(ctx, c, &w, &t, grading, svc, r, reason)
	} else {
		t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventRate, Rating: r, Reason: reason})
	}
	if err != nil {
		return bot.Reply{}, err
	}
	cycle := w.CurrentCycle(c.now)
	what := "rated " + view.RatingEmoji(r) + " " + bot.Bold(string(r)) + " (" + cycle + ")"
	switch {
	case svc != "":
		what = "rated service " + code(svc) + " " + view.RatingEmoji(r) + " " + bot.Bold(string(r)) + " (" + cycle + "); the median of its services makes"
	case r == was:
		what = "changed the reason for the " + cycle + " grade of"
	case r == framework.Unrated:
		what = "cleared the " + cycle + " grade of"
	}
	reply := h.changed(c, &w, &t, what)
	if svc == "" && r == was {
		reply.Blocks[0].Text += "\nthe grade stays " + view.RatingEmoji(r) + " " + bot.Bold(r.String()) + ", for a new reason:"
	}
	if reason != "" {
		reply.Blocks[0].Text += "\n" + view.Note(reason)
	}
	return reply, nil
}

// requireGrader returns EFORBIDDEN unless the requester may grade t: an
// admin, or t's owner where the grading lets owners grade their own
// targets (EDS 2022 does not: its grades are agreed with stakeholders).
func (h *Handler) requireGrader(ctx context.Context, c *call, t *framework.Target, g *framework.Grading) error {
	if err := h.requireOwnerOrAdmin(ctx, c, t, "rate"); err != nil {
		return err
	}
	admin, err := h.isAdmin(ctx, c)
	if err != nil {
		return err
	}
	if !admin && !g.OwnersMayGrade() {
		return framework.Errorf(framework.EFORBIDDEN, "%s is graded with stakeholders, not by its owner: only an admin can record the agreed grade of %s", code(t.Framework), t.Ref())
	}
	return nil
}

// assign sets or clears a target's owner.
func (h *Handler) assign(ctx context.Context, c *call) (bot.Reply, error) {
	user, err := readAssign(c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireAdmin(ctx, c, "assign targets"); err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventAssign, Owner: user}); err != nil {
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
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireOwnerOrAdmin(ctx, c, &t, "set the due date of"); err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventDue, Due: d}); err != nil {
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
	if err := h.requireAdmin(ctx, c, "add targets"); err != nil {
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
			if t.Archived {
				return bot.Reply{}, &framework.Error{Code: framework.ECONFLICT, Field: "code", Message: fmt.Sprintf(
					"%s exists already, archived: an admin can bring it back with %s, or choose a new code", code(t.Ref()), code("/target restore "+t.Ref()))}
			}
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
	return h.changed(c, &w, &t, "added the custom "+h.targetLabel(t.Framework)), nil
}

// snooze pauses overdue reminders for a target until a day, or clears it.
func (h *Handler) snooze(ctx context.Context, c *call) (bot.Reply, error) {
	reason, err := readSnooze(c)
	if err != nil {
		return bot.Reply{}, err
	}
	off := strings.EqualFold(c.arg("until"), "off")
	if off && reason != "" {
		return bot.Reply{}, usageError("snooze", "reason", "`snooze <target> off` takes no reason")
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var until framework.Date
	if !off {
		if until, err = parseSnooze(c.arg("until"), framework.Today(c.now, w.Location(h.loc))); err != nil {
			return bot.Reply{}, err
		}
	}
	if err := h.requireOwnerOrAdmin(ctx, c, &t, "snooze"); err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventSnooze, Until: until, Reason: reason}); err != nil {
		return bot.Reply{}, err
	}
	what := "snoozed reminders until " + string(until) + " for"
	if until.IsZero() {
		what = "turned reminders back on for"
	}
	reply := h.changed(c, &w, &t, what)
	if why := unremindable(&t); why != "" && !until.IsZero() {
		reply.Blocks[0].Text += "\n" + fmt.Sprintf("%s %s, so no overdue reminder would go out for it anyway: reminders go to a target's owner once it is past its due date", code(t.Ref()), why)
	}
	return reply, nil
}

// unremindable says why overdue reminders never go out for t: it has no
// owner or no due date. It is "" when they can.
func unremindable(t *framework.Target) string {
	switch {
	case t.Owner == "" && t.Due.IsZero():
		return "has no owner and no due date"
	case t.Owner == "":
		return "has no owner"
	case t.Due.IsZero():
		return "has no due date"
	}
	return ""
}

// parseSnooze reads `7d`, `2w` or a date, and requires a day after today.
func parseSnooze(s string, today framework.Date) (framework.Date, error) {
	bad := framework.FieldErrorf("until", "%s is not a snooze length: use days like `7d`, weeks like `2w`, a date like `%s`, or `off`", code(short(s, 30)), today.AddDays(28))
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
