package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// The record: every change to a target is one store write that also
// appends its event, and a change that changes nothing is refused by the
// store and worded here. A change costs two round trips on Redis: one
// read of the workspace and the target together (to check who may make
// it, and to show the result in the workspace's time zone and cycle),
// and the write.

// lookupTarget loads the workspace and the target the call names. A full
// reference reads both in one round trip; a bare code, or a reference
// the store does not know as typed, goes through resolveTarget, which
// finds it or says what is wrong.
func (h *Handler) lookupTarget(ctx context.Context, c *call) (framework.Workspace, framework.Target, error) {
	return h.lookupRef(ctx, c, c.arg("target"))
}

// lookupRef is lookupTarget for a reference the verb read itself (an
// action's target).
func (h *Handler) lookupRef(ctx context.Context, c *call, ref string) (framework.Workspace, framework.Target, error) {
	if fwID, tcode := framework.SplitRef(ref); fwID != "" && tcode != "" {
		w, t, err := h.store.WorkspaceTarget(ctx, c.req.Workspace, framework.Ref(strings.ToLower(fwID), tcode))
		switch {
		case err == nil:
			c.ws = &w // with its admins: the admin check reads no more
			return w, t, nil
		case !errors.Is(err, framework.ErrTargetNotFound):
			return w, t, storeErr("load target", err)
		}
		t, err = h.resolveTarget(ctx, c, &w, ref)
		return w, t, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return w, framework.Target{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, ref)
	return w, t, err
}

// change makes ch to t and returns the target after it, with the store's
// refusal worded for the user.
func (h *Handler) change(ctx context.Context, c *call, w *framework.Workspace, t *framework.Target, ch framework.Change) (framework.Target, error) {
	ch.Author, ch.Time = c.req.User, c.now
	nt, e, err := h.store.ChangeTarget(ctx, w.ID, t.Ref(), ch)
	if err != nil {
		return nt, changeErr(t.Ref(), ch.Kind, err)
	}
	h.log.Debug("target changed", "workspace", w.ID, "target", t.Ref(), "change", ch.Kind, "event", e.ID, "user", c.req.User)
	return nt, nil
}

// edit retitles a target. The old title stays in its history.
func (h *Handler) edit(ctx context.Context, c *call) (bot.Reply, error) {
	title, err := readEdit(c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireAdmin(ctx, c, "retitle targets"); err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	old := t.Title
	if t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventEdit, Title: title}); err != nil {
		return bot.Reply{}, err
	}
	r := h.changed(c, &w, &t, "retitled")
	r.Blocks[0].Text += "\nwas " + view.Note(old)
	return r, nil
}

// archive takes a target out of lists, digests, reminders, roll-ups and
// scores; restore brings it back. Its history stays either way.
func (h *Handler) archive(ctx context.Context, c *call) (bot.Reply, error) {
	return h.archiveOrRestore(ctx, c, framework.EventArchive)
}

func (h *Handler) restore(ctx context.Context, c *call) (bot.Reply, error) {
	return h.archiveOrRestore(ctx, c, framework.EventRestore)
}

func (h *Handler) archiveOrRestore(ctx context.Context, c *call, kind framework.EventKind) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError(c.verb, "target", "name one target to "+c.verb)
	}
	if err := h.requireAdmin(ctx, c, c.verb+" targets"); err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if t, err = h.change(ctx, c, &w, &t, framework.Change{Kind: kind}); err != nil {
		return bot.Reply{}, err
	}
	label := h.targetLabel(t.Framework)
	msg := fmt.Sprintf("%s archived %s: it has left lists, digests, reminders and scores. %s still shows its record, and %s brings it back",
		bot.User(c.req.User), targetHeadline(&t), code("/target history "+t.Ref()), code("/target restore "+t.Ref()))
	if kind == framework.EventRestore {
		msg = fmt.Sprintf("%s restored the %s %s", bot.User(c.req.User), label, targetHeadline(&t))
	}
	return bot.Reply{Blocks: []bot.Block{{Text: msg, Fields: h.targetFields(h.clock(c, &w), &t), Colour: view.Colour(&t)}}}, nil
}

// evidenceVerb attaches a link to a target as evidence. Anyone may.
func (h *Handler) evidenceVerb(ctx context.Context, c *call) (bot.Reply, error) {
	url, title, err := readEvidence(c)
	if err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	e, err := h.store.AddEvidence(ctx, w.ID, t.Ref(), framework.Evidence{URL: url, Title: title, Author: c.req.User, Time: c.now})
	if err != nil {
		return bot.Reply{}, evidenceErr(t.Ref(), url, err)
	}
	h.log.Debug("evidence attached", "workspace", w.ID, "target", t.Ref(), "event", e.ID, "user", c.req.User)
	return announce(fmt.Sprintf("%s attached evidence to %s: %s", bot.User(c.req.User), targetHeadline(&t), view.EvidenceLink(url, title))), nil
}

