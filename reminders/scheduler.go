// Package reminders posts digests to subscribed channels and overdue
// reminders to target owners on cron schedules (robfig/cron v3), exactly
// once across replicas.
//
// Every replica runs a Scheduler. On each tick it reads the store's
// next-fire index (store.NextFires) for the workspaces due by now, and
// only those: a tick costs what is due, not what is stored (due.go).
// For each of their schedules it works out the latest fire time at or
// before now. A fire time not yet run, by the schedule's last run
// (lastrun.go), is claimed through store.Claim under a key made of the
// schedule and the fire time in local wall-clock terms; then it stores
// the workspace's next fire time, which it alone computes, with
// robfig/cron through cronspec. So:
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
//   - A reminder run reads its targets before the claim, and claims
//     nothing when there is no one to remind; a digest is built only
//     after its claim is won, so a period another replica has claimed
//     costs no digest. A store failure before the claim retries on the
//     next tick. A failure after it, of the digest's reads or of a post
//     cut by a shutdown, leaves the post unfinished for the next run to
//     complete (unfinished.go). A failed post is logged and not
//     retried: a period posts at most once, and Message.Key lets a
//     Poster drop platform retries.
//   - A replica with no Poster for a workspace's platform never claims
//     its schedules, and leaves the workspace due for a replica that
//     has one.
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

// Store is what the scheduler reads and marks: the next-fire index it
// finds due workspaces by, their settings and subscriptions, the
// targets and updates a digest or a reminder lists, and the claims that
// make each firing run once.
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

	mu sync.Mutex // serialises RunDue; guards the fields below
	// done holds, per schedule, the claim key this process last warned
	// it has no Poster for, so that it warns once a period.
	done map[string]string
	// indexed is set once Run has had the store index every workspace
	// (store.NextFires.IndexSchedules).
	indexed bool

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
		s.index(ctx)
		res, err := s.runDue(ctx, work, s.opts.Now(), false)
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

// index has the store index, once per Run, every workspace its
// next-fire index lacks: those an earlier release wrote, during a
// rolling upgrade, without marking them. It costs what Workspaces
// costs, once; a failure is logged and tried again on the next tick.
func (s *Scheduler) index(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.indexed {
		return
	}
	n, err := s.opts.Store.IndexSchedules(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("indexing the schedules failed, will retry", "err", err)
		}
		return
	}
	s.indexed = true
	if n > 0 {
		s.log.Info("indexed the schedules of workspaces an earlier release wrote", "workspaces", n)
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
// It reads only the workspaces the store's next-fire index says are due
// at at (store.NextFires), so its cost follows what is due, not the
// number of workspaces. Calling it again with the same time posts
// nothing more. Its error joins the failures it met; it still ran
// everything it could. When ctx ends part way, what it had claimed and
// not posted is left unfinished.
func (s *Scheduler) RunDue(ctx context.Context, at time.Time) (Result, error) {
	return s.runDue(ctx, ctx, at, false)
}

// runDue is RunDue with two contexts: ctx ends the reads and claims,
// work the posts that follow a claim. With replay, it runs every
// schedule of every workspace as of at, its last run or not (Replay).
func (s *Scheduler) runDue(ctx, work context.Context, at time.Time, replay bool) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res Result
	var errs []error
	fail := func(err error) {
		res.Errors++
		errs = append(errs, err)
	}
	offset := 0
	for {
		batch, more, err := s.dueBatch(ctx, at, offset, replay)
		if err != nil {
			fail(err)
			break
		}
		jobs := s.dueJobs(batch, at)
		s.prepareAll(ctx, jobs, at, replay)
		for _, j := range jobs {
			s.runJob(work, j, &res, fail)
		}
		if !replay && ctx.Err() == nil {
			offset += s.advance(ctx, batch, at, &res)
		}
		if !more || ctx.Err() != nil || work.Err() != nil {
			break
		}
	}
	if err := work.Err(); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// runJob posts one prepared job, or says why not.
func (s *Scheduler) runJob(work context.Context, j *job, res *Result, fail func(error)) {
	switch {
	case j.err != nil && !j.claimed:
		// Failed before the claim: leave it for the next tick.
		j.ws.held = true
		fail(j.err)
		s.log.Warn("schedule failed, will retry", "workspace", j.sc.ws.ID, "key", j.key, "err", j.err)
	case j.err != nil:
		// Claimed, then the reads failed: the next tick finds the period
		// claimed, and the unfinished record, and completes it.
		j.ws.held = true
		fail(j.err)
		s.leaveUnfinished(work, j)
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
			s.deliverDigest(work, j, res)
		} else {
			s.deliverReminders(work, j, res)
		}
	}
}

