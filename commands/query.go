package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// clock returns what rendering needs to judge dates in a workspace.
func (h *Handler) clock(c *call, w *framework.Workspace) view.Clock {
	return view.Clock{Now: c.now, Loc: w.Location(h.loc)}
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
	var blocks []bot.Block
	for _, f := range h.frameworks {
		mark := "not imported: an admin can run " + code("/target import "+f.ID)
		if w.Imported(f.ID) {
			mark = "✅ imported"
		}
		line := fmt.Sprintf("%s %s: %s, %s (%s)", bot.Bold(bot.Escape(f.ID)), bot.Escape(f.Name),
			plural(len(f.Objectives), f.ObjectiveLabel()), plural(f.TargetCount(), f.TargetLabel()), mark)
		if f.Description != "" {
			line += "\n" + bot.Escape(short(f.Description, 300))
		}
		blocks = append(blocks, bot.Block{Text: line})
	}
	for _, id := range w.Frameworks {
		if h.framework(id) == nil {
			blocks = append(blocks, bot.Block{Text: bot.Bold(bot.Escape(id)) + " ✅ imported (no longer offered by this bot)"})
		}
	}
	if len(blocks) == 0 {
		return ephemeral("no frameworks are offered: whoever runs targetbot can add custom ones with TARGETBOT_FRAMEWORKS_DIR"), nil
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
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
	v := h.clock(c, &w)
	filter := c.arg("filter")
	var ts []framework.Target
	var heading, empty string
	var graded *framework.Framework // a framework listed whole, whose score to show
	switch lower := strings.ToLower(filter); {
	case lower == "":
		heading, empty = "All targets", "no targets here yet: an admin can import a framework with `/target import <framework-id>`"
		ts, err = h.store.Targets(ctx, w.ID)
	case lower == "overdue":
		heading, empty = "Overdue targets", "nothing is overdue 🎉 `/target list` shows every target"
		// Due holds open targets only; yesterday is the last overdue day.
		today := framework.Today(c.now, v.Loc)
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
			heading = "Targets owned by " + bot.User(user)
			empty = bot.User(user) + " owns no targets: an admin can run `/target assign <target> " + filter + "`"
			ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool { return t.Owner == user })
			break
		}
		if !strings.Contains(filter, "/") && w.Imported(lower) {
			heading, empty = "Targets of "+lower, "framework "+code(lower)+" has no targets here"
			ts, err = h.filterTargets(ctx, w.ID, func(t *framework.Target) bool { return t.Framework == lower })
			if f := h.framework(lower); f != nil && f.Grading != nil {
				graded = f
			}
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
	head := bot.Block{Title: fmt.Sprintf("%s (%d)", heading, len(ts))}
	if graded != nil {
		head.Text = "Score " + view.Score(graded, graded.Grading.Score(ts))
	}
	framework.SortTargets(ts)
	shown := ts[:min(len(ts), maxListed)]
	blocks := append([]bot.Block{head}, h.groupBlocks(v, shown)...)
	if hidden := len(ts) - len(shown); hidden > 0 {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("…%s not shown: narrow the list with %s, %s or %s",
			plural(hidden, "more target"), code("/target list <objective>"), code("/target list mine"), code("/target list overdue"))})
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
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

// showUpdates is how many updates show lists.
const showUpdates = 5

// maxListed is the most targets one list shows. Past a few screens a
// list stops being read; it says how many more there are and how to
// narrow it instead.
const maxListed = 300

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
	// One more than shown says whether there are more.
	us, err := h.store.Updates(ctx, w.ID, t.Ref(), showUpdates+1)
	if err != nil {
		return bot.Reply{}, storeErr("load updates", err)
	}
	more := len(us) > showUpdates
	us = us[:min(len(us), showUpdates)]
	v := h.clock(c, &w)
	objective := framework.Ref(t.Framework, t.Objective)
	if ot := h.objectiveTitle(t.Framework, t.Objective); ot != "" {
		objective += " " + bot.Escape(ot)
	}
	fields := append([]bot.Field{{Name: "Objective", Value: objective}}, targetFields(v, &t)...)
	recent := "No updates yet: log one with " + code("/target update "+t.Ref()+" 10% on-track")
	if len(us) > 0 {
		lines := make([]string, len(us))
		for i := range us {
			lines[i] = view.Bullet(v.UpdateLine(&us[i]))
		}
		recent = bot.Bold("Last updates") + "\n" + strings.Join(lines, "\n")
		if more {
			recent += "\n…older updates: " + code("/target history "+t.Ref())
		}
	}
	title := view.StatusEmoji(t.Status) + " " + targetHeading(&t, 0)
	if t.Custom {
		title += " (custom)"
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{
		{Title: title, Fields: fields, Colour: view.Colour(&t)},
		{Text: recent, Buttons: view.TargetButtons(&t)},
	}}, nil
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
	us, err := h.store.Updates(ctx, w.ID, t.Ref(), n+1)
	if err != nil {
		return bot.Reply{}, storeErr("load updates", err)
	}
	more := len(us) > n
	us = us[:min(len(us), n)]
	if len(us) == 0 {
		return ephemeral(code(t.Ref()) + " has no updates yet: log one with " + code("/target update "+t.Ref()+" 10% on-track")), nil
	}
	v := h.clock(c, &w)
	lines := make([]string, len(us))
	for i := range us {
		lines[i] = view.Bullet(v.UpdateLine(&us[i]))
	}
	title := fmt.Sprintf("History of %s (newest first, %d)", targetHeading(&t, 60), len(us))
	if more {
		next := "…older updates are not shown: " + code(fmt.Sprintf("/target history %s %d", t.Ref(), maxHistory))
		if n >= maxHistory {
			next = fmt.Sprintf("…older updates are not shown: history shows the newest %d", maxHistory)
		}
		lines = append(lines, next)
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: title, Text: strings.Join(lines, "\n"), Colour: view.Colour(&t)}}}, nil
}
