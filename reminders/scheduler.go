// Package reminders posts digests to subscribed channels and overdue
// reminders to target owners on cron schedules (robfig/cron v3), exactly
// once across replicas.
//
// Every replica runs a Scheduler. On each tick it works out, for every
// schedule, the latest fire time at or before now. A fire time it has not
// handled yet is claimed through store.Claim under a key made of the
// schedule and the fire time in local wall-clock terms, so:
//
//   - however many replicas run, one of them posts each period;
//   - after downtime only the latest missed period runs, once: earlier
//     missed periods are never looked at, because only the latest fire
//     time is ever claimed;
//   - at the autumn DST change, when robfig/cron fires 01:30 twice, both
//     fire times share one key and the second finds it claimed; in spring
//     robfig skips the missing hour and so do we.
//
// Choices where DESIGN.md is silent:
//
//   - A digest subscription does not fire for times before its CreatedAt,
//     so `digest here` on a Tuesday does not post last Monday's digest at
//     once. Reminder schedules have no such bound: the first tick after a
//     start catches up the latest reminder run once, if no replica ran it,
//     leaving out targets made after that run's time.
//   - A digest reports the updates since the channel's LastDigest; a
//     channel's first digest looks back 7 days. A scheduled digest stops
//     30 s before its time (digestSettle), so an update still being
//     stored as it runs goes in the next one rather than in neither.
//   - A digest that would say nothing (no updates since the last one,
//     nothing overdue or due within 14 days) is one line.
//   - Targets with 3 or more unanswered reminders are listed for admins
//     in the digest, unless snoozed: a snooze is an answer.
//   - A reminder DM also nudges the owner about open targets with no
//     update for 30 days; owners with only such targets get one too.
//   - Reads happen before the claim and the post right after it, so a
//     store failure before the claim retries on the next tick. A failed
//     post after the claim is logged and not retried: a period posts at
//     most once, and Message.Key lets a Poster drop platform retries.
//     A post cut by a shutdown is the exception: it is left unfinished
//     for the next run to complete (unfinished.go).
//   - A replica with no Poster for a workspace's platform never claims
//     its schedules, leaving them to a replica that has one.
package reminders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// prepareWorkers bounds the store reads RunDue runs at once.
const prepareWorkers = 16

// Store is what the scheduler reads and marks: the workspaces'
// settings, the targets and updates a digest or a reminder lists, the
// subscriptions it polls, and the claims that make each firing run once.
type Store interface {
	store.Settings
	store.Targets
	store.Records
	store.Schedules
	store.Claimer
	// Entries gives the names of the people digests name.
	store.Entries
	// AdapterState keeps, in the workspace, what a post cut by a
	// shutdown had reached (unfinished.go).
	store.AdapterState
}

// Options configures a Scheduler.
type Options struct {
	Store Store
	// Posters post messages by platform: "slack", "discord", "local"
	// (bot.PlatformOf of the workspace). A workspace whose platform has no
	// Poster here is left to replicas that have one.
	Posters map[string]bot.Poster
	// Location is the time zone of workspaces that set none; default UTC.
	Location *time.Location
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Frameworks are the frameworks on offer, so digests can name each
	// objective by its title ("eds/1 Better health outcomes for all").
	Frameworks []*framework.Framework
	// Logger receives store and post failures; default slog.Default().
	Logger *slog.Logger
	// Poll is how often schedules are re-read from the store, so new
	// subscriptions start without a restart; default 30s.
	Poll time.Duration
	// Tick is how often Run checks for due fire times; default 20s.
	Tick time.Duration
}

// Result counts what one RunDue did, for logs and tests.
type Result struct {
	Digests   int // digests posted to channels
	Reminders int // reminder DMs posted to owners
	Reminded  int // overdue targets listed in those DMs
	Claimed   int // fire times this call claimed
	Lost      int // fire times another run had already claimed
	Errors    int // store, spec and post failures, each logged
}

