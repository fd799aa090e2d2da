package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// view returns the rendering view for a workspace.
func (h *Handler) view(c *call, w *framework.Workspace) view {
	return view{now: c.now, loc: w.Location(h.loc)}
}

// frameworksVerb lists every framework offered and marks the imported ones.
func (h *Handler) frameworksVerb(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 0 {
		return bot.Reply{}, usageError("frameworks", "", "frameworks takes no arguments")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var lines []string
	var blocks []bot.Block
	for _, f := range h.frameworks {
		mark := "not imported: an admin can run " + code("/target import "+f.ID)
		if w.Imported(f.ID) {
			mark = "✅ imported"
		}
		line := fmt.Sprintf("• *%s* %s: %s, %s (%s)", f.ID, f.Name, plural(len(f.Objectives), f.ObjectiveLabel()), plural(f.TargetCount(), f.TargetLabel()), mark)
		lines = append(lines, line)
		blocks = append(blocks, bot.Block{Title: f.ID + ": " + f.Name, Text: strings.TrimSpace(short(f.Description, 300) + "\n" + mark)})
	}
	for _, id := range w.Frameworks {
		if h.framework(id) == nil {
			lines = append(lines, "• *"+id+"* ✅ imported (no longer offered by this bot)")
		}
	}
	if len(lines) == 0 {
		return ephemeral("no frameworks are offered: whoever runs targetbot can add custom ones with TARGETBOT_FRAMEWORKS_DIR"), nil
	}
	r := ephemeral("*Frameworks*\n" + strings.Join(lines, "\n"))
	r.Blocks = blocks
	return r, nil
}

// list shows targets grouped by objective: all, one objective, the
// requester's, overdue ones, at-risk ones, or one user's.
func (h *Handler) list(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 1 {
		return bot.Reply{}, usageError("list", "", "list takes at most one filter")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireImported(&w); err != nil {
		return bot.Reply{}, err
	}
	v := h.view(c, &w)
	filter := c.arg("filter")
	var ts []framework.Target
	var heading, empty string
	switch lower := strings.ToLower(filter); {
	case lower == "":
		heading, empty = "All targets", "no targets here yet: an admin can import a framework with `/target import <framework-id>`"
		ts, err = h.store.Targets(ctx, w.ID)
	case lower == "overdue":
		heading, empty = "Overdue targets", "nothing is overdue 🎉 `/target list` shows every target"
		// Due holds open targets only; yesterday is the last overdue day.
		today := framework.Today(c.now, v.loc)
		ts, err = h.store.Due(ctx, w.ID, "", today.AddDays(-1))
	case lower == "mine" || lower == "me":
		heading = "Your targets"
		empty = "no targets are assigned to you: ask an admin to run `/target assign <target> @you`, or see `/target list`"
		// A request with no user (never from a real platform) owns
		// nothing, rather than every unowned target.
		ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool { return t.Owner != "" && t.Owner == c.req.User })
	case lower == "at-risk" || lower == "atrisk" || lower == "at_risk":
		heading, empty = "Targets at risk or off track", "no target is at risk or off track 🎉"
		ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool {
			return t.Status == framework.AtRisk || t.Status == framework.OffTrack
		})
	default:
		if user, ok := parseMention(filter); ok {
			heading = "Targets owned by " + bot.MentionUser(user)
			empty = bot.MentionUser(user) + " owns no targets: an admin can run `/target assign <target> " + filter + "`"
			ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool { return t.Owner == user })
			break
		}
		if !strings.Contains(filter, "/") && w.Imported(lower) {
			heading, empty = "Targets of "+lower, "framework "+code(lower)+" has no targets here"
			ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool { return t.Framework == lower })
			break
		}
		all, lerr := h.store.Targets(ctx, w.ID)
		if lerr != nil {
			return bot.Reply{}, storeErr("load targets", lerr)
		}
		o, oerr := h.resolveObjective(&w, all, filter)
		if oerr != nil {
			if framework.ErrorCode(oerr) == framework.ENOTFOUND {
				return bot.Reply{}, usageError("list", "objective", framework.ErrorMessage(oerr))
			}
			return bot.Reply{}, oerr
		}
		heading = "Targets of " + o.String()
		empty = "objective " + code(o.String()) + " has no targets: an admin can add one with " + code("/target add "+o.String()+" <code> <title>")
		for _, t := range all {
			if t.Framework == o.Framework && t.Objective == o.Code {
				ts = append(ts, t)
			}
		}
	}
	if err != nil {
		return bot.Reply{}, storeErr("list targets", err)
	}
	if len(ts) == 0 {
		return ephemeral(empty), nil
	}
	text, blocks := h.groupBlocks(v, ts)
	r := ephemeral(fmt.Sprintf("*%s* (%d)%s", heading, len(ts), text))
	r.Blocks = blocks
	return r, nil
}

// filterTargets returns the workspace's targets that keep accepts.
func (h *Handler) filterTargets(ctx context.Context, ws string, keep func(*framework.Target) bool) ([]framework.Target, error) {
	all, err := h.store.Targets(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []framework.Target
	for i := range all {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// show describes one target with its last five updates and buttons.
func (h *Handler) show(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError("show", "target", "name one target to show")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, c.arg("target"))
	if err != nil {
		return bot.Reply{}, err
	}
	us, err := h.store.Updates(ctx, w.ID, t.Ref(), 5)
	if err != nil {
		return bot.Reply{}, storeErr("load updates", err)
	}
	v := h.view(c, &w)
	objective := framework.Ref(t.Framework, t.Objective)
	if ot := h.objectiveTitle(t.Framework, t.Objective); ot != "" {
		objective += " " + ot
	}
	fields := append([]bot.Field{{Name: "Objective", Value: objective}}, v.targetFields(&t)...)
	recent := "No updates yet: log one with " + code("/target update "+t.Ref()+" 10% on-track")
	if len(us) > 0 {
		lines := make([]string, len(us))
		for i := range us {
			lines[i] = "• " + v.updateLine(&us[i])
		}
		recent = "*Last updates*\n" + strings.Join(lines, "\n")
	}
	title := t.Status.Emoji() + " " + t.Ref() + " " + t.Title
	if t.Custom {
		title += " (custom)"
	}
	text := "*" + title + "*\n" + fieldsText(fields) + "\n" + recent
	r := ephemeral(text)
	r.Blocks = []bot.Block{{Title: title, Text: recent, Fields: fields, Colour: colour(&t), Buttons: targetButtons(&t)}}
	return r, nil
}

// history lists a target's updates, newest first, withdrawn ones marked.
func (h *Handler) history(ctx context.Context, c *call) (bot.Reply, error) {
	n, err := readHistory(c)
	if err != nil {
		return bot.Reply{}, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, c.arg("target"))
	if err != nil {
		return bot.Reply{}, err
	}
	us, err := h.store.Updates(ctx, w.ID, t.Ref(), n)
	if err != nil {
		return bot.Reply{}, storeErr("load updates", err)
	}
	if len(us) == 0 {
		return ephemeral(code(t.Ref()) + " has no updates yet: log one with " + code("/target update "+t.Ref()+" 10% on-track")), nil
	}
	v := h.view(c, &w)
	lines := make([]string, len(us))
	for i := range us {
		lines[i] = "• " + v.updateLine(&us[i])
	}
	title := fmt.Sprintf("History of %s %s (newest first, %d)", t.Ref(), short(t.Title, 60), len(us))
	r := ephemeral("*" + title + "*\n" + strings.Join(lines, "\n"))
	r.Blocks, _ = splitBlocks(title, lines, colour(&t))
	return r, nil
}
