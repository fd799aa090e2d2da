package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
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

// A framework without grading, whose targets nobody graded, has no
// ratings line; with no line left there is no ratings section.
func TestPapercutDigestSkipsUngradedFramework(t *testing.T) {
	at := utc("2026-06-15T08:00:00Z")
	plain := &framework.Framework{ID: "plain", Name: "Plain"}
	ts := []framework.Target{{Framework: "plain", Objective: "1", Code: "1.1", Title: "C", Due: "2026-06-01", Owner: "U1"}}
	r := renderDigest(digestData{Loc: time.UTC, At: at, Since: at.Add(-24 * time.Hour), Targets: ts, Frameworks: map[string]*framework.Framework{"plain": plain}})
	if b, ok := detail(r, "Ratings"); ok {
		t.Errorf("a framework without grading has a ratings line:\n%s", b.Text)
	}
	ts[0].Rating = framework.Achieving
	r = renderDigest(digestData{Loc: time.UTC, At: at, Since: at.Add(-24 * time.Hour), Targets: ts, Frameworks: map[string]*framework.Framework{"plain": plain}})
	if b, ok := detail(r, "Ratings"); !ok || !strings.Contains(b.Text, "🟩 achieving 1") {
		t.Errorf("a graded target of a framework without grading is not counted:\n%s", b.Text)
	}
}

// The digest says each updated target's title once, its updates under it.
func TestPapercutDigestGroupsUpdatesByTarget(t *testing.T) {
	at := utc("2026-06-15T08:00:00Z")
	long := "Patients have required levels of access to every service they use, at every hour"
	ts := []framework.Target{
		{Framework: "x", Objective: "1", Code: "1.1", Title: long, Status: framework.OnTrack},
		{Framework: "x", Objective: "1", Code: "1.2", Title: "Short", Status: framework.OnTrack},
	}
	us := []framework.Update{
		{Target: "x/1.1", Author: "U1", Time: at.Add(-3 * time.Hour), Progress: 10, Status: framework.OnTrack, Note: "first"},
		{Target: "x/1.2", Author: "U2", Time: at.Add(-2 * time.Hour), Progress: 20, Status: framework.OnTrack},
		{Target: "x/1.1", Author: "U1", Time: at.Add(-time.Hour), Progress: 30, Status: framework.OnTrack, Note: "second"},
	}
	r := renderDigest(digestData{Loc: time.UTC, At: at, Since: at.Add(-24 * time.Hour), Targets: ts, Updates: us, UpdateCount: 3})
	b, ok := detail(r, "Updates since")
	if !ok {
		t.Fatal("no updates section")
	}
	if n := strings.Count(b.Text, "Patients have"); n != 1 {
		t.Errorf("the long title is said %d times:\n%s", n, b.Text)
	}
	second, first, short := strings.Index(b.Text, "second"), strings.Index(b.Text, "first"), strings.Index(b.Text, "Short")
	if second < 0 || first < second || short < first {
		t.Errorf("updates not grouped under their target, newest first:\n%s", b.Text)
	}
}
