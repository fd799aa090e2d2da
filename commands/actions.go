package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Action plans (DESIGN section 17): work that moves a target, with an
// owner and a due date, never scored. The entries' layout and the rules
// are framework's (action.go); this file reads the verbs, checks who may
// change what, and words the replies.

// EntryAction is the kind of entry that holds a workspace's actions,
// their numbering and their state (framework.ActionsOf).
const EntryAction = store.EntryKind(framework.ActionEntries)

// addRetries is how often `action add` retries when another add took the
// same number first.
const addRetries = 5

// actionVerbInfo declares the action verb.
func actionVerbInfo() VerbInfo {
	return VerbInfo{Command: bot.Command{Name: "action", Usage: "action add|list|update|done|drop|snooze …",
		Summary: "action plans: work that moves a target, never scored",
		Access:  "anyone to list; admin or owner to change",
		Examples: []string{"action add eds-2022/2B Run a staff network listening event @amy due {due} objective nhse-2024-26/1.1",
			"action list mine", "action update eds-2022/2B#1 40% on-track venue booked", "action done eds-2022/2B#1",
			"action drop eds-2022/2B#1 replaced by the survey", "action snooze eds-2022/2B#1 2w"},
		Args: []bot.Arg{
			{Name: "action", Kind: bot.ArgChoice, Required: true, Choices: choices("add", "list", "update", "done", "drop", "snooze"), Description: "What to do"},
			{Name: "ref", Kind: bot.ArgText, Description: "The target (add, list), the action like eds-2022/2B#3, or mine, overdue or done (list)"},
			{Name: "rest", Kind: bot.ArgText, Rest: true, Description: "Title and options (add); progress, status, note (update); note or reason; how long (snooze)"},
		}},
		run: (*Handler).actionVerb}
}

// actionVerb dispatches `action <sub> …`.
func (h *Handler) actionVerb(ctx context.Context, c *call) (bot.Reply, error) {
	a := c.args
	if !c.text() {
		a = tokenize(strings.Join([]string{c.arg("action"), c.arg("ref"), c.arg("rest")}, " "))
	}
	switch sub := strings.ToLower(a.at(0)); sub {
	case "add":
		return h.actionAdd(ctx, c, a)
	case "list", "":
		return h.actionList(ctx, c, a.at(1))
	case "update":
		return h.actionUpdate(ctx, c, a)
	case "done", "drop":
		return h.actionClose(ctx, c, a, sub == "drop")
	case "snooze":
		return h.actionSnooze(ctx, c, a)
	default:
		return bot.Reply{}, usageError("action", "action", fmt.Sprintf("%s is not an action verb: say add, list, update, done, drop or snooze", code(short(sub, 20))))
	}
}

// actionAddArgs is what `action add` was given.
type actionAddArgs struct {
	target, title, owner, objective string
	due                             framework.Date
}

// parseActionAdd reads `add <target> <title…> [@owner] [due YYYY-MM-DD]
// [objective <ref>]`. The options are read from the end, so a title may
// hold the words "due" or "objective" itself.
func parseActionAdd(c *call, a args) (actionAddArgs, error) {
	var r actionAddArgs
	if a.len() < 3 {
		return r, usageError("action", "rest", "give a target and a title, like `action add eds-2022/2B Run a listening event @amy due 2026-12-31`")
	}
	r.target = a.at(1)
	end := a.len()
	for end > 3 {
		last, prev := a.at(end-1), strings.ToLower(a.at(end-2))
		switch {
		case prev == "due" && r.due == "":
			d, err := framework.ParseDate(short(last, 30))
			if err != nil || len(last) != len("2006-01-02") {
				return r, framework.FieldErrorf("rest", "%s is not a date: give the due date as YYYY-MM-DD, like 2026-12-31", code(short(last, 30)))
			}
			if y := string(d)[:4]; y < minDueYear || y > maxDueYear {
				return r, framework.FieldErrorf("rest", "%s has year %s: give a date from %s to %s", code(string(d)), y, minDueYear, maxDueYear)
			}
			r.due = d
			end -= 2
			continue
		case prev == "objective" && r.objective == "":
			r.objective = last
			end -= 2
			continue
		}
		if id, ok := parseMention(last); ok && r.owner == "" {
			r.owner = canonicalUser(c.req.Workspace, id)
			end--
			continue
		}
		break
	}
	if strings.EqualFold(a.at(end-2), "due") && end-2 >= 2 && r.due == "" {
		return r, framework.FieldErrorf("rest", "%s is not a date: give the due date as YYYY-MM-DD, like 2026-12-31", code(short(a.at(end-1), 30)))
	}
	title := strings.Join(strings.Fields(a.from(2)), " ")
	if end < a.len() {
		title = strings.Join(strings.Fields(strings.TrimSpace(strings.TrimSuffix(a.from(2), a.from(end)))), " ")
	}
	var err error
	r.title, err = readTitle("action", title)
	return r, err
}

