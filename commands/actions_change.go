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

// actionUpdate logs progress, a status or a note on an open action.
//
// It is one round trip on Redis: every field an update sets is an entry
// of its own (framework's action layout), so the write puts only what
// was given and needs no read of the rest. Who may make it and whether
// the action is open are the write's own expectations: "<ref>#<n>/open"
// is "1", and, unless the requester is an admin without a read (their
// platform role or TARGETBOT_ADMINS), "<ref>#<n>/owner" is the
// requester. This was chosen over a Lua script of its own because it
// needs no new store method on both drivers: WriteEntries already checks
// expectations atomically. When an expectation fails (an unknown action,
// a closed one, the target's owner or a granted admin rather than the
// action's owner), the slow path reads the action and the target to
// word the error, or to write again for a requester allowed after all.
func (h *Handler) actionUpdate(ctx context.Context, c *call, a args) (bot.Reply, error) {
	ref, n, err := readActionRef(a, 1)
	if err != nil {
		return bot.Reply{}, err
	}
	u, err := parseUpdateArgs(a, 2)
	if err != nil {
		return bot.Reply{}, err
	}
	if u.status == framework.Done {
		return h.closeAction(ctx, c, ref, n, false, u.note)
	}
	if fw, tcode := framework.SplitRef(ref); fw != "" && tcode != "" {
		key := framework.ActionRef(framework.Ref(strings.ToLower(fw), tcode), n)
		expect := []store.Entry{{Kind: EntryAction, Key: key + framework.ActionOpen, Value: "1"}}
		if !c.req.PlatformAdmin && !h.configuredAdmin(c.req.Workspace, c.req.User) {
			expect = append(expect, store.Entry{Kind: EntryAction, Key: key + framework.ActionOwner, Value: c.req.User})
		}
		_, err := h.store.WriteEntries(ctx, c.req.Workspace, actionUpdateWrite(c, key, u, expect))
		switch {
		case err == nil:
			return ephemeral(actionUpdated(key, u)), nil
		case !errors.Is(err, framework.ErrEntryChanged):
			return bot.Reply{}, storeErr("update action", err)
		}
	}
	w, t, act, err := h.loadAction(ctx, c, ref, n)
	if err != nil {
		return bot.Reply{}, err
	}
	if !act.Open {
		return bot.Reply{}, closedErr(&act)
	}
	if err := h.mayChangeAction(ctx, c, &t, &act, "update"); err != nil {
		return bot.Reply{}, err
	}
	key := act.Ref()
	expect := []store.Entry{{Kind: EntryAction, Key: key + framework.ActionOpen, Value: "1"}}
	if _, err := h.store.WriteEntries(ctx, w.ID, actionUpdateWrite(c, key, u, expect)); err != nil {
		return bot.Reply{}, storeErr("update action", err)
	}
	return ephemeral(actionUpdated(key, u)), nil
}

// actionUpdateWrite is the blind write of an update to action key.
func actionUpdateWrite(c *call, key string, u updateArgs, expect []store.Entry) store.EntryWrite {
	var put []store.Entry
	var to []string
	if u.progress != framework.Unchanged {
		put = append(put, store.Entry{Kind: EntryAction, Key: key + framework.ActionProgress, Value: strconv.Itoa(u.progress)})
		to = append(to, fmt.Sprintf("%d%%", u.progress))
	}
	if u.status != "" {
		put = append(put, store.Entry{Kind: EntryAction, Key: key + framework.ActionStatus, Value: string(u.status)})
		to = append(to, string(u.status))
	}
	if u.note != "" {
		put = append(put, store.Entry{Kind: EntryAction, Key: key + framework.ActionNote, Value: u.note})
	}
	ev := framework.Event{Kind: framework.EventActionUpdate, Author: c.req.User, Time: c.now, Title: key, To: strings.Join(to, " "), Reason: u.note}
	return store.EntryWrite{Expect: expect, Put: put, Events: []framework.Event{ev}}
}

// actionUpdated words a logged update.
func actionUpdated(key string, u updateArgs) string {
	var what []string
	if u.progress != framework.Unchanged {
		what = append(what, fmt.Sprintf("%d%%", u.progress))
	}
	if u.status != "" {
		what = append(what, string(u.status))
	}
	if u.note != "" {
		what = append(what, "note "+view.Note(u.note))
	}
	return "Logged on action " + code(key) + ": " + strings.Join(what, ", ") + ". The target's own progress is unchanged."
}

