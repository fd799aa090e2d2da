package reminders

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Actions (framework.Action) are chased as targets are: digests list the
// open ones overdue or due soon, and their owners get reminder DMs with
// the same three buttons, which run the action verbs. They are never
// scored.

// actionsRead is the result of reading a workspace's actions.
type actionsRead struct {
	actions []framework.Action
	err     error
}

// readActions reads the workspace's actions concurrently with the
// digest's other reads: one round trip whatever their number.
func (s *Scheduler) readActions(ctx context.Context, ws string) <-chan actionsRead {
	ac := make(chan actionsRead, 1)
	go func() {
		raw, err := s.opts.Store.Entries(ctx, ws, store.EntryKind(framework.ActionEntries))
		ac <- actionsRead{framework.ActionsOf(raw), err}
	}()
	return ac
}

// actionLists are a digest's open actions overdue and due soon, of live
// targets.
type actionLists struct {
	overdue, dueSoon []framework.Action
}

func classifyActions(d digestData) actionLists {
	var l actionLists
	live := make(map[string]bool, len(d.Targets))
	for i := range d.Targets {
		live[d.Targets[i].Ref()] = true
	}
	today := framework.DateOf(d.At, d.Loc)
	for _, a := range d.Actions {
		switch {
		case !live[a.Target]:
		case a.Overdue(today):
			l.overdue = append(l.overdue, a)
		case a.DueWithin(today, framework.DueSoonDays):
			l.dueSoon = append(l.dueSoon, a)
		}
	}
	return l
}

// actionSections are the digest's action sections, none when empty.
func actionSections(d digestData, l actionLists) []bot.Block {
	var out []bot.Block
	list := func(title, colour string, as []framework.Action) {
		lines := make([]string, len(as))
		for i := range as {
			a := &as[i]
			owner := "no owner"
			if a.Owner != "" {
				owner = view.Person(d.People, a.Owner)
			}
			lines[i] = view.Bullet(fmt.Sprintf("%s %s: due %s, %s, %s", view.Ref(a.Ref()), view.Title(a.Title, 80), a.Due, owner, a.State()))
		}
		out = append(out, bot.Block{Title: fmt.Sprintf("%s (%d)", title, len(as)), Text: strings.Join(lines, "\n"), Colour: colour})
	}
	if len(l.overdue) > 0 {
		list("Actions overdue", view.Alert, l.overdue)
	}
	if len(l.dueSoon) > 0 {
		list(fmt.Sprintf("Actions due in the next %d days", framework.DueSoonDays), view.Warning, l.dueSoon)
	}
	return out
}

// ActionReminderButtons are the buttons under a reminded action: log an
// update (a form), snooze a week, mark done. Each label names the action.
func ActionReminderButtons(ref string) []bot.Button {
	return []bot.Button{
		{Label: "Log " + ref, Command: "action update " + ref, Form: true},
		{Label: "Snooze " + ref + " a week", Command: "action snooze " + ref + " " + snoozeDuration},
		{Label: "Mark " + ref + " done", Command: "action done " + ref, Style: "primary"},
	}
}

// overdueActions reads the workspace's open actions that are overdue
// today, owned and not snoozed: the ones their owners are reminded of.
// One round trip whatever their number.
func (s *Scheduler) overdueActions(ctx context.Context, ws string, today framework.Date) ([]framework.Action, error) {
	raw, err := s.opts.Store.Entries(ctx, ws, store.EntryKind(framework.ActionEntries))
	if err != nil {
		return nil, fmt.Errorf("reminders: %s: read actions: %w", ws, err)
	}
	var out []framework.Action
	for _, a := range framework.ActionsOf(raw) {
		if a.Owner != "" && a.Overdue(today) && !a.Snoozing(today) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	// An archived target has left reminders, and its actions with it;
	// the targets are read only when some action is overdue.
	ts, err := s.opts.Store.Targets(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("reminders: %s: read targets of actions: %w", ws, err)
	}
	archived := map[string]bool{}
	for _, t := range ts {
		if t.Archived {
			archived[t.Ref()] = true
		}
	}
	return slices.DeleteFunc(out, func(a framework.Action) bool { return archived[a.Target] }), nil
}

// actionReminderBlocks are a reminder DM's blocks for overdue actions.
func actionReminderBlocks(as []framework.Action) []bot.Block {
	out := make([]bot.Block, len(as))
	for i := range as {
		a := &as[i]
		what := fmt.Sprintf("action overdue, due %s · %s", a.Due, a.State())
		if a.Progress != framework.Unchanged {
			what += fmt.Sprintf(" · %d%%", a.Progress)
		}
		out[i] = bot.Block{
			Title:   view.Ref(a.Ref()) + " " + view.Title(a.Title, 0),
			Text:    what,
			Colour:  view.Alert,
			Buttons: ActionReminderButtons(a.Ref()),
		}
	}
	return out
}