// actionAdd adds an action under a target, numbered after the target's
// last one. The number is taken with an expectation on the target's
// counter entry, retried when another add took it first.
func (h *Handler) actionAdd(ctx context.Context, c *call, a args) (bot.Reply, error) {
	in, err := parseActionAdd(c, a)
	if err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupRef(ctx, c, in.target)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireOwnerOrAdmin(ctx, c, &t, "add actions to"); err != nil {
		return bot.Reply{}, err
	}
	// An archived target has left digests and reminders: an action
	// under it would be chased for nothing.
	if t.Archived {
		return bot.Reply{}, explain(framework.ErrArchived.About(t.Ref()))
	}
	if in.objective != "" {
		_, o, err := h.lookupRef(ctx, c, in.objective)
		if err != nil {
			return bot.Reply{}, err
		}
		if o.Framework == t.Framework {
			return bot.Reply{}, framework.FieldErrorf("rest", "link an action to a target of another framework (an equality objective, such as nhse-2024-26/…): %s is in %s too", code(o.Ref()), t.Framework)
		}
		in.objective = o.Ref()
	}
	owner := in.owner
	if owner == "" {
		owner = t.Owner
	}
	ref := t.Ref()
	for range addRetries {
		raw, err := h.store.Entries(ctx, w.ID, EntryAction)
		if err != nil {
			return bot.Reply{}, storeErr("load actions", err)
		}
		n, err := framework.NextActionNumber(raw[ref])
		if err != nil {
			return bot.Reply{}, storeErr("number action", err)
		}
		act := framework.Action{Target: ref, N: n, Title: in.title, Owner: owner, Due: in.due, Objective: in.objective, Author: c.req.User, Created: c.now}
		key := act.Ref()
		put := []store.Entry{{Kind: EntryAction, Key: ref, Value: strconv.Itoa(n)}}
		for k, v := range act.Added() {
			put = append(put, store.Entry{Kind: EntryAction, Key: k, Value: v})
		}
		ev := framework.Event{Kind: framework.EventActionAdd, Author: c.req.User, Time: c.now, Title: key, To: in.title, User: owner, From: string(in.due), Reason: in.objective}
		_, err = h.store.WriteEntries(ctx, w.ID, store.EntryWrite{
			Expect: []store.Entry{{Kind: EntryAction, Key: ref, Value: raw[ref]}},
			Put:    put,
			Events: []framework.Event{ev},
		})
		if errors.Is(err, framework.ErrEntryChanged) {
			continue // another add took the number: take the next
		}
		if err != nil {
			return bot.Reply{}, storeErr("add action", err)
		}
		v, err := h.namedClock(ctx, c, &w)
		if err != nil {
			return bot.Reply{}, err
		}
		msg := "Added action " + code(key) + " " + bot.UserText(act.Title)
		if owner == "" {
			msg += ", with no owner (its target has none)"
		} else {
			msg += ", owned by " + v.Owner(owner)
		}
		if !act.Due.IsZero() {
			msg += ", due " + string(act.Due)
			if act.Overdue(clockToday(v)) {
				msg += " (overdue already)"
			}
		}
		if act.Objective != "" {
			msg += ", linked to " + code(act.Objective)
		}
		return ephemeral(msg + ". Actions are never scored and never change the target's progress."), nil
	}
	return bot.Reply{}, storeErr("add action", framework.ErrEntryChanged.About(string(EntryAction)+"/"+ref))
}

// readActionRef reads word i as an action reference, <target>#<n>.
func readActionRef(a args, i int) (ref string, n int, err error) {
	s := a.at(i)
	ref, n, ok := framework.SplitActionRef(s)
	if !ok {
		if s == "" {
			return "", 0, usageError("action", "ref", "name the action, like `eds-2022/2B#3`")
		}
		return "", 0, framework.FieldErrorf("ref", "%s is not an action: name one as its target, # and its number, like `eds-2022/2B#3` (see `/target action list`)", code(short(s, 40)))
	}
	return ref, n, nil
}

// loadAction reads the workspace, the action's target and the actions,
// and finds the action: a clear not-found error when there is none.
func (h *Handler) loadAction(ctx context.Context, c *call, ref string, n int) (framework.Workspace, framework.Target, framework.Action, error) {
	w, t, err := h.lookupRef(ctx, c, ref)
	if err != nil {
		return w, t, framework.Action{}, err
	}
	raw, err := h.store.Entries(ctx, w.ID, EntryAction)
	if err != nil {
		return w, t, framework.Action{}, storeErr("load actions", err)
	}
	for _, act := range framework.ActionsOf(raw) {
		if act.Target == t.Ref() && act.N == n {
			return w, t, act, nil
		}
	}
	return w, t, framework.Action{}, framework.Errorf(framework.ENOTFOUND, "%s has no action %s: see `/target action list %s`", code(t.Ref()), code(framework.ActionRef(t.Ref(), n)), t.Ref())
}

// mayChangeAction returns EFORBIDDEN unless the requester owns the
// action or its target, or is an admin.
func (h *Handler) mayChangeAction(ctx context.Context, c *call, t *framework.Target, act *framework.Action, what string) error {
	if act.Owner != "" && framework.SameUser(act.Owner, c.req.User) || t.Owner != "" && framework.SameUser(t.Owner, c.req.User) {
		return nil
	}
	ok, err := h.isAdmin(ctx, c)
	if err != nil || ok {
		return err
	}
	return framework.Errorf(framework.EFORBIDDEN, "only the action's owner, the target's owner or an admin can %s %s", what, act.Ref())
}

// closedErr words why a closed action cannot change.
func closedErr(act *framework.Action) error {
	return framework.Errorf(framework.ECONFLICT, "%s is %s already (on %s): nothing changed", code(act.Ref()), act.State(), act.Closed)
}

// clockToday is the workspace's today, in its time zone.
func clockToday(v view.Clock) framework.Date { return framework.DateOf(v.Now, v.Loc) }
