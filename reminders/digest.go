package reminders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// firstDigestWindow is how far back a channel's first digest looks for
// updates, when it has never had one.
const firstDigestWindow = 7 * 24 * time.Hour

// digestSettle is how long before a scheduled digest an update may still
// be on its way into the store: a command stamps its update when it
// starts and stores it a little later, so an update stamped just before
// the digest's time can land just after the digest read the store. A
// scheduled digest therefore reports updates up to this long before its
// time and marks the channel digested there; later ones go in the next
// digest, so none is lost between the two.
const digestSettle = 30 * time.Second

// PostDigest posts the digest for one channel now, as `digest now`
// asks: exactly what a scheduled digest posts, details included, through
// the workspace platform's Poster. Then it marks the channel digested, so
// the next digest starts where this one ended.
func (s *Scheduler) PostDigest(ctx context.Context, ws, channel string) error {
	at := s.opts.Now()
	poster := s.opts.Posters[bot.PlatformOf(ws)]
	if poster == nil {
		return fmt.Errorf("reminders: digest %s on %q: %w", ws, bot.PlatformOf(ws), bot.ErrNoPoster)
	}
	w, err := s.opts.Store.Workspace(ctx, ws)
	if err != nil {
		return fmt.Errorf("reminders: digest %s: %w", ws, err)
	}
	last, err := s.lastDigest(ctx, ws, channel)
	if err != nil {
		return err
	}
	reply, err := s.buildDigest(ctx, w, w.Location(s.opts.Location), last, at, at)
	if err != nil {
		return err
	}
	reply.Command = "digest"
	key := fmt.Sprintf("digest-now:%s:%s:%d", ws, channel, at.UnixNano())
	if err := poster.Post(ctx, bot.Message{Workspace: ws, Channel: channel, Reply: reply, Key: key}); err != nil {
		return fmt.Errorf("reminders: post digest %s %s: %w", ws, channel, err)
	}
	if err := s.opts.Store.MarkDigested(ctx, ws, channel, at); err != nil && !errors.Is(err, framework.ErrNoSubscription) {
		return fmt.Errorf("reminders: mark %s %s digested: %w", ws, channel, err)
	}
	return nil
}

// deliverDigest posts a claimed digest and marks the channel digested.
// A post cut by ctx is left unfinished for the next run.
func (s *Scheduler) deliverDigest(ctx context.Context, j *job, res *Result) {
	ws, channel := j.sc.ws.ID, j.sc.sub.Channel
	reply := j.reply
	reply.Command = "digest"
	m := bot.Message{Workspace: ws, Channel: channel, Reply: reply, Key: j.key, Resume: j.progress,
		Reached: func(p string) { j.progress = p }}
	if err := j.poster.Post(ctx, m); err != nil {
		if ctx.Err() != nil {
			s.leaveUnfinished(ctx, j)
			return
		}
		res.Errors++
		s.log.Error("posting digest failed", "workspace", ws, "channel", channel, "key", j.key, "err", err)
		return
	}
	res.Digests++
	s.finishUnfinished(ctx, j)
	if err := s.opts.Store.MarkDigested(ctx, ws, channel, j.upTo); err != nil {
		// The next digest repeats some updates; nothing is lost.
		res.Errors++
		s.log.Warn("marking channel digested failed", "workspace", ws, "channel", channel, "err", err)
	}
	// Keep the cached subscription in step until the next poll.
	j.sc.sub.LastDigest = j.upTo
}

// scheduledUpTo is where a scheduled digest at at stops reporting updates
// and marks its channel: digestSettle before at, but never before the
// last digest, which would report updates twice.
func scheduledUpTo(last, at time.Time) time.Time {
	upTo := at.Add(-digestSettle)
	if upTo.Before(last) {
		return last
	}
	return upTo
}

// buildDigest reads the workspace's targets, its updates since last up
// to upTo and the names of its people (each in a round trip that does
// not grow with their number, fetched concurrently) and renders the digest as of at. Archived targets
// and their updates are left out.
func (s *Scheduler) buildDigest(ctx context.Context, w framework.Workspace, loc *time.Location, last, at, upTo time.Time) (bot.Reply, error) {
	ws := w.ID
	since := last
	if since.IsZero() {
		since = at.Add(-firstDigestWindow)
	}
	type updates struct {
		us    []framework.Update
		total int
		err   error
	}
	uc := make(chan updates, 1)
	type names struct {
		people framework.People
		err    error
	}
	pc := make(chan names, 1)
	go func() {
		raw, err := s.opts.Store.Entries(ctx, ws, store.EntryPerson)
		pc <- names{framework.PeopleOf(raw), err}
	}()
	ac := s.readActions(ctx, ws)
	go func() {
		// Updates logged after upTo belong to the next digest. The digest
		// lists the newest maxUpdatesListed and counts the rest.
		us, total, err := s.opts.Store.UpdatesSince(ctx, ws, since, upTo, maxUpdatesListed)
		uc <- updates{us, total, err}
	}()
	ts, terr := s.opts.Store.Targets(ctx, ws)
	u, p, a := <-uc, <-pc, <-ac
	if terr != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read targets: %w", ws, terr)
	}
	if u.err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read updates: %w", ws, u.err)
	}
	if p.err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read people: %w", ws, p.err)
	}
	if a.err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read actions: %w", ws, a.err)
	}
	live, us, total := leaveOutArchived(ts, u.us, u.total)
	book, err := s.metricBook(ctx, ws, live)
	if err != nil {
		return bot.Reply{}, err
	}
	var archived []framework.Target
	for i := range ts {
		if ts[i].Archived {
			archived = append(archived, ts[i])
		}
	}
	d := digestData{Loc: loc, At: at, Since: since, Targets: live, Archived: archived, Updates: us, UpdateCount: total, Titles: s.titles, Frameworks: s.frameworks,
		Cycle: w.CurrentCycle(at), People: p.people, Metrics: book, Actions: a.actions}
	if w.RemindersPaused != "" && framework.Today(at, loc) < w.RemindersPaused {
		d.Paused = w.RemindersPaused
	}
	if p, ok := w.PreviousCycle(); ok {
		d.Previous = p.Name
	}
	return renderDigest(d), nil
}

// leaveOutArchived drops archived targets, and the listed updates to
// them, from what a digest shows. total, the count of updates in the
// window, loses the dropped ones; updates beyond the listed window are
// counted as they are, since reading them all to check is what the
// window avoids.
func leaveOutArchived(ts []framework.Target, us []framework.Update, total int) ([]framework.Target, []framework.Update, int) {
	archived := map[string]bool{}
	for i := range ts {
		if ts[i].Archived {
			archived[ts[i].Ref()] = true
		}
	}
	if len(archived) == 0 {
		return ts, us, total
	}
	kept := make([]framework.Update, 0, len(us))
	for _, u := range us {
		if archived[u.Target] {
			total--
			continue
		}
		kept = append(kept, u)
	}
	return framework.Live(ts), kept, total
}

// lastDigest reads when the channel last had a digest, fresh from the
// store: the due workspace's schedules were read at the start of the
// tick, and a `digest now` or another replica may have moved it since.
func (s *Scheduler) lastDigest(ctx context.Context, ws, channel string) (time.Time, error) {
	subs, err := s.opts.Store.Subscriptions(ctx, ws)
	if err != nil {
		return time.Time{}, fmt.Errorf("reminders: digest %s: %w", ws, err)
	}
	for _, sub := range subs {
		if sub.Channel == channel {
			return sub.LastDigest, nil
		}
	}
	return time.Time{}, nil
}
