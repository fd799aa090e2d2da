package reminders

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// recorder is a platform fake: it records what the scheduler posts, and
// fails a post when Fail returns an error.
type recorder struct {
	Fail func(bot.Message) error

	mu   sync.Mutex
	msgs []bot.Message
}

func (r *recorder) Post(_ context.Context, m bot.Message) error {
	if r.Fail != nil {
		if err := r.Fail(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) all() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

// digests and dms split what was posted.
func (r *recorder) digests() []bot.Message {
	var out []bot.Message
	for _, m := range r.all() {
		if m.Channel != "" {
			out = append(out, m)
		}
	}
	return out
}

func (r *recorder) dms() []bot.Message {
	var out []bot.Message
	for _, m := range r.all() {
		if m.User != "" {
			out = append(out, m)
		}
	}
	return out
}

// clock is a settable fake clock, safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}
func (c *clock) set(t time.Time)                   { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration)               { c.ns.Add(int64(d)) }
func (c *clock) now() time.Time                    { return time.Unix(0, c.ns.Load()).UTC() }
func quietLogger() *slog.Logger                    { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func background() context.Context                  { return context.Background() }
func ptr[T any](v T) *T                            { return &v }
func dateP(s string) *framework.Date               { d := framework.Date(s); return &d }
func ratingP(r framework.Rating) *framework.Rating { return &r }

// newScheduler is a Scheduler over st that posts to rec for every
// platform, on the given clock, re-reading schedules on every call.
func newScheduler(st store.Store, rec *recorder, c *clock) *Scheduler {
	return New(Options{
		Store:    st,
		Posters:  map[string]bot.Poster{"slack": rec, "discord": rec, "local": rec},
		Location: time.UTC,
		Now:      c.now,
		Logger:   quietLogger(),
	})
}

// sample is a small two-objective framework for seeding workspaces.
func sample() *framework.Framework {
	return &framework.Framework{
		ID:   "eqs",
		Name: "Equality sample",
		Objectives: []framework.Objective{
			{Code: "1", Title: "Patient access", Targets: []framework.TargetSpec{
				{Code: "1.1", Title: "Access"},
				{Code: "1.2", Title: "Outcomes"},
				{Code: "1.3", Title: "Experience"},
			}},
			{Code: "2", Title: "Workforce", Targets: []framework.TargetSpec{
				{Code: "2.1", Title: "Wellbeing"},
				{Code: "2.2", Title: "Bullying"},
			}},
		},
	}
}

// seedWorkspace imports sample into ws in Europe/London and returns it.
func seedWorkspace(t testing.TB, st store.Store, ws string, now time.Time) {
	t.Helper()
	ctx := background()
	if _, err := st.Import(ctx, ws, sample(), now); err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := st.SetTimezone(ctx, ws, "Europe/London"); err != nil {
		t.Fatalf("set timezone: %v", err)
	}
}

// targetPatch names the settings a test gives a target; nil ones stay.
type targetPatch struct {
	Owner        *string
	Due          *framework.Date
	Rating       *framework.Rating
	SnoozedUntil *framework.Date
	SnoozeReason *string
}

// patch makes each change p names, as the commands would, one by one.
func patch(t testing.TB, st store.Store, ws, ref string, p targetPatch) {
	t.Helper()
	var chs []framework.Change
	if p.Owner != nil {
		chs = append(chs, framework.Change{Kind: framework.EventAssign, Owner: *p.Owner})
	}
	if p.Due != nil {
		chs = append(chs, framework.Change{Kind: framework.EventDue, Due: *p.Due})
	}
	if p.Rating != nil {
		chs = append(chs, framework.Change{Kind: framework.EventRate, Rating: *p.Rating})
	}
	if p.SnoozedUntil != nil || p.SnoozeReason != nil {
		ch := framework.Change{Kind: framework.EventSnooze}
		if p.SnoozedUntil != nil {
			ch.Until = *p.SnoozedUntil
		}
		if p.SnoozeReason != nil {
			ch.Reason = *p.SnoozeReason
		}
		chs = append(chs, ch)
	}
	for _, ch := range chs {
		ch.Author = "UADMIN"
		// A setting the target has already is fine here: p says what
		// the target should hold.
		if _, _, err := st.ChangeTarget(background(), ws, ref, ch); err != nil && !errors.Is(err, framework.ErrNoChange) {
			t.Fatalf("%s %s: %v", ch.Kind, ref, err)
		}
	}
}

func update(t testing.TB, st store.Store, ws, ref, author string, at time.Time, progress int, status framework.Status, note string) {
	t.Helper()
	u := framework.Update{Target: ref, Author: author, Time: at, Progress: progress, Status: status, Note: note}
	if _, _, err := st.AppendUpdate(background(), ws, u, store.Once{}); err != nil {
		t.Fatalf("update %s: %v", ref, err)
	}
}

func subscribe(t testing.TB, st store.Store, ws, channel, spec string, created time.Time) {
	t.Helper()
	s := framework.Subscription{Workspace: ws, Channel: channel, Spec: spec, CreatedBy: "UADMIN", CreatedAt: created}
	if err := st.PutSubscription(background(), s); err != nil {
		t.Fatalf("subscribe %s: %v", channel, err)
	}
}

func target(t testing.TB, st store.Store, ws, ref string) framework.Target {
	t.Helper()
	tg, err := st.Target(background(), ws, ref)
	if err != nil {
		t.Fatalf("target %s: %v", ref, err)
	}
	return tg
}

// london is a time in Europe/London.
func london(t testing.TB, year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, mustLoad(t, "Europe/London"))
}