// cycleVerb shows the grading cycle, or closes it and opens the next.
func (h *Handler) cycleVerb(ctx context.Context, c *call) (bot.Reply, error) {
	switch action := strings.ToLower(c.arg("action")); action {
	case "backfill":
		if c.text() && c.args.len() > 2 {
			return bot.Reply{}, usageError("cycle", "", "cycle backfill takes one name, like `2025/26`")
		}
		return h.cycleBackfill(ctx, c, c.arg("cycle"))
	case "undo":
		if c.text() && c.args.len() > 1 {
			return bot.Reply{}, usageError("cycle", "", "cycle undo takes nothing more")
		}
		return h.cycleUndo(ctx, c)
	}
	if action := strings.ToLower(c.arg("action")); slices.Contains(recordActions, action) {
		details := strings.TrimSpace(c.arg("cycle") + " " + c.arg("details"))
		if c.text() {
			details = c.args.from(1)
		}
		return h.cycleRecordVerb(ctx, c, action, details)
	}
	name, err := readCycle(c)
	if err != nil {
		return bot.Reply{}, err
	}
	if name == "" {
		w, err := h.workspace(ctx, c)
		if err != nil {
			return bot.Reply{}, err
		}
		cur := w.CurrentCycle(c.now)
		es, err := h.store.Entries(ctx, c.req.Workspace, store.EntryCycle)
		if err != nil {
			return bot.Reply{}, storeErr("read cycle record", err)
		}
		rec, err := store.DecodeCycleRecord(cur, es[cur])
		if err != nil {
			return bot.Reply{}, storeErr("read cycle record", err)
		}
		return ephemeral(h.cycleSummary(c, &w) + "\n" + recordText(&rec)), nil
	}
	if err := h.requireAdmin(ctx, c, "start a grading cycle"); err != nil {
		return bot.Reply{}, err
	}
	// A typo such as 2098/99 would be permanent: a cycle more than a year
	// after today's financial year is refused.
	if latest := nextCycle(framework.FinancialYear(c.now.In(h.loc))); name > latest {
		return bot.Reply{}, framework.FieldErrorf("cycle", "%s is more than a year ahead: start %s or an earlier cycle", code(name), code(latest))
	}
	w, moved, err := h.store.StartCycle(ctx, c.req.Workspace, name, c.now)
	if err != nil {
		return bot.Reply{}, cycleErr(name, err)
	}
	closed, _ := w.PreviousCycle()
	h.log.Debug("grading cycle started", "workspace", w.ID, "closed", closed.Name, "cycle", name, "grades", moved, "user", c.req.User)
	msg := fmt.Sprintf("%s closed grading cycle %s, keeping its %s, and started %s. New grades belong to %s; %s and %s show each grade beside its %s one",
		bot.User(c.req.User), bot.Bold(closed.Name), plural(moved, "grade"), bot.Bold(name), name, code("/target show"), code("/target list"), closed.Name)
	// A panel grades one cycle: those still open close with it.
	switch panels, err := h.closeCyclePanels(ctx, w.ID, c.req.User, c.now); {
	case err != nil:
		h.log.Warn("closing the old cycle's panels failed", "workspace", w.ID, "err", err)
		msg += ". Panels still open on " + closed.Name + " could not be closed: close them with " + code("/target panel close <objective>")
	case panels > 0:
		msg += fmt.Sprintf(". %s of %s closed with it; their tallies stay", plural(panels, "open panel"), closed.Name)
	}
	return announce(msg), nil
}

// cycleSummary says which cycle grades go to, since when, and which
// cycles closed before it.
func (h *Handler) cycleSummary(c *call, w *framework.Workspace) string {
	loc := w.Location(h.loc)
	msg := "Grades now belong to cycle " + bot.Bold(w.CurrentCycle(c.now))
	switch {
	case w.Cycle == "":
		msg += ", the financial year it is now: it is recorded when this workspace first imports a framework or grades a target"
	case !w.CycleStarted.IsZero():
		msg += ", started " + w.CycleStarted.In(loc).Format("2 Jan 2006")
	}
	msg += "."
	for i := len(w.PastCycles) - 1; i >= 0; i-- {
		p := w.PastCycles[i]
		line := "\n• " + p.Name + ": closed " + p.Closed.In(loc).Format("2 Jan 2006")
		if !p.Started.IsZero() {
			line = "\n• " + p.Name + ": " + p.Started.In(loc).Format("2 Jan 2006") + " to " + p.Closed.In(loc).Format("2 Jan 2006")
		}
		msg += line
	}
	if len(w.PastCycles) > 0 {
		msg = strings.Replace(msg, ".\n", ". Closed cycles:\n", 1)
	}
	return msg + "\nAn admin closes it and opens the next with " + code("/target cycle start "+nextCycle(w.CurrentCycle(c.now)))
}

// nextCycle is the financial year after cycle, for the hint.
func nextCycle(cycle string) string {
	var y int
	if _, err := fmt.Sscanf(cycle, "%4d/", &y); err != nil {
		return "<YYYY/YY>"
	}
	return fmt.Sprintf("%04d/%02d", y+1, (y+2)%100)
}

// targetLabel is what the target's framework calls its targets.
func (h *Handler) targetLabel(fwID string) string {
	if f := h.framework(fwID); f != nil {
		return f.TargetLabel()
	}
	return "target"
}

// objectiveLabel is what the framework calls its objectives.
func (h *Handler) objectiveLabel(fwID string) string {
	if f := h.framework(fwID); f != nil {
		return f.ObjectiveLabel()
	}
	return "objective"
}
