// Package store defines where targetbot keeps its state. Implementations
// live in subpackages (redisstore, boltstore) that do not know about each
// other, and all of them pass the one conformance suite in storetest.
//
// Store is composed of small roles (Settings, Targets, Records,
// Schedules, Claimer, Transfer), as upspin composes its servers, so that
// a consumer names only the roles it uses. Checked puts one layer above
// a driver that checks input before the driver sees it: the drivers
// persist, and refuse only what their storage cannot keep.
//
// Errors from every role are *framework.Error values:
// framework.ErrUnavailable (EUNAVAILABLE) when the backend cannot be
// reached, ErrTooLong when a name or text is too long for it, plus the
// kinds each method lists, which callers test with errors.Is. A kind's
// error carries its code, its field and a Subject, and a neutral
// message: the words a user sees are the caller's. Methods that write
// make one atomic change (one Redis round trip, one bbolt transaction):
// they either happen whole or not at all. Every method that names a
// workspace reads and writes only that workspace's data.
package store

import (
	"context"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Once is a claim a write takes in the same atomic change: Key, held for
// TTL, as Claimer.Claim takes it. The zero Once takes nothing. A request
// that must run at most once (a signed request, which may be replayed)
// passes its key, so the claim and the write cost one round trip.
type Once struct {
	Key string
	TTL time.Duration
}

// Settings is a workspace's own settings: its time zone, reminder
// schedule, imported frameworks and grading cycles.
type Settings interface {
	// Workspace returns a workspace's settings, its grading cycles
	// included. A workspace never written returns a Workspace with only
	// ID set, and no error.
	Workspace(ctx context.Context, ws string) (framework.Workspace, error)
	// Workspaces returns the settings of every workspace that has stored
	// anything (imported a framework, changed a setting or subscribed a
	// channel), sorted by ID. Its cost in round trips does not grow with
	// the number of workspaces. The scheduler polls it.
	Workspaces(ctx context.Context) ([]framework.Workspace, error)
	// SetTimezone stores the workspace's IANA time zone name. The caller validates it.
	SetTimezone(ctx context.Context, ws, tz string) error
	// SetReminderSpec stores the workspace's overdue-reminder cron spec.
	// "" restores the default. The caller validates it.
	SetReminderSpec(ctx context.Context, ws, spec string) error
	// SetRemindersPaused stores the day the workspace's reminders start
	// again; the zero Date clears the pause. The caller validates it.
	SetRemindersPaused(ctx context.Context, ws string, until framework.Date) error
	// Import copies every target of fw that the workspace does not already
	// have into it, and records fw as imported. Targets already present
	// keep their progress, and archived ones stay archived. The first
	// import records the workspace's first grading cycle, the financial
	// year of now, if it has none. It returns how many targets were
	// added; calling it again adds 0. The caller validates fw.
	Import(ctx context.Context, ws string, fw *framework.Framework, now time.Time) (added int, err error)
	// StartCycle closes the workspace's current grading cycle at the
	// given time and opens the cycle name, in one atomic write over every
	// target of the workspace: each target's Rating moves into its
	// Grades under the closing cycle's name, and the closed cycle joins
	// Workspace.PastCycles. A workspace with no cycle recorded closes the
	// financial year of at. It returns the workspace after and how many
	// grades moved. ErrBadCycle for a name not like 2026/27,
	// ErrCycleUsed for the current or a closed cycle's name, and
	// ErrCycleOrder (about the current cycle) for a name before it.
	StartCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, int, error)
	// AddPastCycle adds the closed cycle name before the workspace's
	// first, so that its published grades can be entered later
	// (GradePastCycle), by framework.Workspace.AddPastCycle's rules and
	// errors; a workspace with no cycle recorded records the financial
	// year of at first. It returns the workspace after.
	AddPastCycle(ctx context.Context, ws, name string, at time.Time) (framework.Workspace, error)
	// UndoCycle reopens the cycle closed most recently, in one atomic
	// write over every target, by framework.Workspace.UndoCycle's rules
	// and errors at the time at. It returns the workspace after and the
	// name of the cycle undone.
	UndoCycle(ctx context.Context, ws string, at time.Time) (framework.Workspace, string, error)
}

