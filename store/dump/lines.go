package dump

import (
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Version is the format version this package writes and reads.
const Version = 1

// The line types are the format: their JSON names are the field names
// a dump has, declared here rather than borrowed from framework's tags,
// so that a change to the domain's JSON cannot change the format.

// Header is a dump's first line.
type Header struct {
	Version    int       `json:"targetbot_dump"`
	Created    time.Time `json:"created"`
	By         string    `json:"by"`
	Workspaces []string  `json:"workspaces"`
}

// recordEnd is the end line's type; it is not a record.
const recordEnd = "end"

type endLine struct {
	Type    string `json:"type"`
	Records int    `json:"records"`
}

type workspaceLine struct {
	Type         string      `json:"type"`
	Workspace    string      `json:"workspace"`
	Timezone     string      `json:"timezone,omitempty"`
	ReminderSpec string      `json:"reminder_spec,omitempty"`
	Paused       string      `json:"reminders_paused,omitempty"`
	Frameworks   []string    `json:"frameworks,omitempty"`
	Cycle        string      `json:"cycle,omitempty"`
	CycleStarted time.Time   `json:"cycle_started,omitzero"`
	PastCycles   []cycleLine `json:"past_cycles,omitempty"`
}

type cycleLine struct {
	Name    string    `json:"name"`
	Started time.Time `json:"started,omitzero"`
	Closed  time.Time `json:"closed,omitzero"`
}

type targetLine struct {
	Type         string            `json:"type"`
	Workspace    string            `json:"workspace"`
	Framework    string            `json:"framework"`
	Objective    string            `json:"objective"`
	Code         string            `json:"code"`
	Title        string            `json:"title"`
	Custom       bool              `json:"custom,omitempty"`
	Owner        string            `json:"owner,omitempty"`
	Due          string            `json:"due,omitempty"`
	Status       string            `json:"status"`
	Progress     int               `json:"progress"`
	Rating       string            `json:"rating,omitempty"`
	Grades       map[string]string `json:"grades,omitempty"`
	Archived     bool              `json:"archived,omitempty"`
	SnoozedUntil string            `json:"snoozed_until,omitempty"`
	SnoozeReason string            `json:"snooze_reason,omitempty"`
	Reminders    int               `json:"reminders,omitempty"`
	LastUpdate   string            `json:"last_update,omitempty"`
	UpdatedAt    time.Time         `json:"updated_at,omitzero"`
	CreatedAt    time.Time         `json:"created_at,omitzero"`
}

type updateLine struct {
	Type         string    `json:"type"`
	Workspace    string    `json:"workspace"`
	ID           string    `json:"id"`
	Target       string    `json:"target"`
	Author       string    `json:"author"`
	Time         time.Time `json:"time"`
	Progress     int       `json:"progress"`
	Status       string    `json:"status"`
	Note         string    `json:"note,omitempty"`
	PrevProgress int       `json:"prev_progress"`
	PrevStatus   string    `json:"prev_status"`
	Withdrawn    bool      `json:"withdrawn,omitempty"`
	WithdrawnAt  time.Time `json:"withdrawn_at,omitzero"`
}

type eventLine struct {
	Type      string    `json:"type"`
	Workspace string    `json:"workspace"`
	ID        string    `json:"id"`
	Target    string    `json:"target"`
	Kind      string    `json:"kind"`
	Author    string    `json:"author"`
	Time      time.Time `json:"time"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Cycle     string    `json:"cycle,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title,omitempty"`
	User      string    `json:"user,omitempty"`
}

type subscriptionLine struct {
	Type       string    `json:"type"`
	Workspace  string    `json:"workspace"`
	Channel    string    `json:"channel"`
	Spec       string    `json:"spec"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
	LastDigest time.Time `json:"last_digest,omitzero"`
}

type adapterStateLine struct {
	Type      string `json:"type"`
	Workspace string `json:"workspace"`
	Key       string `json:"key"`
	Value     string `json:"value"`
}

type entryLine struct {
	Type      string `json:"type"`
	Workspace string `json:"workspace"`
	Kind      string `json:"kind"`
	Key       string `json:"key"`
	Value     string `json:"value"`
}

// toLine is r as the line a dump holds for it in workspace ws.
func toLine(ws string, r *store.Record) any {
	typ := string(r.Type)
	switch r.Type {
	case store.RecordWorkspace:
		w := &r.Workspace
		l := workspaceLine{Type: typ, Workspace: ws, Timezone: w.Timezone, ReminderSpec: w.ReminderSpec, Paused: string(w.RemindersPaused),
			Frameworks: w.Frameworks, Cycle: w.Cycle, CycleStarted: w.CycleStarted}
		for _, c := range w.PastCycles {
			l.PastCycles = append(l.PastCycles, cycleLine(c))
		}
		return &l
	case store.RecordTarget:
		t := &r.Target
		l := targetLine{Type: typ, Workspace: ws, Framework: t.Framework, Objective: t.Objective, Code: t.Code, Title: t.Title,
			Custom: t.Custom, Owner: t.Owner, Due: string(t.Due), Status: string(t.Status), Progress: t.Progress,
			Rating: string(t.Rating), Archived: t.Archived, SnoozedUntil: string(t.SnoozedUntil), SnoozeReason: t.SnoozeReason,
			Reminders: t.Reminders, LastUpdate: t.LastUpdate, UpdatedAt: t.UpdatedAt, CreatedAt: t.CreatedAt}
		for cycle, g := range t.Grades {
			if l.Grades == nil {
				l.Grades = map[string]string{}
			}
			l.Grades[cycle] = string(g)
		}
		return &l
	case store.RecordUpdate:
		u := &r.Update
		return &updateLine{Type: typ, Workspace: ws, ID: u.ID, Target: u.Target, Author: u.Author, Time: u.Time,
			Progress: u.Progress, Status: string(u.Status), Note: u.Note, PrevProgress: u.PrevProgress,
			PrevStatus: string(u.PrevStatus), Withdrawn: u.Withdrawn, WithdrawnAt: u.WithdrawnAt}
	case store.RecordEvent:
		e := &r.Event
		return &eventLine{Type: typ, Workspace: ws, ID: e.ID, Target: e.Target, Kind: string(e.Kind), Author: e.Author,
			Time: e.Time, From: e.From, To: e.To, Reason: e.Reason, Cycle: e.Cycle, URL: e.URL, Title: e.Title, User: e.User}
	case store.RecordAdapterState:
		return &adapterStateLine{Type: typ, Workspace: ws, Key: r.State.Key, Value: r.State.Value}
	case store.RecordEntry:
		return &entryLine{Type: typ, Workspace: ws, Kind: string(r.Entry.Kind), Key: r.Entry.Key, Value: r.Entry.Value}
	case store.RecordWorkspaceEvent:
		// A workspace event is an event line of its own type: the same
		// fields, Target "".
		e := &r.Event
		return &eventLine{Type: typ, Workspace: ws, ID: e.ID, Target: e.Target, Kind: string(e.Kind), Author: e.Author,
			Time: e.Time, From: e.From, To: e.To, Reason: e.Reason, Cycle: e.Cycle, URL: e.URL, Title: e.Title, User: e.User}
	default:
		s := &r.Subscription
		return &subscriptionLine{Type: typ, Workspace: ws, Channel: s.Channel, Spec: s.Spec, CreatedBy: s.CreatedBy,
			CreatedAt: s.CreatedAt, LastDigest: s.LastDigest}
	}
}

// lineFor is an empty line of the record type typ, to decode into, or
// nil for a type the format does not have.
func lineFor(typ string) any {
	switch store.RecordType(typ) {
	case store.RecordWorkspace:
		return &workspaceLine{}
	case store.RecordTarget:
		return &targetLine{}
	case store.RecordUpdate:
		return &updateLine{}
	case store.RecordEvent:
		return &eventLine{}
	case store.RecordSubscription:
		return &subscriptionLine{}
	case store.RecordAdapterState:
		return &adapterStateLine{}
	case store.RecordEntry:
		return &entryLine{}
	case store.RecordWorkspaceEvent:
		return &eventLine{Type: typ}
	}
	return nil
}

// fromLine is the record a decoded line holds, and its workspace.
func fromLine(line any) (ws string, r store.Record) {
	switch l := line.(type) {
	case *workspaceLine:
		w := framework.Workspace{ID: l.Workspace, Timezone: l.Timezone, ReminderSpec: l.ReminderSpec, RemindersPaused: framework.Date(l.Paused),
			Frameworks: l.Frameworks, Cycle: l.Cycle, CycleStarted: l.CycleStarted}
		for _, c := range l.PastCycles {
			w.PastCycles = append(w.PastCycles, framework.Cycle(c))
		}
		return l.Workspace, store.Record{Type: store.RecordWorkspace, Workspace: w}
	case *targetLine:
		t := framework.Target{Framework: l.Framework, Objective: l.Objective, Code: l.Code, Title: l.Title,
			Custom: l.Custom, Owner: l.Owner, Due: framework.Date(l.Due), Status: framework.Status(l.Status), Progress: l.Progress,
			Rating: framework.Rating(l.Rating), Archived: l.Archived, SnoozedUntil: framework.Date(l.SnoozedUntil),
			SnoozeReason: l.SnoozeReason, Reminders: l.Reminders, LastUpdate: l.LastUpdate, UpdatedAt: l.UpdatedAt, CreatedAt: l.CreatedAt}
		for cycle, g := range l.Grades {
			if t.Grades == nil {
				t.Grades = map[string]framework.Rating{}
			}
			t.Grades[cycle] = framework.Rating(g)
		}
		return l.Workspace, store.Record{Type: store.RecordTarget, Target: t}
	case *updateLine:
		return l.Workspace, store.Record{Type: store.RecordUpdate, Update: framework.Update{ID: l.ID, Target: l.Target,
			Author: l.Author, Time: l.Time, Progress: l.Progress, Status: framework.Status(l.Status), Note: l.Note,
			PrevProgress: l.PrevProgress, PrevStatus: framework.Status(l.PrevStatus), Withdrawn: l.Withdrawn, WithdrawnAt: l.WithdrawnAt}}
	case *adapterStateLine:
		return l.Workspace, store.Record{Type: store.RecordAdapterState, State: store.StateEntry{Key: l.Key, Value: l.Value}}
	case *entryLine:
		return l.Workspace, store.Record{Type: store.RecordEntry, Entry: store.Entry{Kind: store.EntryKind(l.Kind), Key: l.Key, Value: l.Value}}
	case *eventLine:
		typ := store.RecordEvent
		if l.Type == string(store.RecordWorkspaceEvent) {
			typ = store.RecordWorkspaceEvent
		}
		return l.Workspace, store.Record{Type: typ, Event: framework.Event{ID: l.ID, Target: l.Target,
			Kind: framework.EventKind(l.Kind), Author: l.Author, Time: l.Time, From: l.From, To: l.To, Reason: l.Reason,
			Cycle: l.Cycle, URL: l.URL, Title: l.Title, User: l.User}}
	default:
		s := line.(*subscriptionLine)
		return s.Workspace, store.Record{Type: store.RecordSubscription, Subscription: framework.Subscription{Workspace: s.Workspace,
			Channel: s.Channel, Spec: s.Spec, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt, LastDigest: s.LastDigest}}
	}
}
