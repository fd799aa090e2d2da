package reminders

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

const ws = "slack:T1"

// seedDigestWorkspace is the workspace the digest tests read, as of
// Monday 2026-06-15 09:00 in London, last digested a week before:
//
//	eqs/1.1 U1, overdue (due 06-10), on-track 50%, developing, updated 2 days ago, 3 reminders since
//	eqs/1.2 no owner, overdue (due 06-01)
//	eqs/1.3 U2, due soon (06-20), achieving, last updated 20 days ago
//	eqs/2.1 U3, overdue (due 05-01), snoozed to 06-30, 3 reminders
//	eqs/2.2 U1, done today, excelling
func seedDigestWorkspace(t testing.TB, st store.Store, now time.Time) {
	seedWorkspace(t, st, ws, now.AddDate(0, -2, 0))
	patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-10"), Rating: ratingP(framework.Developing)})
	patch(t, st, ws, "eqs/1.2", targetPatch{Due: dateP("2026-06-01")})
	patch(t, st, ws, "eqs/1.3", targetPatch{Owner: ptr("U2"), Due: dateP("2026-06-20"), Rating: ratingP(framework.Achieving)})
	patch(t, st, ws, "eqs/2.1", targetPatch{Owner: ptr("U3"), Due: dateP("2026-05-01"), SnoozedUntil: dateP("2026-06-30"), SnoozeReason: ptr("waiting for the staff survey")})
	patch(t, st, ws, "eqs/2.2", targetPatch{Owner: ptr("U1"), Due: dateP("2026-01-01"), Rating: ratingP(framework.Excelling)})
	update(t, st, ws, "eqs/1.3", "U2", now.Add(-20*24*time.Hour), 10, framework.OnTrack, "old news")
	update(t, st, ws, "eqs/1.1", "U1", now.Add(-48*time.Hour), 50, framework.OnTrack, "survey sent")
	update(t, st, ws, "eqs/2.2", "U1", now.Add(-3*time.Hour), 100, framework.Done, "finished")
	for range 3 {
		if err := st.NoteReminded(background(), ws, []string{"eqs/1.1", "eqs/2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	subscribe(t, st, ws, "C1", "0 9 * * MON", now.AddDate(0, -1, 0))
	if err := st.MarkDigested(background(), ws, "C1", now.Add(-7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestDigestContent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now)
		st := open(t, c)
		seedDigestWorkspace(t, st, now)
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		r := postDigest(t, s, rec, "C1")
		for _, want := range []string{"5 targets", "32% overall", "2 on-track", "2 not-started", "1 done",
			"2 updates since 2026-06-08", "3 overdue", "1 due in the next 14 days", "2 targets need an admin"} {
			if !strings.Contains(r.Text(), want) {
				t.Errorf("headline lacks %q:\n%s", want, r.Text())
			}
		}
		sections := []struct {
			title    string
			want     []string
			unwanted []string
		}{
			{"eqs/1", []string{"3 targets", "20%"}, nil},
			{"Updates since 2026-06-08", []string{"`eqs/1.1` Access", "by <@U1> “survey sent”", "`eqs/2.2` Bullying", "finished"}, []string{"old news", "eqs/1.3"}},
			{"Overdue (3)", []string{"eqs/1.1", "eqs/1.2", "eqs/2.1"}, []string{"eqs/2.2", "eqs/1.3"}},
			{"Due in the next 14 days (1)", []string{"eqs/1.3", "2026-06-20", "<@U2>"}, nil},
			{"Snoozed (1)", []string{"eqs/2.1", "waiting for the staff survey"}, nil},
			{"For admins: 3 or more", []string{"eqs/1.1", "<@U1>", "3 reminders"}, []string{"eqs/2.1"}}, // snoozed: not escalated
			{"For admins: overdue with no owner (1)", []string{"eqs/1.2"}, nil},
			{"Ratings", []string{"undeveloped 0", "developing 1", "achieving 1", "excelling 1", "unrated 2"}, nil},
		}
		for _, sec := range sections {
			b, ok := detail(r, sec.title)
			if !ok {
				t.Errorf("no %q section:\n%s", sec.title, allText(r))
				continue
			}
			for _, w := range sec.want {
				if !strings.Contains(b.Text, w) {
					t.Errorf("%s lacks %q:\n%s", sec.title, w, b.Text)
				}
			}
			for _, w := range sec.unwanted {
				if strings.Contains(b.Text, w) {
					t.Errorf("%s should not show %q:\n%s", sec.title, w, b.Text)
				}
			}
		}

		subs, err := st.Subscriptions(background(), ws)
		if err != nil || len(subs) != 1 || !subs[0].LastDigest.Equal(now) {
			t.Fatalf("after Digest, subscriptions = %+v, %v; want LastDigest %v", subs, err, now)
		}
		// The next digest starts where this one ended.
		c.add(time.Hour)
		r = postDigest(t, s, rec, "C1")
		if !strings.Contains(r.Text(), "0 updates since 2026-06-15") || !strings.Contains(r.Text(), "3 overdue") {
			t.Errorf("second digest headline:\n%s", r.Text())
		}
		// digest now in a channel with no subscription still works.
		if err := s.PostDigest(background(), ws, "C-unsubscribed"); err != nil {
			t.Errorf("PostDigest to an unsubscribed channel: %v", err)
		}
	})
}

// postDigest posts a digest now to channel, as `digest now` does, and
// returns what was posted there.
func postDigest(t *testing.T, s *Scheduler, rec *recorder, channel string) bot.Reply {
	t.Helper()
	before := len(rec.all())
	if err := s.PostDigest(background(), ws, channel); err != nil {
		t.Fatalf("PostDigest: %v", err)
	}
	posted := rec.all()[before:]
	if len(posted) != 1 || posted[0].Channel != channel || posted[0].Key == "" {
		t.Fatalf("PostDigest posted %+v, want one keyed message to %s", posted, channel)
	}
	return posted[0].Reply
}

func TestDigestNothingNew(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		at := london(t, 2026, 6, 15, 9, 5)
		c := newClock(at)
		st := open(t, c)
		seedWorkspace(t, st, ws, at.AddDate(0, 0, -10))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-12-01")})
		update(t, st, ws, "eqs/1.1", "U1", at.AddDate(0, 0, -9), 40, framework.OnTrack, "before the window")
		subscribe(t, st, ws, "C1", "", at.AddDate(0, 0, -8)) // "" is the default weekly spec
		rec := &recorder{}
		res, err := newScheduler(st, rec, c).RunDue(background(), at)
		if err != nil {
			t.Fatal(err)
		}
		ds := rec.digests()
		if res.Digests != 1 || len(ds) != 1 || len(rec.dms()) != 0 {
			t.Fatalf("result %+v, posted %+v", res, rec.all())
		}
		r := ds[0].Reply
		if !strings.Contains(r.Text(), "nothing new since 2026-06-08") || strings.Contains(r.Text(), "\n") || len(r.Details) != 0 || len(r.Blocks) != 1 {
			t.Errorf("quiet digest is not one line: %+v", r)
		}
	})
}

func TestRunDueOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now.Add(30 * time.Second))
		st := open(t, c)
		seedDigestWorkspace(t, st, now)
		patch(t, st, ws, "eqs/1.3", targetPatch{Due: dateP("2026-06-12")}) // U2 now overdue too
		rec := &recorder{}
		s := newScheduler(st, rec, c)

		res, err := s.RunDue(background(), c.now())
		if err != nil {
			t.Fatal(err)
		}
		if res.Digests != 1 || res.Reminders != 2 || res.Reminded != 2 || res.Claimed != 2 || res.Errors != 0 {
			t.Fatalf("first RunDue = %+v, want 1 digest, 2 DMs (U1, U2) for 2 overdue targets", res)
		}
		if d := rec.digests(); d[0].Key != "digest:C1:2026-06-15T09:00" || d[0].Channel != "C1" || d[0].Workspace != ws {
			t.Errorf("digest message = %+v", d[0])
		}
		dms := rec.dms()
		keys := map[string]bot.Message{}
		for _, m := range dms {
			keys[m.Key] = m
		}
		u1, ok1 := keys["remind:2026-06-15T09:00:U1"]
		u2, ok2 := keys["remind:2026-06-15T09:00:U2"]
		if !ok1 || !ok2 || u1.User != "U1" || u2.User != "U2" {
			t.Fatalf("DMs = %+v", dms)
		}
		// U1: overdue eqs/1.1 (eqs/2.2 is done). U3's eqs/2.1 is snoozed; eqs/1.2 has no owner.
		if !strings.Contains(u1.Reply.Text(), "eqs/1.1") || strings.Contains(u1.Reply.Text(), "eqs/2.2") || len(u1.Reply.Blocks) != 2 {
			t.Errorf("U1's reminder:\n%s", u1.Reply.Text())
		}
		if b := u1.Reply.Blocks[1].Buttons; len(b) != 3 || b[0].Command != "update eqs/1.1" || !b[0].Form || b[1].Command != "snooze eqs/1.1 7d" || b[2].Command != "update eqs/1.1 done" {
			t.Errorf("U1's buttons = %+v", b)
		}
		if got := target(t, st, ws, "eqs/1.1").Reminders; got != 4 {
			t.Errorf("eqs/1.1 Reminders = %d, want 4", got)
		}
		if got := target(t, st, ws, "eqs/2.1").Reminders; got != 3 {
			t.Errorf("snoozed eqs/2.1 Reminders = %d, want 3 (unchanged)", got)
		}

		posted := len(rec.all())
		for _, again := range []struct {
			name string
			s    *Scheduler
			at   time.Time
		}{
			{"same scheduler, same time", s, c.now()},
			{"fresh scheduler, same time", newScheduler(st, rec, c), c.now()},
			{"fresh scheduler, an hour later", newScheduler(st, rec, c), c.now().Add(time.Hour)},
		} {
			res, err := again.s.RunDue(background(), again.at)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(rec.all()); n != posted || res.Digests+res.Reminders != 0 {
				t.Errorf("%s: posted %d more (%+v)", again.name, n-posted, res)
			}
		}
		if got := target(t, st, ws, "eqs/1.1").Reminders; got != 4 {
			t.Errorf("after reruns eqs/1.1 Reminders = %d, want 4", got)
		}
	})
}

