package reminders

import (
	"testing"
	"time"

	"github.com/targetbot/targetbot/store"
)

// A workspace made after the morning's reminder time gets no reminder
// for that run when the first tick catches it up; the next run reminds.
func TestPapercutRemindersSkipRunsBeforeTheWorkspace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		made := london(t, 2026, 1, 5, 9, 30) // a Monday, after the 09:00 run
		c := newClock(made)
		st := open(t, c)
		seedWorkspace(t, st, ws, made)
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-01-02")})
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		if res, err := s.RunDue(background(), made.Add(time.Minute)); err != nil || res.Reminders != 0 {
			t.Fatalf("RunDue just after the workspace was made = %+v, %v; want no reminder", res, err)
		}
		tue := london(t, 2026, 1, 6, 9, 0)
		c.set(tue)
		if res, err := s.RunDue(background(), tue); err != nil || res.Reminders != 1 {
			t.Fatalf("RunDue the next morning = %+v, %v; want a reminder", res, err)
		}
	})
}
