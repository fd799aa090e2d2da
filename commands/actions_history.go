package commands

import (
	"context"
	"strings"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// actionEventsRead is how many of the workspace's newest events `history`
// reads for a target's action events. Actions' events are workspace
// events (store.Entries appends no target events), so a target's are
// found among the workspace's; the bound keeps the read constant.
const actionEventsRead = 1000

// actionHistory reads the events of t's actions, and its panel's votes
// and agreements (panelHistory), as history entries.
func (h *Handler) actionHistory(ctx context.Context, v view.Clock, w *framework.Workspace, t *framework.Target) ([]entry, error) {
	evs, err := h.store.WorkspaceEvents(ctx, w.ID, actionEventsRead)
	if err != nil {
		return nil, storeErr("load action events", err)
	}
	var out []entry
	prefix := t.Ref() + "#"
	for i := range evs {
		e := &evs[i]
		if framework.IsActionEvent(e.Kind) && strings.HasPrefix(e.Title, prefix) {
			out = append(out, entry{e.Time, e.ID, e.Time.In(v.Loc).Format("2006-01-02 15:04") + " " + v.Person(e.Author) + " " + actionEventWhat(v, e)})
		}
	}
	return append(out, panelHistory(v, evs, t.Ref(), framework.Ref(t.Framework, t.Objective))...), nil
}

// actionEventWhat says what an action event did.
func actionEventWhat(v view.Clock, e *framework.Event) string {
	ref := code(e.Title)
	note := ""
	if e.Reason != "" {
		note = " " + view.Note(e.Reason)
	}
	switch e.Kind {
	case framework.EventActionAdd:
		s := "added action " + ref + " " + view.Title(e.To, 60) + " for " + v.Owner(e.User)
		if e.From != "" {
			s += ", due " + e.From
		}
		if e.Reason != "" {
			s += ", linked to " + code(e.Reason)
		}
		return s
	case framework.EventActionUpdate:
		s := "updated action " + ref
		if e.To != "" {
			s += ": " + e.To
		}
		return s + note
	case framework.EventActionDone:
		return "marked action " + ref + " done" + note
	case framework.EventActionDrop:
		return "dropped action " + ref + note
	case framework.EventActionSnooze:
		return "snoozed action " + ref + " until " + e.To
	}
	return string(e.Kind) + " " + ref
}