func TestSnoozeSuppressesReminders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 1)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, ws, mon.AddDate(0, 0, -5))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-01"), SnoozedUntil: dateP("2026-06-22"), SnoozeReason: ptr("on leave")})
		patch(t, st, ws, "eqs/1.2", targetPatch{Owner: ptr("U2"), Due: dateP("2026-06-01")})
		patch(t, st, ws, "eqs/1.3", targetPatch{Due: dateP("2026-06-01")}) // no owner
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		if _, err := s.RunDue(background(), mon); err != nil {
			t.Fatal(err)
		}
		dms := rec.dms()
		if len(dms) != 1 || dms[0].User != "U2" || strings.Contains(dms[0].Reply.Text(), "eqs/1.1") {
			t.Fatalf("DMs while eqs/1.1 is snoozed = %+v", dms)
		}
		if got := target(t, st, ws, "eqs/1.1").Reminders; got != 0 {
			t.Errorf("snoozed target Reminders = %d, want 0", got)
		}
		// The snooze ends on Monday the 22nd.
		next := london(t, 2026, 6, 22, 9, 1)
		c.set(next)
		if _, err := s.RunDue(background(), next); err != nil {
			t.Fatal(err)
		}
		users := map[string]bool{}
		for _, m := range rec.dms()[1:] {
			users[m.User] = true
		}
		if !users["U1"] || !users["U2"] || len(users) != 2 {
			t.Errorf("DMs after the snooze = %+v", rec.dms()[1:])
		}
	})
}