// Scheduler posts digests and reminders. Its methods are safe for
// concurrent use.
type Scheduler struct {
	opts Options
	log  *slog.Logger

	mu        sync.Mutex // serialises RunDue; guards the fields below
	loaded    time.Time  // when schedules were last read, by opts.Now
	schedules []schedule
	// done holds, per schedule, the claim key this process last handled,
	// so a fire time costs no store round trips on later ticks.
	done map[string]string

	titles     map[string]string               // objective ref -> title, from opts.Frameworks
	frameworks map[string]*framework.Framework // by id, from opts.Frameworks

	runMu   sync.Mutex
	runDone chan struct{}      // closed when Run returns; nil before Run
	cut     context.CancelFunc // cuts the posts of Run's run in flight
}

// schedule is one digest subscription or one workspace's reminders.
type schedule struct {
	id   string // stable identity, for done
	ws   framework.Workspace
	loc  *time.Location // the workspace's zone, for dates
	spec *cron.SpecSchedule
	sub  *framework.Subscription // nil for reminders

	// fire and next cache the last answer of latest: while at stays in
	// [fire, next) the latest fire time is still fire, and a tick costs
	// no cron arithmetic.
	fire, next time.Time
}

// latest is latestFire(sc.spec, at), cached.
func (sc *schedule) latest(at time.Time) (time.Time, bool) {
	if !sc.fire.IsZero() && !at.Before(sc.fire) && at.Before(sc.next) {
		return sc.fire, true
	}
	f, ok := latestFire(sc.spec, at)
	if !ok {
		return f, false
	}
	sc.fire, sc.next = f, sc.spec.Next(f)
	if sc.next.IsZero() {
		sc.fire = time.Time{} // no next fire time: do not cache
	}
	return f, true
}

// New returns a Scheduler with opts' defaults filled in.
func New(opts Options) *Scheduler {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	if opts.Tick <= 0 {
		opts.Tick = 20 * time.Second
	}
	titles := map[string]string{}
	frameworks := map[string]*framework.Framework{}
	for _, f := range opts.Frameworks {
		for _, o := range f.Objectives {
			titles[framework.Ref(f.ID, o.Code)] = o.Title
			frameworks[f.ID] = f
		}
	}
	return &Scheduler{opts: opts, log: opts.Logger.With("component", "reminders"), done: map[string]string{}, titles: titles, frameworks: frameworks}
}

