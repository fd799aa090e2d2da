package reminders

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Reminder limits.
const (
	staleAfter     = 30 * 24 * time.Hour // an open target with no update this long gets an "update due" nudge
	snoozeDuration = "7d"
)

// ownerDM is one owner's reminder: their overdue targets and their stale ones.
type ownerDM struct {
	owner   string
	overdue []framework.Target
	stale   []framework.Target
	actions []framework.Action // their overdue open actions
}

// deliverReminders DMs each owner once for a claimed reminder run, then
// counts a reminder against each overdue target DMed. A run cut by ctx
// is left unfinished for the next run, after the last owner DMed whole.
func (s *Scheduler) deliverReminders(ctx context.Context, j *job, res *Result) {
	ws := j.sc.ws.ID
	var reminded []string
	cut := false
	for _, dm := range j.dms {
		// The first DM of a resumed run carries the cut run's progress;
		// the rest start afresh.
		resume := j.progress
		j.progress = ""
		m := bot.Message{Workspace: ws, User: dm.owner, Reply: renderReminder(dm), Key: j.key + ":" + dm.owner, Resume: resume,
			Reached: func(p string) { j.progress = p }}
		if err := j.poster.Post(ctx, m); err != nil {
			if ctx.Err() != nil {
				s.leaveUnfinished(ctx, j)
				cut = true
				break
			}
			res.Errors++
			s.log.Error("posting reminder failed", "workspace", ws, "user", dm.owner, "key", j.key, "err", err)
			continue
		}
		j.after, j.progress = dm.owner, ""
		res.Reminders++
		for _, t := range dm.overdue {
			reminded = append(reminded, t.Ref())
		}
	}
	if !cut {
		s.finishUnfinished(ctx, j)
	}
	res.Reminded += len(reminded)
	if len(reminded) > 0 {
		// Counted even when the run was cut: those DMs were sent.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := s.opts.Store.NoteReminded(ctx, ws, reminded); err != nil {
			res.Errors++
			s.log.Warn("counting reminders failed", "workspace", ws, "err", err)
		}
	}
}

// collectReminders groups the workspace's overdue and stale open targets
// by owner, leaving out snoozed and owner-less ones (the digest lists
// those for admins). It reads two sorted indexes, so its cost follows the
// targets that need reminding, not the workspace's size. A target made
// after slot, the run's fire time, is left out too: a run caught up late
// does not remind about what did not exist at its time, as a digest does
// not fire for times before its subscription.
func (s *Scheduler) collectReminders(ctx context.Context, ws string, loc *time.Location, at, slot time.Time) ([]ownerDM, error) {
	yesterday := framework.Today(at, loc).AddDays(-1)
	overdue, err := s.opts.Store.Due(ctx, ws, "", yesterday)
	if err != nil {
		return nil, fmt.Errorf("reminders: %s: read overdue targets: %w", ws, err)
	}
	stale, err := s.opts.Store.Stale(ctx, ws, at.Add(-staleAfter))
	if err != nil {
		return nil, fmt.Errorf("reminders: %s: read stale targets: %w", ws, err)
	}
	byOwner := map[string]*ownerDM{}
	seen := map[string]bool{}
	add := func(t framework.Target, isOverdue bool) {
		if t.Owner == "" || !t.Open() || seen[t.Ref()] || framework.Snoozed(&t, at, loc) || t.CreatedAt.After(slot) {
			return
		}
		seen[t.Ref()] = true
		// One DM a person, however the id's case was typed.
		key := strings.ToLower(t.Owner)
		dm := byOwner[key]
		if dm == nil {
			dm = &ownerDM{owner: t.Owner}
			byOwner[key] = dm
		}
		if isOverdue {
			dm.overdue = append(dm.overdue, t)
		} else {
			dm.stale = append(dm.stale, t)
		}
	}
	for _, t := range overdue {
		add(t, true)
	}
	for _, t := range stale {
		add(t, false)
	}
	acts, err := s.overdueActions(ctx, ws, framework.Today(at, loc))
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		key := strings.ToLower(a.Owner)
		dm := byOwner[key]
		if dm == nil {
			dm = &ownerDM{owner: a.Owner}
			byOwner[key] = dm
		}
		dm.actions = append(dm.actions, a)
	}
	dms := make([]ownerDM, 0, len(byOwner))
	for _, dm := range byOwner {
		dms = append(dms, *dm)
	}
	sort.Slice(dms, func(i, j int) bool { return dms[i].owner < dms[j].owner })
	return dms, nil
}

// renderReminder is one owner's DM: a headline, then a Block per target
// with log update, snooze and done buttons that name the target. It
// notifies the owner, and no one else.
func renderReminder(dm ownerDM) bot.Reply {
	var head []string
	if n := len(dm.overdue); n > 0 {
		head = append(head, fmt.Sprintf("%s overdue", view.Plural(n, "target")))
	}
	if n := len(dm.stale); n > 0 {
		head = append(head, fmt.Sprintf("%s with no update for %d days", view.Plural(n, "target"), int(staleAfter.Hours()/24)))
	}
	if n := len(dm.actions); n > 0 {
		head = append(head, fmt.Sprintf("%s overdue", view.Plural(n, "action")))
	}
	blocks := []bot.Block{{Text: fmt.Sprintf("⏰ You have %s.", strings.Join(head, " and "))}}
	item := func(t *framework.Target, what string) {
		blocks = append(blocks, bot.Block{
			Title:   view.Ref(t.Ref()) + " " + view.Title(t.Title, 0),
			Text:    fmt.Sprintf("%s · %s · %d%%", what, view.Status(t.Status), t.Progress),
			Colour:  view.StatusColour(t.Status),
			Buttons: view.ReminderButtons(t.Ref(), snoozeDuration),
		})
	}
	for i := range dm.overdue {
		t := &dm.overdue[i]
		item(t, fmt.Sprintf("overdue, due %s", t.Due))
	}
	for i := range dm.stale {
		t := &dm.stale[i]
		last := t.UpdatedAt
		if last.IsZero() {
			last = t.CreatedAt
		}
		what := "update due"
		if !last.IsZero() {
			what = fmt.Sprintf("update due, last activity %s", last.UTC().Format("2006-01-02"))
		}
		item(t, what)
	}
	blocks = append(blocks, actionReminderBlocks(dm.actions)...)
	return bot.Reply{Blocks: blocks, Notify: []string{dm.owner}, Command: "remind"}
}