func TestEscalationAfterThreeReminders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 1)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, ws, mon.AddDate(0, 0, -5))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-01")})
		subscribe(t, st, ws, "C1", "0 17 * * FRI", mon)
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		for day := range 3 { // Monday to Wednesday, unanswered
			at := mon.AddDate(0, 0, day)
			c.set(at)
			if _, err := s.RunDue(background(), at); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(rec.dms()); n != 3 {
			t.Fatalf("DMs Monday to Wednesday = %d, want 3", n)
		}
		c.set(mon.AddDate(0, 0, 2).Add(time.Hour))
		r := postDigest(t, s, rec, "C1")
		if b, ok := detail(r, "For admins: 3 or more"); !ok || !strings.Contains(b.Text, "eqs/1.1") || !strings.Contains(b.Text, "3 reminders") {
			t.Fatalf("digest after 3 reminders has no escalation:\n%s", allText(r))
		}
		// An update answers the reminders: the escalation goes.
		update(t, st, ws, "eqs/1.1", "U1", c.now(), 30, framework.AtRisk, "supplier late")
		c.add(time.Minute)
		r = postDigest(t, s, rec, "C1")
		if _, ok := detail(r, "For admins: 3 or more"); ok {
			t.Errorf("escalation still shown after an update:\n%s", allText(r))
		}
	})
}

func TestCatchUpAfterDowntime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		start := london(t, 2026, 1, 5, 9, 2) // a Monday
		c := newClock(start)
		st := open(t, c)
		seedWorkspace(t, st, ws, start.AddDate(0, 0, -1))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-01-02")})
		subscribe(t, st, ws, "C1", "0 9 * * MON", start.Add(-time.Hour))
		rec := &recorder{}
		if res, err := newScheduler(st, rec, c).RunDue(background(), start); err != nil || res.Digests != 1 || res.Reminders != 1 {
			t.Fatalf("first run = %+v, %v", res, err)
		}
		update(t, st, ws, "eqs/1.2", "U9", london(t, 2026, 1, 20, 12, 0), 60, framework.OnTrack, "while we were down")

		// Down for three weeks and two days: back on Wednesday 28 January.
		back := london(t, 2026, 1, 28, 14, 0)
		c.set(back)
		s := newScheduler(st, rec, c)
		res, err := s.RunDue(background(), back)
		if err != nil {
			t.Fatal(err)
		}
		if res.Digests != 1 || res.Reminders != 1 {
			t.Fatalf("catch-up = %+v, want one digest and one reminder, not one per missed period", res)
		}
		all := rec.all()
		var keys []string
		for _, m := range all[2:] {
			keys = append(keys, m.Key)
		}
		if len(keys) != 2 || keys[0] != "digest:C1:2026-01-26T09:00" || keys[1] != "remind:2026-01-28T09:00:U1" {
			t.Errorf("catch-up keys = %v", keys)
		}
		if b, ok := detail(all[2].Reply, "Updates since 2026-01-05"); !ok || !strings.Contains(b.Text, "while we were down") {
			t.Errorf("catch-up digest misses the update made while down:\n%s", allText(all[2].Reply))
		}
		for _, at := range []time.Time{back.Add(time.Minute), back.Add(2 * time.Hour)} {
			c.set(at)
			if res, _ := s.RunDue(background(), at); res.Digests+res.Reminders != 0 {
				t.Errorf("later tick posted again: %+v", res)
			}
		}
	})
}

func TestSubscriptionDoesNotFireBeforeItsCreation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		tue := london(t, 2026, 6, 16, 11, 0)
		c := newClock(tue)
		st := open(t, c)
		seedWorkspace(t, st, ws, tue.AddDate(0, 0, -1))
		subscribe(t, st, ws, "C1", "0 9 * * MON", tue)
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		if res, err := s.RunDue(background(), tue); err != nil || res.Digests != 0 {
			t.Fatalf("RunDue the day after a Monday, just subscribed = %+v, %v; want no digest", res, err)
		}
		mon := london(t, 2026, 6, 22, 9, 0)
		c.set(mon)
		if res, err := s.RunDue(background(), mon); err != nil || res.Digests != 1 {
			t.Fatalf("RunDue next Monday = %+v, %v; want a digest", res, err)
		}
	})
}

