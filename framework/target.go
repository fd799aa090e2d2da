package framework

import (
	"strconv"
	"time"
)

// Target is one workspace's copy of a framework target, with the team's
// progress against it. Its reference is Framework/Code, for example eds/1.1.
type Target struct {
	Framework string `json:"framework"`
	Objective string `json:"objective"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	// Custom is true for targets a workspace added with `add`.
	Custom bool `json:"custom,omitempty"`

	Owner    string `json:"owner,omitempty"` // platform user id; "" is unowned
	Due      Date   `json:"due,omitempty"`
	Status   Status `json:"status"`
	Progress int    `json:"progress"` // 0 to 100
	// Rating is the grade in the workspace's current grading cycle.
	Rating Rating `json:"rating,omitempty"`
	// Grades are the grades of closed cycles, by cycle name.
	Grades map[string]Rating `json:"grades,omitempty"`
	// Archived targets leave lists, digests, reminders, roll-ups and
	// scores; their history stays, and restore brings them back.
	Archived bool `json:"archived,omitempty"`

	SnoozedUntil Date   `json:"snoozed_until,omitempty"` // no reminders before this day
	SnoozeReason string `json:"snooze_reason,omitempty"`
	// Reminders counts overdue reminders sent since the last update.
	Reminders int `json:"reminders,omitempty"`

	// LastUpdate is the id of the newest update still in force, "" when
	// there is none or the newest was withdrawn. Only the newest update
	// in force may be undone: this one, or with "" the newest of the
	// target's updates not withdrawn.
	LastUpdate string    `json:"last_update,omitempty"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"` // time of the newest logged update
	CreatedAt  time.Time `json:"created_at,omitzero"`
}

// Ref is the target's full reference, for example "eds/1.1".
func (t *Target) Ref() string { return Ref(t.Framework, t.Code) }

// Open reports whether the target still needs work: any status but done.
func (t *Target) Open() bool { return t.Status != Done }

// Live reports whether the target counts: it is not archived.
func (t *Target) Live() bool { return !t.Archived }

// Live returns the targets of ts that are not archived, in order, in a
// new slice.
func Live(ts []Target) []Target {
	out := make([]Target, 0, len(ts))
	for i := range ts {
		if !ts[i].Archived {
			out = append(out, ts[i])
		}
	}
	return out
}

// Update is one append-only record of progress logged against a target.
// Progress and Status are the target's values after the update; the Prev
// fields are its values before, so that undo can restore them.
type Update struct {
	ID       string    `json:"id"`
	Target   string    `json:"target"` // the target's Ref
	Author   string    `json:"author"`
	Time     time.Time `json:"time"`
	Progress int       `json:"progress"`
	Status   Status    `json:"status"`
	Note     string    `json:"note,omitempty"`

	PrevProgress int    `json:"prev_progress"`
	PrevStatus   Status `json:"prev_status"`

	Withdrawn   bool      `json:"withdrawn,omitempty"`
	WithdrawnAt time.Time `json:"withdrawn_at,omitzero"`
}

// Unchanged is the Progress of an update request that leaves progress as
// it is.
const Unchanged = -1

// Workspace is the settings of one team's space: `slack:T0123`,
// `discord:81234` or `local`. Workspaces are hard boundaries.
type Workspace struct {
	ID string `json:"id"`
	// Timezone is an IANA name; "" means the bot's default.
	Timezone string `json:"timezone,omitempty"`
	// ReminderSpec is the overdue-reminder cron spec; "" means
	// DefaultReminderSpec, and RemindersOff means no reminders.
	ReminderSpec string `json:"reminder_spec,omitempty"`
	// RemindersPaused, when set, is the day reminders start again: until
	// then the workspace's owners get no reminder DMs.
	RemindersPaused Date `json:"reminders_paused,omitempty"`
	// Frameworks lists the ids of the imported frameworks, sorted.
	Frameworks []string `json:"frameworks,omitempty"`
	// Cycle names the current grading cycle, such as 2026/27: targets'
	// Rating belongs to it. It is "" until the workspace first imports
	// or grades, which records the financial year it began in.
	Cycle string `json:"cycle,omitempty"`
	// CycleStarted is when the current cycle began.
	CycleStarted time.Time `json:"cycle_started,omitzero"`
	// PastCycles are the closed cycles, oldest first.
	PastCycles []Cycle `json:"past_cycles,omitempty"`
	// Admins are the users granted administration here in chat, sorted
	// by user id. Stores read them with the settings, from the
	// workspace's admin entries (store.EntryAdmin), which are what they
	// keep and move: this field is never written as it is.
	Admins []Admin `json:"-"`
}