// Targets is a workspace's targets: reading them, adding and changing
// them, and the due and stale indexes reminders read.
type Targets interface {
	// Target returns one target by its Ref, archived or not.
	// ErrTargetNotFound if it does not exist.
	Target(ctx context.Context, ws, ref string) (framework.Target, error)
	// WorkspaceTarget returns the workspace's settings (as Workspace
	// does) and one of its targets (as Target does), read together in
	// one round trip: what a command needs to check who may change a
	// target and to show the result in the workspace's time zone and
	// grading cycle. When the target does not exist it returns
	// ErrTargetNotFound with the workspace still filled in.
	WorkspaceTarget(ctx context.Context, ws, ref string) (framework.Workspace, framework.Target, error)
	// Targets returns every target in the workspace, archived ones
	// included (callers leave them out with framework.Live), sorted by
	// framework.SortTargets. Its cost in round trips does not grow with
	// the number of targets.
	Targets(ctx context.Context, ws string) ([]framework.Target, error)
	// AddTarget adds a custom target. ErrTargetExists if the Ref exists,
	// ErrFrameworkNotImported if its framework is not imported, ErrBadDue
	// if its due date is not YYYY-MM-DD.
	AddTarget(ctx context.Context, ws string, t framework.Target) error
	// ChangeTarget applies ch to the target ref and appends the event
	// that records it, in one atomic write, and returns the target after
	// and the event (with its ID). framework.Change.Apply states the
	// rules: an archived target takes no change but restore, and a
	// change that changes nothing is refused and records nothing. A rate
	// grades the workspace's current cycle, read inside the same write
	// (recording the financial year of ch.Time as the first cycle if
	// the workspace has none yet), and the event names that cycle. The
	// due and stale indexes follow the target: archived targets are in
	// neither, restored ones come back. Errors: ErrTargetNotFound,
	// ErrArchived (about ref), ErrNoChange (about the current value),
	// ErrBadDue, ErrBadRating, ErrTooLong for a blank title, and
	// EINVALID for a Kind that is not a change (evidence has AddEvidence).
	ChangeTarget(ctx context.Context, ws, ref string, ch framework.Change) (framework.Target, framework.Event, error)
	// GradePastCycle sets the grade of ref in a cycle added with
	// AddPastCycle to ch.Rating and appends the rate event (naming that
	// cycle, with ch's author, time and reason), in one atomic write, by
	// framework.Workspace.GradePastCycle's rules and errors, and returns
	// the target after and the event. ErrTargetNotFound too.
	GradePastCycle(ctx context.Context, ws, ref, cycle string, ch framework.Change) (framework.Target, framework.Event, error)
	// Due returns the open (not done), live (not archived) targets whose due date d has
	// from <= d <= to, earliest first. A zero from means no lower bound.
	// It reads a sorted index, so its cost follows the number returned,
	// not the workspace's size.
	Due(ctx context.Context, ws string, from, to framework.Date) ([]framework.Target, error)
	// Stale returns the open, live targets with an owner whose latest activity
	// (their newest update, or their creation when they have none) was
	// before the given time, oldest first: the targets whose owners are
	// due an "update due" nudge. It reads a sorted index of owned, open
	// targets, like Due, so unowned targets cost it nothing.
	Stale(ctx context.Context, ws string, before time.Time) ([]framework.Target, error)
	// NoteReminded adds one to the Reminders count of each target in refs,
	// in one atomic change. Missing refs are ignored.
	NoteReminded(ctx context.Context, ws string, refs []string) error
}

