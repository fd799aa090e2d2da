package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// An archived target leaves the digest (its counts, sections, updates
// and ratings) and the reminders, on both stores.
func TestDigestAndRemindersLeaveOutArchived(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now)
		st := open(t, c)
		seedDigestWorkspace(t, st, now)
		// eqs/1.1: U1's, overdue, developing, updated 2 days ago, 3 reminders.
		if _, _, err := st.ChangeTarget(background(), ws, "eqs/1.1", framework.Change{Kind: framework.EventArchive, Author: "UADMIN", Time: now}); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		r := postDigest(t, s, rec, "C1")
		for _, want := range []string{"4 targets", "1 update since 2026-06-08", "2 overdue", "1 target needs an admin"} {
			if !strings.Contains(r.Text(), want) {
				t.Errorf("headline lacks %q:\n%s", want, r.Text())
			}
		}
		if all := allText(r); strings.Contains(all, "eqs/1.1") || strings.Contains(all, "survey sent") {
			t.Errorf("the digest still shows the archived target:\n%s", all)
		}
		if b, _ := detail(r, "Ratings"); !strings.Contains(b.Text, "developing 0") || !strings.Contains(b.Text, "unrated 2") {
			t.Errorf("ratings count the archived target: %s", b.Text)
		}
		dms, err := s.collectReminders(background(), ws, time.UTC, now, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, dm := range dms {
			for _, tg := range append(dm.overdue, dm.stale...) {
				if tg.Ref() == "eqs/1.1" {
					t.Errorf("%s is reminded of an archived target", dm.owner)
				}
			}
		}
	})
}

// The digest speaks each framework's words and shows this cycle's grades
// beside the previous cycle's, per framework.
func TestDigestLabelsAndCycles(t *testing.T) {
	at := utc("2027-06-14T08:00:00Z")
	graded := &framework.Framework{ID: "g", Labels: framework.Labels{Objective: "domain", Target: "outcome"},
		Grading: &framework.Grading{Scores: map[framework.Rating]int{"undeveloped": 0, "developing": 1, "achieving": 2, "excelling": 3},
			Bands: []framework.Band{{Below: 3, Rating: framework.Developing}, {Below: 7, Rating: framework.Achieving}}},
		Objectives: []framework.Objective{{Code: "1", Targets: []framework.TargetSpec{{Code: "1A"}, {Code: "1B"}}}}}
	ts := []framework.Target{
		{Framework: "g", Objective: "1", Code: "1A", Title: "A", Status: framework.OnTrack, Rating: framework.Achieving, Grades: map[string]framework.Rating{"2026/27": framework.Developing}},
		{Framework: "g", Objective: "1", Code: "1B", Title: "B", Status: framework.OnTrack, Due: "2027-06-20"},
	}
	d := digestData{Loc: time.UTC, At: at, Since: at.Add(-24 * time.Hour), Targets: ts, Frameworks: map[string]*framework.Framework{"g": graded},
		Cycle: "2027/28", Previous: "2026/27"}
	r := renderDigest(d)
	if !strings.Contains(r.Text(), "2 outcomes") {
		t.Errorf("headline does not use the framework's word: %s", r.Text())
	}
	if b, _ := detail(r, "g/1"); !strings.Contains(b.Text, "2 outcomes") {
		t.Errorf("roll-up = %+v", b)
	}
	b, ok := detail(r, "Ratings (2027/28)")
	if !ok {
		t.Fatalf("no ratings for the cycle:\n%s", allText(r))
	}
	for _, want := range []string{"`g`: 🟥 undeveloped 0 · 🟧 developing 0 · 🟩 achieving 1", "Score `g`: 2 of 6 so far, 🟧 developing (provisional: 1 outcome ungraded)",
		"In 2026/27: 🟥 undeveloped 0 · 🟧 developing 1 · 🟩 achieving 0", "Score in 2026/27: 1 of 6 so far, 🟧 developing (provisional: 1 outcome ungraded)"} {
		if !strings.Contains(b.Text, want) {
			t.Errorf("ratings lack %q:\n%s", want, b.Text)
		}
	}
	// No grade in the previous cycle: nothing to show beside.
	d.Targets[0].Grades = nil
	if b, _ := detail(renderDigest(d), "Ratings"); strings.Contains(b.Text, "2026/27") {
		t.Errorf("ratings show an empty previous cycle: %s", b.Text)
	}
}
