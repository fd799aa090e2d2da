package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// actionList lists open actions: all, a target's (with the actions
// linked to it from other frameworks), the requester's, the overdue ones,
// or the completed and dropped ones.
func (h *Handler) actionList(ctx context.Context, c *call, which string) (bot.Reply, error) {
	var t *framework.Target
	var w framework.Workspace
	var err error
	switch strings.ToLower(which) {
	case "", "mine", "overdue", "done":
		w, err = h.workspace(ctx, c)
	default:
		var tt framework.Target
		w, tt, err = h.lookupRef(ctx, c, which)
		t = &tt
	}
	if err != nil {
		return bot.Reply{}, err
	}
	acts, err := h.actions(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	v, err := h.namedClock(ctx, c, &w)
	if err != nil {
		return bot.Reply{}, err
	}
	today := clockToday(v)
	keep := func(a *framework.Action) bool { return a.Open }
	title := "Open actions"
	switch {
	case t != nil:
		title = "Open actions of " + t.Ref()
		keep = func(a *framework.Action) bool { return a.Open && (a.Target == t.Ref() || a.Objective == t.Ref()) }
	case strings.EqualFold(which, "mine"):
		title = "Your open actions"
		keep = func(a *framework.Action) bool { return a.Open && framework.SameUser(a.Owner, c.req.User) }
	case strings.EqualFold(which, "overdue"):
		title = "Overdue actions"
		keep = func(a *framework.Action) bool { return a.Overdue(today) }
	case strings.EqualFold(which, "done"):
		title = "Completed and dropped actions"
		keep = func(a *framework.Action) bool { return !a.Open }
	}
	var lines []string
	for i := range acts {
		if keep(&acts[i]) {
			lines = append(lines, view.Bullet(actionLine(v, &acts[i], t)))
		}
	}
	if len(lines) == 0 {
		return ephemeral(title + ": none. Add one with " + code("/target action add <target> <title> [@owner] [due YYYY-MM-DD]")), nil
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: fmt.Sprintf("%s (%d)", title, len(lines)), Text: strings.Join(lines, "\n")}}}, nil
}

// actions reads and folds the workspace's actions, in one read.
func (h *Handler) actions(ctx context.Context, ws string) ([]framework.Action, error) {
	raw, err := h.store.Entries(ctx, ws, EntryAction)
	if err != nil {
		return nil, storeErr("load actions", err)
	}
	return framework.ActionsOf(raw), nil
}

// actionLine is one action for lists and show: reference, title, owner,
// due date, status and progress, and its link. Shown under the linked
// target (at), an action says which target it moves instead.
func actionLine(v view.Clock, a *framework.Action, at *framework.Target) string {
	parts := []string{view.StatusEmoji(a.State()) + " " + code(a.Ref()) + " " + view.Title(a.Title, 60), v.Owner(a.Owner)}
	switch {
	case a.Due.IsZero():
	case a.Overdue(clockToday(v)):
		parts = append(parts, "due "+string(a.Due)+" ⚠️ "+bot.Bold("overdue"))
	default:
		parts = append(parts, "due "+string(a.Due))
	}
	st := string(a.State())
	if a.Progress != framework.Unchanged && a.Open {
		st += fmt.Sprintf(" %d%%", a.Progress)
	}
	if !a.Closed.IsZero() {
		st += " on " + string(a.Closed)
	}
	parts = append(parts, st)
	if a.Objective != "" && (at == nil || a.Objective != at.Ref()) {
		parts = append(parts, "→ "+code(a.Objective))
	}
	if at != nil && a.Objective == at.Ref() {
		parts = append(parts, "moves "+code(a.Target))
	}
	if a.Note != "" {
		parts = append(parts, view.Note(a.Note))
	}
	return strings.Join(parts, " · ")
}

// actionsBlock lists a target's actions and the actions linked to it for
// show: open first, then at most a few closed ones. Nothing when it has
// none.
func actionsBlock(v view.Clock, t *framework.Target, acts []framework.Action) (bot.Block, bool) {
	var open, closed []string
	for i := range acts {
		a := &acts[i]
		if a.Target != t.Ref() && a.Objective != t.Ref() {
			continue
		}
		if a.Open {
			open = append(open, view.Bullet(actionLine(v, a, t)))
		} else {
			closed = append(closed, view.Bullet(actionLine(v, a, t)))
		}
	}
	if len(open)+len(closed) == 0 {
		return bot.Block{}, false
	}
	const shownClosed = 3
	text := bot.Bold(fmt.Sprintf("Actions (%d open)", len(open)))
	if len(open) > 0 {
		text += "\n" + strings.Join(open, "\n")
	}
	if len(closed) > 0 {
		text += "\n" + strings.Join(closed[max(0, len(closed)-shownClosed):], "\n")
		if len(closed) > shownClosed {
			text += "\n…" + code("/target action list done") + " shows every closed one"
		}
	}
	return bot.Block{Text: text}, true
}

// actionForm is the form a reminder's "Log" button opens for `action
// update <action>`: one box for the progress, status and note, which the
// verb reads as typed text.
func actionForm(v VerbInfo, rest string) (bot.Form, bool) {
	if !strings.EqualFold(tokenize(rest).at(0), "update") {
		return bot.Form{}, false
	}
	a, _ := v.Arg("rest")
	return bot.Form{Verb: v.Name, Title: "Log an update on an action", Submit: "Save", Fields: []bot.FormField{
		{Arg: a, Label: "Progress, status and note", Placeholder: "40% on-track venue booked"},
	}}, true
}