// Granted returns the admin grant of user in the workspace, comparing
// ids without case, and whether there is one.
func (w *Workspace) Granted(user string) (Admin, bool) {
	for _, a := range w.Admins {
		if SameUser(a.User, user) {
			return a, true
		}
	}
	return Admin{}, false
}

// Schedule defaults, in the workspace's time zone.
const (
	DefaultDigestSpec   = "0 9 * * MON"
	DefaultReminderSpec = "0 9 * * MON-FRI"
	// RemindersOff is the ReminderSpec of a workspace that sends none.
	RemindersOff = "off"
)

// Imported reports whether the workspace has imported the framework.
func (w *Workspace) Imported(frameworkID string) bool {
	for _, id := range w.Frameworks {
		if id == frameworkID {
			return true
		}
	}
	return false
}

// Subscription is a channel that receives digests on a cron schedule.
type Subscription struct {
	Workspace string    `json:"workspace"`
	Channel   string    `json:"channel"`
	Spec      string    `json:"spec"` // five-field cron, in the workspace's time zone
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// LastDigest is when the last digest went to this channel; the next
	// one reports the updates since.
	LastDigest time.Time `json:"last_digest,omitzero"`
}

// Location is the workspace's time zone, or def when it has none or its
// name no longer loads.
func (w *Workspace) Location(def *time.Location) *time.Location {
	if w.Timezone == "" {
		return def
	}
	loc, err := time.LoadLocation(w.Timezone)
	if err != nil {
		return def
	}
	return loc
}

// CheckDone enforces that a done target is at 100%: an update that would
// leave a target done at less is ErrDoneBelow100 about ref. Stores check
// it inside their atomic write, against the target's current values.
func CheckDone(ref string, progress int, status Status) error {
	if status == Done && progress != 100 {
		return ErrDoneBelow100.About(ref)
	}
	return nil
}

// NextStatus is the status an update leaves a target at: the one given,
// else the current one, except that progress above 0 on a target not
// started yet puts it on track. Logging "40%" on a new target means work
// has started; leaving it "not-started" kept it in every overdue list.
// Stores apply it inside their atomic write (the Redis script mirrors it).
func NextStatus(cur Status, progress int, given Status) Status {
	switch {
	case given != "":
		return given
	case (cur == NotStarted || cur == "") && progress > 0:
		return OnTrack
	case cur == "":
		return NotStarted
	}
	return cur
}

// CheckUpdate checks an update request's own values before a store
// applies it: Progress is Unchanged or 0 to 100, Status is "" or a known
// status. Its errors are ErrBadProgress and ErrBadStatus (EINVALID).
func CheckUpdate(u *Update) error {
	if u.Progress < Unchanged || u.Progress > 100 {
		return ErrBadProgress.About(strconv.Itoa(u.Progress))
	}
	if u.Status != "" && !u.Status.Valid() {
		return ErrBadStatus.About(string(u.Status))
	}
	return nil
}

// CheckDue refuses, with ErrBadDue, a due date that is not exactly
// YYYY-MM-DD; the zero Date (no due date) passes. Stores check it before
// writing, because their due indexes order dates by their digits.
func CheckDue(d Date) error {
	if d.IsZero() {
		return nil
	}
	if p, err := ParseDate(string(d)); err != nil || p != d {
		return ErrBadDue.About(string(d))
	}
	return nil
}
