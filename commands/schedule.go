package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/reminders/cronspec"
)

// minSpecGap is the least time allowed between two runs of a digest or
// reminder schedule.
const minSpecGap = time.Hour

// parseSpec validates a five-field cron spec in the time zone loc, the
// way the scheduler will read it, and returns it tidied and its next run
// after now.
func parseSpec(spec string, loc *time.Location, now time.Time) (string, time.Time, error) {
	spec = strings.Join(strings.Fields(spec), " ")
	bad := func(why string) error {
		return framework.FieldErrorf("cron", "%s is not a schedule: %s. Use five fields, minute hour day-of-month month day-of-week, for example `0 9 * * MON` (Mondays at 09:00) or `30 8 * * MON-FRI` (weekdays at 08:30)", code(short(spec, 60)), why)
	}
	sched, err := cronspec.Parse(spec, loc)
	if err != nil {
		return "", time.Time{}, bad(specProblem(err))
	}
	next := sched.Next(now)
	if next.IsZero() {
		return "", time.Time{}, bad("it never runs")
	}
	// Every digest and reminder run posts, so a schedule that fires more
	// than once an hour (`* * * * *`, `*/5 9 * * *`) would flood the
	// channel or the owners' DMs. Such a schedule shows it within its
	// first few runs.
	prev := next
	for range 64 {
		t := sched.Next(prev)
		if t.IsZero() {
			break
		}
		if t.Sub(prev) < minSpecGap {
			return "", time.Time{}, bad("it runs too often, at " + prev.In(loc).Format("15:04") + " and again at " + t.In(loc).Format("15:04") + "; runs must be at least an hour apart")
		}
		prev = t
	}
	return spec, next.In(loc), nil
}

// pauseReminders pauses the workspace's reminders until a day, or
// resumes them.
func (h *Handler) pauseReminders(ctx context.Context, c *call, w *framework.Workspace, word, until string) (bot.Reply, error) {
	if err := h.requireAdmin(ctx, c, "pause reminders"); err != nil {
		return bot.Reply{}, err
	}
	loc := w.Location(h.loc)
	today := framework.Today(c.now, loc)
	paused := w.RemindersPaused != "" && today < w.RemindersPaused
	var day framework.Date
	switch {
	case word == "resume" && until != "":
		return bot.Reply{}, usageError("reminders", "cron", "`reminders resume` takes nothing after it")
	case word == "resume" && !paused:
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: reminders are not paused")
	case word == "pause" && until == "":
		return bot.Reply{}, usageError("reminders", "cron", "say until when, like `reminders pause 2w` or `reminders pause "+string(today.AddDays(14))+"`")
	case word == "pause" && strings.EqualFold(until, "off"):
		return bot.Reply{}, usageError("reminders", "cron", "a pause ends with `/target reminders resume`, and `/target reminders off` stops reminders for good")
	case word == "pause":
		d, err := parseSnooze(until, today)
		if err != nil {
			// A snooze ends with `off`; a pause ends with resume.
			msg := strings.Replace(framework.ErrorMessage(err), "snooze length", "pause length", 1)
			msg = strings.Replace(msg, ", or `off`", "; `/target reminders resume` ends a pause", 1)
			return bot.Reply{}, usageError("reminders", "cron", msg)
		}
		if d == w.RemindersPaused {
			return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: reminders are already paused until %s", d)
		}
		day = d
	}
	if err := h.store.SetRemindersPaused(ctx, w.ID, day); err != nil {
		return bot.Reply{}, storeErr("pause reminders", err)
	}
	if day.IsZero() {
		return announce(bot.User(c.req.User) + " resumed overdue reminders: owners get them again from the next run"), nil
	}
	return announce(fmt.Sprintf("%s paused overdue reminders until %s: owners get none before then, and digests say so. %s ends the pause early",
		bot.User(c.req.User), day, code("/target reminders resume"))), nil
}

// specProblem says, in the bot's words, what cronspec found wrong.
func specProblem(err error) string {
	var e *cronspec.Error
	if !errors.As(err, &e) {
		return "it cannot be read"
	}
	switch e.Problem {
	case cronspec.Fields:
		return fmt.Sprintf("it has %s fields, not five", e.Value)
	case cronspec.Unknown:
		return fmt.Sprintf("%s is not a %s: use %s", code(short(e.Value, 20)), e.Field, strings.Join(cronspec.Names(e.Field), ", "))
	case cronspec.Range:
		return fmt.Sprintf("the %s %s is out of range: use %d to %d", e.Field, code(short(e.Value, 20)), e.Min, e.Max)
	case cronspec.Syntax:
		if e.Field == "" {
			return "it is not a schedule targetbot knows"
		}
		return fmt.Sprintf("the %s %s cannot be read: write a number, a range like 1-5, a list like 1,15, or a step like */2", e.Field, code(short(e.Value, 20)))
	case cronspec.Interval:
		return "`@every` runs relative to when targetbot started, not at clock times"
	case cronspec.Zone:
		return "the time zone comes from `/target timezone`"
	case cronspec.Never:
		return "that date never comes"
	}
	return "it cannot be read"
}