// actionClose reads `action done <action> [note…]` and `action drop
// <action> <reason…>`.
func (h *Handler) actionClose(ctx context.Context, c *call, a args, drop bool) (bot.Reply, error) {
	ref, n, err := readActionRef(a, 1)
	if err != nil {
		return bot.Reply{}, err
	}
	note := a.from(2)
	if drop && strings.TrimSpace(note) == "" {
		return bot.Reply{}, usageError("action", "rest", "say why the action is dropped, like `action drop eds-2022/2B#3 replaced by the survey`")
	}
	if err := checkText("rest", "note", note, maxNote); err != nil {
		return bot.Reply{}, err
	}
	return h.closeAction(ctx, c, ref, n, drop, note)
}

// closeAction marks an open action done or dropped, on the workspace's
// today. A dropped action cannot be done, nor a done one dropped.
func (h *Handler) closeAction(ctx context.Context, c *call, ref string, n int, drop bool, note string) (bot.Reply, error) {
	w, t, act, err := h.loadAction(ctx, c, ref, n)
	if err != nil {
		return bot.Reply{}, err
	}
	if !act.Open {
		return bot.Reply{}, closedErr(&act)
	}
	what, status, kind := "mark done", framework.ActionDone, framework.EventActionDone
	if drop {
		what, status, kind = "drop", framework.ActionDropped, framework.EventActionDrop
	}
	if err := h.mayChangeAction(ctx, c, &t, &act, what); err != nil {
		return bot.Reply{}, err
	}
	today := clockToday(h.clock(c, &w))
	key := act.Ref()
	put := []store.Entry{
		{Kind: EntryAction, Key: key + framework.ActionOpen, Value: ""},
		{Kind: EntryAction, Key: key + framework.ActionStatus, Value: string(status)},
		{Kind: EntryAction, Key: key + framework.ActionClosed, Value: string(today)},
	}
	if note != "" {
		put = append(put, store.Entry{Kind: EntryAction, Key: key + framework.ActionNote, Value: note})
	}
	if !drop {
		put = append(put, store.Entry{Kind: EntryAction, Key: key + framework.ActionProgress, Value: "100"})
	}
	w2 := store.EntryWrite{
		Expect: []store.Entry{{Kind: EntryAction, Key: key + framework.ActionOpen, Value: "1"}},
		Put:    put,
		Events: []framework.Event{{Kind: kind, Author: c.req.User, Time: c.now, Title: key, Reason: note}},
	}
	if _, err := h.store.WriteEntries(ctx, w.ID, w2); err != nil {
		return bot.Reply{}, storeErr(what+" action", err)
	}
	msg := "Marked action " + code(key) + " " + bot.UserText(act.Title) + " done on " + string(today) + "."
	if drop {
		msg = "Dropped action " + code(key) + " " + bot.UserText(act.Title) + ": " + view.Note(note) + "."
	}
	return ephemeral(msg), nil
}

// actionSnooze pauses reminders for an open action until a day.
func (h *Handler) actionSnooze(ctx context.Context, c *call, a args) (bot.Reply, error) {
	ref, n, err := readActionRef(a, 1)
	if err != nil {
		return bot.Reply{}, err
	}
	if a.len() != 3 {
		return bot.Reply{}, usageError("action", "rest", "name the action and how long, like `action snooze eds-2022/2B#3 7d`, `2w` or `2026-12-01`")
	}
	w, t, act, err := h.loadAction(ctx, c, ref, n)
	if err != nil {
		return bot.Reply{}, err
	}
	until, err := parseSnooze(a.at(2), clockToday(h.clock(c, &w)))
	if err != nil {
		return bot.Reply{}, err
	}
	if !act.Open {
		return bot.Reply{}, closedErr(&act)
	}
	if err := h.mayChangeAction(ctx, c, &t, &act, "snooze"); err != nil {
		return bot.Reply{}, err
	}
	key := act.Ref()
	w2 := store.EntryWrite{
		Expect: []store.Entry{{Kind: EntryAction, Key: key + framework.ActionOpen, Value: "1"}},
		Put:    []store.Entry{{Kind: EntryAction, Key: key + framework.ActionSnooze, Value: string(until)}},
		Events: []framework.Event{{Kind: framework.EventActionSnooze, Author: c.req.User, Time: c.now, Title: key, To: string(until)}},
	}
	if _, err := h.store.WriteEntries(ctx, w.ID, w2); err != nil {
		return bot.Reply{}, storeErr("snooze action", err)
	}
	return ephemeral("Snoozed reminders for action " + code(key) + " until " + string(until) + "."), nil
}