// Run calls RunDue(ctx, Now()) every Tick until ctx ends, and returns nil
// then. Store and post failures are logged and never stop it. When ctx
// ends, Run claims nothing more, but what it has claimed is still
// posted: Run returns when that is done, or when Drain cuts it.
func (s *Scheduler) Run(ctx context.Context) error {
	work, cut := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	s.runMu.Lock()
	s.runDone, s.cut = done, cut
	s.runMu.Unlock()
	defer close(done)
	defer cut()
	t := time.NewTicker(s.opts.Tick)
	defer t.Stop()
	for {
		res, err := s.runDue(ctx, work, s.opts.Now())
		if err != nil && ctx.Err() == nil {
			s.log.Warn("scheduler tick failed", "err", err)
		}
		if res.Claimed > 0 {
			s.log.Info("scheduler tick", "digests", res.Digests, "reminders", res.Reminders, "reminded", res.Reminded, "errors", res.Errors)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Drain waits, once Run's context has ended, for the posts Run has
// claimed to finish. When ctx ends first it cuts them: each is left for
// the next run to complete, from the part it reached.
func (s *Scheduler) Drain(ctx context.Context) error {
	s.runMu.Lock()
	done, cut := s.runDone, s.cut
	s.runMu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		cut()
		<-done
		return fmt.Errorf("reminders: drain: posts cut and left for the next run: %w", ctx.Err())
	}
}

// RunDue runs, once, every digest and reminder whose latest fire time at
// or before at has not run yet, in this process or any other sharing the
// store, and completes any that a run cut by a shutdown left unfinished.
// Calling it again with the same time posts nothing more. Its error
// joins the failures it met; it still ran everything it could. When ctx
// ends part way, what it had claimed and not posted is left unfinished.
func (s *Scheduler) RunDue(ctx context.Context, at time.Time) (Result, error) {
	return s.runDue(ctx, ctx, at)
}

// runDue is RunDue with two contexts: ctx ends the reads and claims,
// work the posts that follow a claim.
func (s *Scheduler) runDue(ctx, work context.Context, at time.Time) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res Result
	var errs []error
	if err := s.refresh(ctx); err != nil {
		res.Errors++
		errs = append(errs, err)
		if s.schedules == nil {
			return res, err
		}
		s.log.Warn("reading schedules failed, using the last ones read", "err", err)
	}
	jobs := s.dueJobs(at)
	s.prepareAll(ctx, jobs, at)
	for _, j := range jobs {
		if j.err != nil {
			// Failed before the claim: leave it for the next tick.
			res.Errors++
			errs = append(errs, j.err)
			s.log.Warn("schedule failed, will retry", "workspace", j.sc.ws.ID, "key", j.key, "err", j.err)
			continue
		}
		s.done[j.sc.id] = j.key
		switch {
		case !j.tried:
			// Nothing to post: no claim taken.
		case !j.claimed:
			res.Lost++
		case work.Err() != nil:
			// Cut before its turn came: all of it is left.
			s.leaveUnfinished(work, j)
		default:
			res.Claimed++
			if j.sc.sub != nil {
				s.deliverDigest(work, j, &res)
			} else {
				s.deliverReminders(work, j, &res)
			}
		}
	}
	if err := work.Err(); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// job is one schedule's fire time being handled by RunDue.
type job struct {
	sc     *schedule
	poster bot.Poster
	fire   time.Time
	key    string
	at     time.Time // the instant the post is built as of

	reply bot.Reply // a digest
	since time.Time // the digest's first update time
	upTo  time.Time // the digest's last update time, and its channel's new LastDigest
	dms   []ownerDM // reminders

	tried   bool // there was something to post, so a claim was tried
	claimed bool // and this run won it (or the resumption of a cut run)
	err     error

	// How far the post got, for a run cut by a shutdown, and the
	// record of the cut run this one resumes (nil for a fresh one).
	progress string // the Poster's progress on the message being posted
	after    string // the last owner whose reminder was posted whole
	resumed  *unfinished
}

// dueJobs lists the schedules whose latest fire time at or before at this
// process has not handled yet.
func (s *Scheduler) dueJobs(at time.Time) []*job {
	var jobs []*job
	for i := range s.schedules {
		sc := &s.schedules[i]
		fire, ok := sc.latest(at)
		if !ok || (sc.sub != nil && fire.Before(sc.sub.CreatedAt)) {
			continue
		}
		key := reminderKey(fire, sc.spec.Location)
		if sc.sub != nil {
			key = digestKey(sc.sub.Channel, fire, sc.spec.Location)
		}
		if s.done[sc.id] == key {
			continue
		}
		poster := s.opts.Posters[bot.PlatformOf(sc.ws.ID)]
		if poster == nil {
			// Another replica may hold this platform's credentials.
			s.log.Warn("no poster for platform, skipping", "workspace", sc.ws.ID, "key", key)
			s.done[sc.id] = key
			continue
		}
		jobs = append(jobs, &job{sc: sc, poster: poster, fire: fire, key: key, at: at})
	}
	return jobs
}

// prepareAll does each job's reads and claim, prepareWorkers at a time:
// at 09:00 on a Monday every workspace is due at once, and their reads
// are independent round trips. Posting stays serial, in schedule order.
func (s *Scheduler) prepareAll(ctx context.Context, jobs []*job, at time.Time) {
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(prepareWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				s.prepare(ctx, j, at)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// prepare reads what the job will post and, if there is anything, claims
// its period.
func (s *Scheduler) prepare(ctx context.Context, j *job, at time.Time) {
	if j.err = ctx.Err(); j.err != nil {
		return
	}
	if j.sc.sub != nil {
		last, err := s.lastDigest(ctx, j.sc.ws.ID, j.sc.sub.Channel)
		if err != nil {
			j.err = err
			return
		}
		if last.After(j.sc.sub.LastDigest) {
			j.sc.sub.LastDigest = last
		}
		j.since = j.sc.sub.LastDigest
		j.upTo = scheduledUpTo(j.since, at)
		j.reply, j.err = s.buildDigest(ctx, j.sc.ws, j.sc.loc, j.since, at, j.upTo)
	} else {
		if p := j.sc.ws.RemindersPaused; p != "" && framework.Today(at, j.sc.loc) < p {
			return // paused: nothing to post, and nothing claimed
		}
		j.dms, j.err = s.collectReminders(ctx, j.sc.ws.ID, j.sc.loc, at, j.fire)
		if j.err == nil && len(j.dms) == 0 {
			return
		}
	}
	if j.err != nil {
		return
	}
	j.tried = true
	j.claimed, j.err = s.opts.Store.Claim(ctx, j.sc.ws.ID, j.key, claimTTL(j.sc.spec, j.fire))
	if j.err == nil && !j.claimed {
		j.err = s.takeUnfinished(ctx, j)
	}
	if j.err != nil {
		j.err = fmt.Errorf("reminders: claim %s %s: %w", j.sc.ws.ID, j.key, j.err)
	}
}

// refresh re-reads the schedules when they are older than Poll: two
// round trips, however many workspaces and subscriptions there are.
func (s *Scheduler) refresh(ctx context.Context) error {
	now := s.opts.Now()
	if s.schedules != nil && now.Sub(s.loaded) < s.opts.Poll && !now.Before(s.loaded) {
		return nil
	}
	wss, err := s.opts.Store.Workspaces(ctx)
	if err != nil {
		return fmt.Errorf("reminders: read workspaces: %w", err)
	}
	subs, err := s.opts.Store.AllSubscriptions(ctx)
	if err != nil {
		return fmt.Errorf("reminders: read subscriptions: %w", err)
	}
	byID := make(map[string]framework.Workspace, len(wss))
	for _, w := range wss {
		byID[w.ID] = w
	}
	scheds := make([]schedule, 0, len(subs)+len(wss))
	for i := range subs {
		sub := subs[i]
		w, ok := byID[sub.Workspace]
		if !ok {
			w = framework.Workspace{ID: sub.Workspace}
		}
		loc := w.Location(s.opts.Location)
		spec := sub.Spec
		if spec == "" {
			spec = framework.DefaultDigestSpec
		}
		cs, err := parseSpec(spec, loc)
		if err != nil {
			s.log.Warn("skipping digest with a bad schedule", "workspace", w.ID, "channel", sub.Channel, "spec", spec, "err", err)
			continue
		}
		scheds = append(scheds, schedule{id: w.ID + "\x00digest\x00" + sub.Channel, ws: w, loc: loc, spec: cs, sub: &sub})
	}
	for _, w := range wss {
		if len(w.Frameworks) == 0 {
			continue // nothing to be overdue
		}
		loc := w.Location(s.opts.Location)
		spec := w.ReminderSpec
		switch spec {
		case framework.RemindersOff:
			continue
		case "":
			spec = framework.DefaultReminderSpec
		}
		cs, err := parseSpec(spec, loc)
		if err != nil {
			s.log.Warn("skipping reminders with a bad schedule", "workspace", w.ID, "spec", spec, "err", err)
			continue
		}
		scheds = append(scheds, schedule{id: w.ID + "\x00remind", ws: w, loc: loc, spec: cs})
	}
	// Forget schedules that are gone (digest off, workspace removed).
	done := make(map[string]string, len(scheds))
	for _, sc := range scheds {
		if k, ok := s.done[sc.id]; ok {
			done[sc.id] = k
		}
	}
	s.done = done
	s.schedules = scheds
	s.loaded = now
	return nil
}