// when formats a run time for people: "Mon 2 Mar 2026 at 09:00 GMT".
func when(t time.Time) string { return t.Format("Mon 2 Jan 2006 at 15:04 MST") }

// digestVerb subscribes this channel to digests, stops them, or posts one now.
func (h *Handler) digestVerb(ctx context.Context, c *call) (bot.Reply, error) {
	sub := strings.ToLower(c.arg("action"))
	switch sub {
	case "here", "off", "now":
	default:
		return bot.Reply{}, usageError("digest", "", "say `here`, `off` or `now`")
	}
	if sub != "here" && c.arg("cron") != "" {
		return bot.Reply{}, usageError("digest", "", "`digest "+sub+"` takes nothing after it")
	}
	if c.req.Channel == "" {
		return bot.Reply{}, framework.Errorf(framework.EINVALID, "digests need a channel: run this in the channel that should get them")
	}
	if err := h.requireAdmin(ctx, c, "manage digests"); err != nil {
		return bot.Reply{}, err
	}
	switch sub {
	case "off":
		if err := h.store.DeleteSubscription(ctx, c.req.Workspace, c.req.Channel); err != nil {
			return bot.Reply{}, storeErr("delete subscription", err)
		}
		return announce(bot.User(c.req.User) + " turned digests off for this channel"), nil
	case "now":
		if h.postDigest == nil {
			return bot.Reply{}, errNoDigests
		}
		// A digest reports the updates since the channel's last one, so it
		// needs the channel's subscription.
		subs, err := h.store.Subscriptions(ctx, c.req.Workspace)
		if err != nil {
			return bot.Reply{}, storeErr("load subscriptions", err)
		}
		if !slices.ContainsFunc(subs, func(s framework.Subscription) bool { return s.Channel == c.req.Channel }) {
			return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "this channel gets no digests yet: run `/target digest here` first, then `/target digest now`")
		}
		// Posting a long digest is paced by the platform and outlives a
		// command's store budget; it still ends.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), digestNowTimeout)
		defer cancel()
		if err := h.postDigest(pctx, c.req.Workspace, c.req.Channel); err != nil {
			if errors.Is(err, bot.ErrNoPoster) {
				return bot.Reply{}, framework.Errorf(framework.EUNAVAILABLE, "targetbot cannot post here: it has no bot token for %s. Ask whoever runs targetbot to set one", c.req.Platform())
			}
			// The builder is not the store: it may word its own errors.
			// The store's errors it passes on are worded by explain.
			return bot.Reply{}, explain(err)
		}
		return ephemeral("the digest is posted in this channel"), nil
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	spec := c.arg("cron")
	if spec == "" {
		spec = framework.DefaultDigestSpec
	}
	loc := w.Location(h.loc)
	spec, next, err := parseSpec(spec, loc, c.now)
	if err != nil {
		return bot.Reply{}, usageError("digest", "cron", framework.ErrorMessage(err))
	}
	subs, err := h.store.Subscriptions(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, storeErr("load subscriptions", err)
	}
	if slices.ContainsFunc(subs, func(s framework.Subscription) bool { return s.Channel == c.req.Channel && s.Spec == spec }) {
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: this channel already gets digests %s (%s). The next one is %s", specWords(spec), loc, when(next))
	}
	s := framework.Subscription{Workspace: w.ID, Channel: c.req.Channel, Spec: spec, CreatedBy: c.req.User, CreatedAt: c.now}
	if err := h.store.PutSubscription(ctx, s); err != nil {
		return bot.Reply{}, storeErr("put subscription", err)
	}
	msg := fmt.Sprintf("%s subscribed this channel to digests %s (%s). The next one is %s", bot.User(c.req.User), specWords(spec), loc, when(next))
	return announce(msg), nil
}