// Records is the record of the targets' lives: the updates logged
// against them, the events their changes recorded, and the evidence
// attached to them.
type Records interface {
	// AppendUpdate logs u against the target u.Target, atomically: it
	// assigns u an ID, records the target's previous progress and status
	// in it, applies u.Progress (unless framework.Unchanged) and u.Status
	// (unless ""), sets LastUpdate and UpdatedAt, resets Reminders to 0,
	// and keeps the due-date index in step with the status. It returns
	// the stored update and the target after it. An update is its
	// target's history entry: it needs no event. ErrTargetNotFound if the
	// target does not exist; ErrArchived if it is archived; ErrBadProgress
	// or ErrBadStatus for values out of range; ErrDoneBelow100 if the
	// target would be done at less than 100%; ErrNoChange (about the
	// current status) for an update with no note that leaves progress
	// and status as they are. Concurrent appends to one target all
	// survive.
	//
	// With once set, the same atomic write first takes once.Key as Claim
	// would: if it is held already, AppendUpdate changes nothing and
	// returns ErrReplayed. The claim is taken whatever the write finds,
	// even a refusal (ErrTargetNotFound included), as a separate Claim
	// before it would be: a replayed request is refused, not run. (Input
	// refused before any write, a progress out of range and the like, is
	// refused again the same way.)
	AppendUpdate(ctx context.Context, ws string, u framework.Update, once Once) (framework.Update, framework.Target, error)
	// Withdraw marks update id withdrawn at the given time and restores
	// its target's progress and status to their values before it. The
	// update record stays in history. ErrUpdateNotFound if there is no
	// such update; ErrAlreadyWithdrawn if it is already withdrawn;
	// ErrNotLatest if it is not the newest of its target's updates that
	// are not withdrawn (someone updated the target since, and that
	// update stands; one withdrawn since does not stand in the way). The
	// Subject of each is id.
	Withdraw(ctx context.Context, ws, id string, at time.Time) (framework.Update, framework.Target, error)
	// Updates returns up to n of a target's updates (n <= 0 means all),
	// newest first, withdrawn ones included. ErrTargetNotFound if the target does not
	// exist.
	Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error)
	// UpdatesSince returns the workspace's updates that are not withdrawn
	// and whose Time t has since < t <= until (a zero until means no upper
	// bound): the newest limit of them (limit <= 0 means all), oldest
	// first, and how many there are in all. A digest asks for a screenful,
	// so neither its round trips nor, with a limit, its reads grow with
	// the number of updates.
	UpdatesSince(ctx context.Context, ws string, since, until time.Time, limit int) ([]framework.Update, int, error)
	// EachUpdate calls fn with the workspace's updates that are not
	// withdrawn and whose Time t has since < t <= until (a zero until
	// means no upper bound), a batch at a time: each target's updates
	// reach fn oldest first (updates at one instant in the order they
	// were made), across batches too, but the updates of different
	// targets come in no set order. It holds a batch, not the window,
	// so a report's memory follows what it shows, not its span; and it
	// reads at most 1.5 times what the window holds, plus a record or
	// two a target. fn must not write to the store. An error from fn
	// stops the read and is returned as it is.
	EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error
	// LastUpdateBy returns the newest update the user logged in the
	// workspace. ErrNoUpdate if they have logged none.
	LastUpdateBy(ctx context.Context, ws, user string) (framework.Update, error)
	// AddEvidence attaches ev.URL, with its optional title, author and
	// time, to the target ref as an evidence event, in one atomic write,
	// and returns the event. ErrTargetNotFound, ErrArchived, ErrBadURL
	// if the URL is not http or https with a host, ErrTooLong for an
	// over-long title, and ErrNoChange (about the URL) if the target
	// already has that URL as evidence.
	AddEvidence(ctx context.Context, ws, ref string, ev framework.Evidence) (framework.Event, error)
	// Events returns up to limit of a target's events (limit <= 0 means
	// all), newest first. Updates are not events: Updates lists them.
	// ErrTargetNotFound if the target does not exist.
	Events(ctx context.Context, ws, ref string, limit int) ([]framework.Event, error)
	// RecentEvents returns the newest limit events (limit <= 0 means
	// all) of each target of refs, newest first, by ref, in round trips
	// that do not grow with the number of refs: what a report reads for
	// the reasons of its grades. A ref that names no target is left out.
	RecentEvents(ctx context.Context, ws string, refs []string, limit int) (map[string][]framework.Event, error)
	// Evidence returns the evidence attached to the target ref, oldest
	// first, or with ref "" the evidence of every target in the
	// workspace, by target then oldest first. Its cost in round trips
	// does not grow with the amount of evidence or of targets.
	// ErrTargetNotFound if ref names no target.
	Evidence(ctx context.Context, ws, ref string) ([]framework.Evidence, error)
}