func TestPostFailureIsNotRetried(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 0)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, ws, mon.AddDate(0, 0, -1))
		subscribe(t, st, ws, "C1", "0 9 * * MON", mon.AddDate(0, 0, -1))
		rec := &recorder{Fail: func(bot.Message) error { return errors.New("slack: rate limited") }}
		s := newScheduler(st, rec, c)
		res, err := s.RunDue(background(), mon)
		if err != nil || res.Errors != 1 || res.Digests != 0 || res.Claimed != 1 {
			t.Fatalf("RunDue with a failing poster = %+v, %v", res, err)
		}
		rec.Fail = nil
		if res, _ := s.RunDue(background(), mon.Add(time.Minute)); res.Digests != 0 {
			t.Errorf("a claimed period posted again: %+v", res)
		}
		if subs, _ := st.Subscriptions(background(), ws); !subs[0].LastDigest.IsZero() {
			t.Errorf("a failed digest marked the channel digested: %+v", subs[0])
		}
	})
}

func TestMissingPosterLeavesPeriodUnclaimed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 0)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, "discord:42", mon.AddDate(0, 0, -1))
		subscribe(t, st, "discord:42", "C1", "0 9 * * MON", mon.AddDate(0, 0, -1))
		slackOnly := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": &recorder{}}, Now: c.now, Logger: quietLogger()})
		if res, err := slackOnly.RunDue(background(), mon); err != nil || res.Claimed != 0 {
			t.Fatalf("replica without a discord poster = %+v, %v; want no claim", res, err)
		}
		rec := &recorder{}
		if res, err := newScheduler(st, rec, c).RunDue(background(), mon); err != nil || res.Digests != 1 {
			t.Fatalf("replica with the poster = %+v, %v; want the digest", res, err)
		}
	})
}

// A command stamps its update as it starts and stores it a moment later,
// so an update stamped just before a digest can reach the store just
// after the digest read it. It must go in the next digest, not in
// neither; and no update may go in both.
func TestDigestKeepsUpdatesStoredLate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		at := london(t, 2026, 6, 15, 9, 0)
		c := newClock(at)
		st := open(t, c)
		seedWorkspace(t, st, ws, at.AddDate(0, 0, -10))
		subscribe(t, st, ws, "C1", "0 9 * * MON", at.AddDate(0, 0, -8))
		update(t, st, ws, "eqs/1.1", "U1", at.Add(-time.Minute), 40, framework.OnTrack, "stored-in-time")
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		if _, err := s.RunDue(background(), at); err != nil {
			t.Fatal(err)
		}
		// Stamped 5 s before the digest, stored after it ran.
		update(t, st, ws, "eqs/1.2", "U2", at.Add(-5*time.Second), 20, framework.OnTrack, "stored-late")

		next := at.AddDate(0, 0, 7)
		c.set(next)
		if _, err := s.RunDue(background(), next); err != nil {
			t.Fatal(err)
		}
		ds := rec.digests()
		if len(ds) != 2 {
			t.Fatalf("posted %d digests, want 2", len(ds))
		}
		first, second := allText(ds[0].Reply), allText(ds[1].Reply)
		if !strings.Contains(first, "stored-in-time") || strings.Contains(second, "stored-in-time") {
			t.Errorf("the update stored in time should be in the first digest only:\nfirst:\n%s\nsecond:\n%s", first, second)
		}
		if !strings.Contains(second, "stored-late") {
			t.Errorf("the update stored late is in no digest:\nsecond:\n%s", second)
		}
	})
}

// A `digest now` between two polls of the schedules moves the channel's
// last digest; the scheduled digest soon after must start from there,
// not from the polled copy, or it would repeat the same updates.
func TestScheduledDigestAfterDigestNowRepeatsNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		fire := london(t, 2026, 6, 15, 9, 0)
		c := newClock(fire.Add(-10 * time.Minute))
		st := open(t, c)
		seedDigestWorkspace(t, st, fire)
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		// Loads the schedules (and catches up last Monday's digest).
		if _, err := s.RunDue(background(), c.now()); err != nil {
			t.Fatal(err)
		}
		update(t, st, ws, "eqs/1.3", "U2", fire.Add(-8*time.Minute), 30, framework.OnTrack, "reported in digest now")
		c.set(fire.Add(-5 * time.Minute))
		now := postDigest(t, s, rec, "C1") // digest now, at 08:55
		if !strings.Contains(now.Text(), "1 update since") {
			t.Fatalf("digest now should report the 08:52 update:\n%s", now.Text())
		}
		before := len(rec.digests())
		c.set(fire)
		if _, err := s.RunDue(background(), fire); err != nil {
			t.Fatal(err)
		}
		ds := rec.digests()
		if len(ds) != before+1 {
			t.Fatalf("digests at 09:00 = %d, want 1", len(ds)-before)
		}
		if text := ds[len(ds)-1].Reply.Text(); !strings.Contains(text, "\n0 updates since") {
			t.Errorf("the scheduled digest ten minutes after `digest now` repeats its updates:\n%s", text)
		}
	})
}