// timezone shows the workspace's time zone, or sets it for an admin.
func (h *Handler) timezone(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 1 {
		return bot.Reply{}, usageError("timezone", "timezone", "give one IANA time zone name, like `Europe/London`")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if c.arg("name") == "" {
		loc := w.Location(h.loc)
		how := "set here"
		if w.Timezone == "" {
			how = "the bot's default"
		}
		return ephemeral(fmt.Sprintf("the time zone here is %s (%s); it is %s there now. An admin can change it with `/target timezone <IANA name>`",
			code(loc.String()), how, c.now.In(loc).Format("15:04 on Mon 2 Jan"))), nil
	}
	name := c.arg("name")
	loc, err := loadLocation(name)
	if err != nil {
		return bot.Reply{}, framework.FieldErrorf("timezone", "%s is not a time zone: use an IANA name such as `Europe/London`, `America/New_York` or `UTC`", code(short(name, 60)))
	}
	if err := h.requireAdmin(ctx, c, "change the time zone"); err != nil {
		return bot.Reply{}, err
	}
	if w.Timezone == loc.String() {
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: the time zone here is already %s", code(loc.String()))
	}
	if err := h.store.SetTimezone(ctx, w.ID, loc.String()); err != nil {
		return bot.Reply{}, storeErr("set timezone", err)
	}
	return announce(fmt.Sprintf("%s set the time zone to %s: it is %s there now. Due dates, digests and reminders follow it",
		bot.User(c.req.User), code(loc.String()), c.now.In(loc).Format("15:04 on Mon 2 Jan"))), nil
}

// loadLocation loads an IANA zone, forgiving case ("europe/london"). It
// refuses "Local", which would mean whatever the server's zone is.
func loadLocation(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") || len(name) > maxZone || strings.Contains(name, "..") {
		return nil, fmt.Errorf("bad zone %q", name)
	}
	if strings.EqualFold(name, "utc") {
		return time.UTC, nil
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	return time.LoadLocation(titleZone(name))
}

// titleZone capitalises each word of a zone name: "america/new_york"
// becomes "America/New_York".
func titleZone(name string) string {
	b := []rune(strings.ToLower(name))
	up := true
	for i, r := range b {
		if up {
			b[i] = unicode.ToUpper(r)
		}
		up = r == '/' || r == '_' || r == '-'
	}
	return string(b)
}

// reminders shows the workspace's overdue-reminder schedule, or sets it
// for an admin.
func (h *Handler) reminders(ctx context.Context, c *call) (bot.Reply, error) {
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	loc := w.Location(h.loc)
	arg := c.arg("cron")
	if word, rest, _ := strings.Cut(arg, " "); strings.EqualFold(word, "pause") || strings.EqualFold(word, "resume") {
		return h.pauseReminders(ctx, c, &w, strings.ToLower(word), strings.TrimSpace(rest))
	}
	if strings.EqualFold(arg, framework.RemindersOff) {
		if err := h.requireAdmin(ctx, c, "change the reminder schedule"); err != nil {
			return bot.Reply{}, err
		}
		if w.ReminderSpec == framework.RemindersOff {
			return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: overdue reminders are already off. `/target reminders default` turns them back on")
		}
		if err := h.store.SetReminderSpec(ctx, w.ID, framework.RemindersOff); err != nil {
			return bot.Reply{}, storeErr("set reminder spec", err)
		}
		return announce(bot.User(c.req.User) + " turned overdue reminders off for this workspace: owners get no reminder DMs, and digests still list what is overdue. " + code("/target reminders default") + " turns them back on"), nil
	}
	if arg == "" {
		spec := w.ReminderSpec
		how := "set here"
		if spec == framework.RemindersOff {
			return ephemeral("overdue reminders are off here: an admin can turn them on with " + code("/target reminders default") + " or " + code("/target reminders <cron>")), nil
		}
		if p := w.RemindersPaused; p != "" && framework.Today(c.now, loc) < p {
			return ephemeral(fmt.Sprintf("overdue reminders are paused until %s: an admin can end the pause with %s", p, code("/target reminders resume"))), nil
		}
		if spec == "" {
			spec, how = framework.DefaultReminderSpec, "the default"
		}
		_, next, err := parseSpec(spec, loc, c.now)
		if err != nil {
			return ephemeral(fmt.Sprintf("overdue reminders run on %s (%s), which no longer parses: an admin can fix it with `/target reminders <cron>`", code(spec), how)), nil
		}
		return ephemeral(fmt.Sprintf("overdue reminders run %s (%s, %s); the next run is %s", specWords(spec), how, loc, when(next))), nil
	}
	saved := arg
	if strings.EqualFold(arg, "default") {
		arg, saved = framework.DefaultReminderSpec, ""
	}
	spec, next, err := parseSpec(arg, loc, c.now)
	if err != nil {
		return bot.Reply{}, usageError("reminders", "cron", framework.ErrorMessage(err))
	}
	if saved != "" {
		saved = spec
	}
	if err := h.requireAdmin(ctx, c, "change the reminder schedule"); err != nil {
		return bot.Reply{}, err
	}
	if w.ReminderSpec == saved {
		return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: overdue reminders already run %s (%s); the next run is %s", specWords(spec), loc, when(next))
	}
	if err := h.store.SetReminderSpec(ctx, w.ID, saved); err != nil {
		return bot.Reply{}, storeErr("set reminder spec", err)
	}
	return announce(fmt.Sprintf("%s set overdue reminders to run %s (%s); the next run is %s", bot.User(c.req.User), specWords(spec), loc, when(next))), nil
}