// Schedules is the workspaces' digest subscriptions, which the
// scheduler polls and marks.
type Schedules interface {
	// PutSubscription creates or replaces the digest subscription for
	// s.Workspace and s.Channel.
	PutSubscription(ctx context.Context, s framework.Subscription) error
	// DeleteSubscription removes a channel's digest subscription.
	// ErrNoSubscription if there is none.
	DeleteSubscription(ctx context.Context, ws, channel string) error
	// Subscriptions returns the workspace's digest subscriptions, sorted by channel.
	Subscriptions(ctx context.Context, ws string) ([]framework.Subscription, error)
	// AllSubscriptions returns every workspace's digest subscriptions,
	// sorted by workspace then channel, in round trips that do not grow
	// with their number. The scheduler polls it.
	AllSubscriptions(ctx context.Context) ([]framework.Subscription, error)
	// MarkDigested sets LastDigest on a channel's subscription.
	// ErrNoSubscription if there is none.
	MarkDigested(ctx context.Context, ws, channel string, at time.Time) error
	// NextFires is the index of when each workspace's schedules next
	// need looking at, which a scheduler tick reads instead of every
	// workspace.
	NextFires
}

// NextFires is the index of next fire times: one entry per workspace
// that has schedules, saying when the earliest of its schedules (its
// digest subscriptions and its reminders) next fires. The store keeps
// no rule of when a schedule fires: every write that can change one
// (SetTimezone, SetReminderSpec, SetRemindersPaused, Import,
// PutSubscription, DeleteSubscription, Restore) marks the workspace's
// entry due at once, and the scheduler, having read the workspace,
// computes the next fire time and stores it with SetNextFire. A mark
// made while the scheduler read makes its SetNextFire a no-op, so a
// change is never lost to a stale answer: no mark ever equals one made
// before it, even after a next fire time (or none) was stored in
// between, as another scheduler reading the same mark may have done.
// Drop removes the entry.
type NextFires interface {
	// DueSchedules returns up to limit workspaces whose entry is due at
	// or before at (changed ones first, then by next fire time), after
	// skipping offset of them. The first call of a process on a store
	// never indexed (data an earlier release wrote) indexes every
	// workspace as changed: a one-time cost that grows with the
	// workspaces. Otherwise it costs one round trip, however many
	// workspaces there are.
	DueSchedules(ctx context.Context, at time.Time, offset, limit int) ([]DueSchedule, error)
	// SetNextFire stores next as d's workspace's next fire time, unless
	// its entry changed since d was read; the zero next removes the
	// entry (nothing scheduled). It reports whether it stored.
	SetNextFire(ctx context.Context, d DueSchedule, next time.Time) (bool, error)
	// IndexSchedules marks due every workspace Workspaces lists that
	// has no entry, and returns how many it marked: what DueSchedules
	// does on a store never indexed, for a process to run once when it
	// starts, so that workspaces an earlier release wrote during a
	// rolling upgrade are indexed too. Its cost grows with the
	// workspaces.
	IndexSchedules(ctx context.Context) (int, error)
	// MarkDue marks ws's entry changed, as a schedule change does, so
	// that the next tick of any process reads the workspace: for a post
	// a shutdown cut and left unfinished, which a peer that had already
	// found its period claimed, and moved the entry on, must still
	// complete.
	MarkDue(ctx context.Context, ws string) error
}

// DueSchedule is one entry of the next-fire index as DueSchedules read
// it. Mark is the entry's value then, which SetNextFire compares.
type DueSchedule struct {
	Workspace string
	Mark      int64
}

// Claimer takes claims, so that work shared by every process that
// shares the store runs once.
type Claimer interface {
	// Claim atomically takes key in the workspace for ttl: it returns true
	// for exactly one caller until ttl passes, across every process that
	// shares the store. The scheduler claims each (schedule, fire time).
	Claim(ctx context.Context, ws, key string, ttl time.Duration) (bool, error)
}

// Store holds every workspace's settings, targets, updates, digest
// subscriptions and scheduler claims: every role, and the backend's
// lifecycle. cmd opens a Store, behind Checked; a consumer declares its
// own interface of the roles it uses. The package comment states the
// errors. The refusals of bad input that the roles' methods list
// (ErrBadDue, ErrBadProgress and the like) are Checked's: a driver
// alone trusts its input.
//
// A role is added by embedding it here, after the others; Checked
// passes its methods through to the driver unless it has input to
// check.
type Store interface {
	// Ping checks the backend answers. It returns ErrUnavailable if not.
	Ping(ctx context.Context) error
	// Close releases the backend. The Store must not be used after.
	Close() error

	Settings
	Targets
	Records
	Schedules
	Claimer
	// Transfer exports and restores whole workspaces (dump, restore
	// and migrate).
	Transfer
	AdapterState
	// Entries keeps each workspace's keyed entries (admins, people) and
	// its workspace events.
	Entries
}