// A digest lists the newest updates and counts them all: with more than
// a screenful since the last digest, the headline has the true count and
// the list says how many more there were.
func TestDigestCountsUpdatesBeyondTheList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now)
		st := open(t, c)
		seedDigestWorkspace(t, st, now) // two updates in the last week
		for i := range maxUpdatesListed + 5 {
			update(t, st, ws, "eqs/1.3", "U2", now.Add(-time.Duration(60-i)*time.Minute), i%100, framework.OnTrack, fmt.Sprintf("step %d", i))
		}
		rec := &recorder{}
		r := postDigest(t, newScheduler(st, rec, c), rec, "C1")
		total := maxUpdatesListed + 5 + 2
		if !strings.Contains(r.Text(), fmt.Sprintf("%d updates since", total)) {
			t.Errorf("headline should count all %d updates:\n%s", total, r.Text())
		}
		b, ok := detail(r, "Updates since")
		if !ok {
			t.Fatalf("no updates section in %+v", r.Details)
		}
		if n := strings.Count(b.Text, "◦ "); n != maxUpdatesListed || !strings.Contains(b.Text, "…and 7 more updates") {
			t.Errorf("updates section lists %d, want %d and \"…and 7 more updates\":\n%s", n, maxUpdatesListed, b.Text)
		}
		newest, oldest := fmt.Sprintf("step %d”", maxUpdatesListed+4), "step 5”"
		if !strings.Contains(b.Text, newest) || !strings.Contains(b.Text, oldest) || strings.Contains(b.Text, "step 4”") {
			t.Errorf("the list should hold the newest updates:\n%s", b.Text)
		}
	})
}

// A workspace whose reminders are off gets no reminder DMs; its digests
// still run.
func TestRemindersOffSendsNone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 1)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, ws, mon.AddDate(0, 0, -5))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-01")})
		subscribe(t, st, ws, "C1", "0 9 * * MON", mon.AddDate(0, 0, -7))
		if err := st.SetReminderSpec(background(), ws, framework.RemindersOff); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		if _, err := newScheduler(st, rec, c).RunDue(background(), mon); err != nil {
			t.Fatal(err)
		}
		if len(rec.dms()) != 0 || len(rec.digests()) != 1 {
			t.Errorf("with reminders off: %d DMs and %d digests, want 0 and 1", len(rec.dms()), len(rec.digests()))
		}
	})
}

// Paused reminders send nothing until the day they resume; the digest
// says they are paused.
func TestRemindersPausedUntilADay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		mon := london(t, 2026, 6, 15, 9, 1)
		c := newClock(mon)
		st := open(t, c)
		seedWorkspace(t, st, ws, mon.AddDate(0, 0, -5))
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("U1"), Due: dateP("2026-06-01")})
		subscribe(t, st, ws, "C1", "0 9 * * *", mon.AddDate(0, 0, -7))
		if err := st.SetRemindersPaused(background(), ws, "2026-06-17"); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		s := newScheduler(st, rec, c)
		for day := range 3 { // Monday and Tuesday paused, Wednesday not
			at := mon.AddDate(0, 0, day)
			c.set(at)
			if _, err := s.RunDue(background(), at); err != nil {
				t.Fatal(err)
			}
			if dms := len(rec.dms()); dms != max(0, day-1) {
				t.Errorf("day %d: %d DMs so far, want %d", day, dms, max(0, day-1))
			}
		}
		ds := rec.digests()
		if len(ds) != 3 || !strings.Contains(ds[0].Reply.Text(), "paused until 2026-06-17") || strings.Contains(ds[2].Reply.Text(), "paused") {
			t.Errorf("digests: %d; first says %q", len(ds), ds[0].Reply.Text())
		}
	})
}