// job is one schedule's fire time being handled by RunDue.
type job struct {
	sc     *schedule
	ws     *dueWorkspace // the workspace the schedule is read from
	poster bot.Poster
	fire   time.Time
	key    string
	at     time.Time // the instant the post is built as of

	reply bot.Reply // a digest
	since time.Time // the digest's first update time
	upTo  time.Time // the digest's last update time, and its channel's new LastDigest
	dms   []ownerDM // reminders

	tried   bool  // there was something to post, so a claim was tried
	claimed bool  // and this run won it (or the resumption of a cut run)
	err     error // a failure before the claim, or after it before the post

	// How far the post got, for a run cut by a shutdown, and the
	// record of the cut run this one resumes (nil for a fresh one).
	progress string // the Poster's progress on the message being posted
	after    string // the last owner whose reminder was posted whole
	resumed  *unfinished
}

// dueJobs lists the schedules of batch whose latest fire time at or
// before at has come since they began. Every schedule of a due
// workspace is looked at, not only those the entry's time was computed
// for: an entry computed under rules since changed without a mark (the
// default time zone of workspaces that set none) then makes a fire time
// late, never missed, and a period already run is found by its last
// run or its claim.
func (s *Scheduler) dueJobs(batch []*dueWorkspace, at time.Time) []*job {
	var jobs []*job
	for _, w := range batch {
		for i := range w.scheds {
			sc := &w.scheds[i]
			fire, ok := sc.latest(at)
			if !ok || (sc.sub != nil && fire.Before(sc.sub.CreatedAt)) {
				continue
			}
			key := reminderKey(fire, sc.spec.Location)
			if sc.sub != nil {
				key = digestKey(sc.sub.Channel, fire, sc.spec.Location)
			}
			poster := s.opts.Posters[bot.PlatformOf(sc.ws.ID)]
			if poster == nil {
				// Another replica may hold this platform's credentials:
				// leave the workspace due for it, and warn once a period.
				w.held = true
				if s.done[sc.id] != key {
					s.log.Warn("no poster for platform, skipping", "workspace", sc.ws.ID, "key", key)
					s.done[sc.id] = key
				}
				continue
			}
			jobs = append(jobs, &job{sc: sc, ws: w, poster: poster, fire: fire, key: key, at: at})
		}
	}
	return jobs
}

// prepareAll does each job's reads and claim, prepareWorkers at a time:
// at 09:00 on a Monday every workspace is due at once, and their reads
// are independent round trips. Posting stays serial, in schedule order.
func (s *Scheduler) prepareAll(ctx context.Context, jobs []*job, at time.Time, replay bool) {
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(prepareWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				s.prepare(ctx, j, at, replay)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// prepare claims the job's period and reads what it will post. A
// period whose last run (lastrun.go) is at or after its fire time has
// run, here or in the store the workspace was moved from, and counts as
// claimed by another run. Reminders read their targets first, and claim
// nothing when there is no one to remind; a digest is built only once
// its claim is won.
func (s *Scheduler) prepare(ctx context.Context, j *job, at time.Time, replay bool) {
	if j.err = ctx.Err(); j.err != nil {
		return
	}
	if j.sc.sub == nil {
		if p := j.sc.ws.RemindersPaused; p != "" && framework.Today(at, j.sc.loc) < p {
			return // paused: nothing to post, and nothing claimed
		}
		if j.dms, j.err = s.collectReminders(ctx, j.sc.ws.ID, j.sc.loc, at, j.fire); j.err != nil || len(j.dms) == 0 {
			return
		}
	}
	last, err := s.lastRun(ctx, j)
	if err != nil {
		j.err = err
		return
	}
	j.tried = true
	if replay || last.Before(j.fire) {
		if j.claimed, err = s.opts.Store.Claim(ctx, j.sc.ws.ID, j.key, claimTTL(j.sc.spec, j.fire)); err != nil {
			j.err = fmt.Errorf("reminders: claim %s %s: %w", j.sc.ws.ID, j.key, err)
			return
		}
	}
	if !j.claimed {
		// Lost, or a cut run's to resume: takeUnfinished rebuilds its
		// post once it wins the resumption's claim.
		if err := s.takeUnfinished(ctx, j); err != nil {
			j.err = fmt.Errorf("reminders: resume %s %s: %w", j.sc.ws.ID, j.key, err)
		}
		return
	}
	if last.Before(j.fire) {
		s.noteRun(ctx, j)
	}
	if j.sc.sub != nil {
		j.since = j.sc.sub.LastDigest
		j.upTo = scheduledUpTo(j.since, at)
		j.reply, j.err = s.buildDigest(ctx, j.sc.ws, j.sc.loc, j.since, at, j.upTo)
	}
}
