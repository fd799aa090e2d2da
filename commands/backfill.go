package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Correcting the cycles: `cycle backfill <name>` adds a past cycle before
// the first, `rate <target> <grade> in <name> [reason…]` enters its
// published grades (marked as entered later, with who and when), and
// `cycle undo` reopens the previous cycle within a day of `cycle start`
// while the new cycle holds no grade. framework keeps the rules; the
// store applies them atomically. Each is recorded: grades as rate events,
// backfill and undo as workspace events.

// pastCycleOf reads "in <cycle> [reason…]" at the start of a rate's
// reason.
func pastCycleOf(reason string) (cycle, rest string, ok bool) {
	first, after, _ := cutWord(reason)
	if !strings.EqualFold(first, "in") {
		return "", "", false
	}
	name, rest, _ := cutWord(after)
	if !framework.ValidCycle(name) {
		return "", "", false
	}
	return name, rest, true
}

// ratePast grades t in a backfilled cycle.
func (h *Handler) ratePast(ctx context.Context, c *call, t *framework.Target, r framework.Rating, cycle, reason string) (bot.Reply, error) {
	if err := h.requireAdmin(ctx, c, "enter a past cycle's grades"); err != nil {
		return bot.Reply{}, err
	}
	after, _, err := h.store.GradePastCycle(ctx, c.req.Workspace, t.Ref(), cycle, framework.Change{Kind: framework.EventRate, Author: c.req.User, Time: c.now, Rating: r, Reason: reason})
	switch framework.ErrorKind(err) {
	case "":
		if err != nil {
			return bot.Reply{}, storeErr("grade past cycle", err)
		}
	case framework.ErrCycleUsed:
		return bot.Reply{}, framework.FieldErrorf("cycle", "%s was run here, and a closed cycle keeps its grades as they were: %s enters grades only in a cycle added with %s",
			code(cycle), code("rate … in <cycle>"), code("/target cycle backfill <YYYY/YY>"))
	case framework.ErrBadCycle:
		return bot.Reply{}, framework.FieldErrorf("cycle", "there is no past cycle %s here: an admin adds it, before the first cycle, with %s", code(cycle), code("/target cycle backfill "+cycle))
	case framework.ErrNoChange:
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: %s is already %s in %s", t.Ref(), r, cycle)
	default:
		return bot.Reply{}, storeErr("grade past cycle", err)
	}
	msg := fmt.Sprintf("%s entered %s's %s grade, %s %s (entered later)", bot.User(c.req.User), after.Ref(), cycle, view.RatingEmoji(r), bot.Bold(string(r)))
	if reason != "" {
		msg += "\n" + view.Note(reason)
	}
	return announce(msg), nil
}

// cycleBackfill is `cycle backfill <name>`.
func (h *Handler) cycleBackfill(ctx context.Context, c *call, name string) (bot.Reply, error) {
	if err := h.requireAdmin(ctx, c, "add a past cycle"); err != nil {
		return bot.Reply{}, err
	}
	if !framework.ValidCycle(name) {
		return bot.Reply{}, framework.FieldErrorf("cycle", "%s is not a cycle name: name the past cycle after its financial year, like `2025/26`", code(short(name, 20)))
	}
	w, err := h.store.AddPastCycle(ctx, c.req.Workspace, name, c.now)
	switch framework.ErrorKind(err) {
	case "":
		if err != nil {
			return bot.Reply{}, storeErr("add past cycle", err)
		}
	case framework.ErrCycleOrder, framework.ErrCycleUsed:
		return bot.Reply{}, framework.FieldErrorf("cycle", "%s is not before the first cycle here, %s: a backfilled cycle comes before every cycle run here", code(name), code(framework.ErrorSubject(err)))
	default:
		return bot.Reply{}, storeErr("add past cycle", err)
	}
	h.recordCycleEvent(ctx, c, framework.Event{Kind: framework.EventCycleAdd, To: name, Cycle: name})
	first := w.Cycle
	if len(w.PastCycles) > 1 {
		first = w.PastCycles[1].Name
	}
	return announce(fmt.Sprintf("%s added the past cycle %s, before %s. Enter its published grades with %s.",
		bot.User(c.req.User), bot.Bold(name), first, code("/target rate <target> <grade> in "+name+" [reason…]"))), nil
}

// cycleUndo is `cycle undo`.
func (h *Handler) cycleUndo(ctx context.Context, c *call) (bot.Reply, error) {
	if err := h.requireAdmin(ctx, c, "undo a cycle start"); err != nil {
		return bot.Reply{}, err
	}
	w, undone, err := h.store.UndoCycle(ctx, c.req.Workspace, c.now)
	switch framework.ErrorKind(err) {
	case "":
		if err != nil {
			return bot.Reply{}, storeErr("undo cycle", err)
		}
	case framework.ErrCycleOrder:
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "there is no cycle start to undo here: no cycle has closed since this workspace began grading")
	case framework.ErrCycleUsed:
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "%s can no longer be undone: a cycle start can be undone within %d hours, while the new cycle holds no grade", code(framework.ErrorSubject(err)), int(framework.UndoWindow.Hours()))
	default:
		return bot.Reply{}, storeErr("undo cycle", err)
	}
	h.recordCycleEvent(ctx, c, framework.Event{Kind: framework.EventCycleUndo, From: undone, To: w.Cycle, Cycle: w.Cycle})
	return announce(fmt.Sprintf("%s undid the start of %s and reopened %s, with its grades.", bot.User(c.req.User), undone, bot.Bold(w.Cycle))), nil
}

// recordCycleEvent appends a workspace event for a change the store has
// made already. A failure is logged: the change stands.
func (h *Handler) recordCycleEvent(ctx context.Context, c *call, e framework.Event) {
	e.Author, e.Time = c.req.User, c.now
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, store.EntryWrite{Events: []framework.Event{e}}); err != nil {
		h.log.Warn("cycle event not recorded", "workspace", c.req.Workspace, "kind", e.Kind, "err", err)
	}
}
