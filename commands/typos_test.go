package commands

import (
	"slices"
	"strings"

	"context"
	"github.com/targetbot/targetbot/bot"
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// Typos of a status or a progress are refused with a hint, not logged as
// notes; sentences that merely start like one are notes.
func TestTyposAreNotNotes(t *testing.T) {
	e := imported(t)
	for text, want := range map[string]string{
		"update eds/1.1 on-trak":             "did you mean `on-track`? To log it as a note, write `/target update eds/1.1 -- on-trak`",
		"update eds/1.1 of-track budget cut": "did you mean `on-track` or `off-track`?",
		"update eds/1.1 40 %":                "`40` looks like a progress, but progress is a whole number with a % sign",
		"update eds/1.1 40%%":                "`40%%` looks like a progress",
		"update eds/1.1 %40":                 "`%40` looks like a progress",
		"update eds/1.1 ٤٠%":                 "looks like a progress",
		"update eds/1.1 blocked":             "`blocked` is not a status: the statuses are not-started, on-track, at-risk, off-track and done (did you mean `off-track`?)",
		"update eds/1.1 dome":                "did you mean `done`?",
		"update eds/1.1 40% on-trak":         "did you mean `on-track`?",
	} {
		e.unchanged(bob, text, framework.EINVALID, "note", want)
	}
	for _, note := range []string{"blocked by HR data", "gone to the board", "3 sessions held", "ok so far", "dune survey sent"} {
		r := e.ok(bob, "update eds/1.2 "+note)
		us, err := e.st.Updates(context.Background(), testWS, "eds/1.2", 1)
		if err != nil || len(us) != 1 || us[0].Note != note {
			t.Errorf("%q: stored %+v (%s)", note, us, r.Text())
		}
	}
	// The hint's way round works.
	e.ok(bob, "update eds/1.1 -- on-trak")
}

// Progress on a target not started puts it on track; 100% suggests done.
func TestProgressStartsATarget(t *testing.T) {
	e := imported(t)
	r := e.ok(bob, "update eds/1.2 100%")
	if got := e.target("eds/1.2"); got.Status != framework.OnTrack || got.Progress != 100 {
		t.Errorf("100%% on a new target left %s %d%%", got.Status, got.Progress)
	}
	if !strings.Contains(r.Text(), "`/target update eds/1.2 done` marks it done") {
		t.Errorf("100%% reply gives no hint: %s", r.Text())
	}
	if r := e.ok(bob, "update eds/1.2 done"); strings.Contains(r.Text(), "marks it done") {
		t.Errorf("a done target is still told how to mark it done: %s", r.Text())
	}
}

// The list filters, and each objective's heading shows its real roll-up
// whatever the filter shows.
func TestListFilters(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "assign eds/1.1 @amy")
	e.ok(adminUser, "due eds/1.1 2026-11-01")
	e.ok(adminUser, "due eds/1.2 2026-11-30")
	e.ok(bob, "update eds/1.2 60%")
	all := e.ok(bob, "list eds/1")
	overdue := e.ok(bob, "list overdue")
	heading := func(r bot.Reply) string {
		for _, b := range r.Blocks {
			if strings.HasPrefix(b.Title, "eds/1 ") {
				return b.Title
			}
		}
		return ""
	}
	if h := heading(all); h == "" || h != heading(overdue) {
		t.Errorf("eds/1 heading %q in list eds/1 but %q in list overdue", h, heading(overdue))
	}
	for filter, want := range map[string][]string{
		"overdue":     {"eds/1.1"},
		"due-soon":    {"eds/1.2"},
		"unassigned":  {"eds/1.2", "eds/2.1"},
		"not-started": {"eds/1.1", "eds/2.1"},
		"mine":        nil,
	} {
		r := e.ok(bob, "list "+filter)
		for _, ref := range []string{"eds/1.1", "eds/1.2", "eds/2.1"} {
			if got, wanted := strings.Contains(r.Text(), "`"+ref+"`"), slices.Contains(want, ref); got != wanted {
				t.Errorf("list %s shows %s: %v, want %v\n%s", filter, ref, got, wanted, r.Text())
			}
		}
	}
	e.fail(bob, "list amy", framework.EINVALID, "objective", "To list someone's, write `/target list @amy`")
	e.fail(bob, "list overdeu", framework.EINVALID, "objective", "Did you mean `/target list overdue`?")
}

// Cron mistakes are explained in the bot's words, with examples that
// work, never the library's.
func TestCronErrorsInPlainWords(t *testing.T) {
	e := imported(t)
	for text, want := range map[string]string{
		"digest here 0 9 * * MONDAY": "`MONDAY` is not a day of week: use SUN, MON, TUE, WED, THU, FRI, SAT",
		"reminders 0 25 * * *":       "the hour `25` is out of range: use 0 to 23",
		"digest here 0 9 * *":        "it has 4 fields, not five",
		"digest here 0 */0 * * *":    "the hour `*/0` cannot be read",
		"digest here 0 9 30 FEB *":   "that date never comes",
		"reminders @every 2h":        "`@every` runs relative to when targetbot started",
	} {
		r := e.as(adminUser, text)
		if r.Code != framework.EINVALID || r.Field != "cron" || !strings.Contains(r.Text(), want) || !strings.Contains(r.Text(), "`30 8 * * MON-FRI` (weekdays at 08:30)") {
			t.Errorf("%q = %s %s %q, want %q", text, r.Code, r.Field, r.Text(), want)
		}
		for _, leak := range []string{"strconv", "Atoi", "end of range", "above maximum", "failed to parse"} {
			if strings.Contains(r.Text(), leak) {
				t.Errorf("%q leaks library text %q: %s", text, leak, r.Text())
			}
		}
	}
}

// `reminders off` stops reminder DMs; showing and `default` say so and
// undo it; doing it twice changes nothing.
func TestRemindersOff(t *testing.T) {
	e := imported(t)
	e.fail(bob, "reminders off", framework.EFORBIDDEN, "", "only an admin")
	r := e.ok(adminUser, "reminders off")
	if r.Ephemeral || !strings.Contains(r.Text(), "turned overdue reminders off") {
		t.Errorf("reminders off = %+v", r)
	}
	if w, _ := e.st.Workspace(context.Background(), testWS); w.ReminderSpec != framework.RemindersOff {
		t.Errorf("stored spec = %q", w.ReminderSpec)
	}
	e.fail(adminUser, "reminders off", framework.ECONFLICT, "", "already off")
	if r := e.ok(bob, "reminders"); !strings.Contains(r.Text(), "overdue reminders are off here") {
		t.Errorf("reminders = %s", r.Text())
	}
	e.ok(adminUser, "reminders default")
	if w, _ := e.st.Workspace(context.Background(), testWS); w.ReminderSpec != "" {
		t.Errorf("after default, spec = %q", w.ReminderSpec)
	}
}

// `reminders pause` stops reminders until a day; `resume` ends it early.
func TestRemindersPause(t *testing.T) {
	e := imported(t)
	e.fail(bob, "reminders pause 2w", framework.EFORBIDDEN, "", "only an admin")
	e.fail(adminUser, "reminders pause", framework.EINVALID, "cron", "say until when")
	e.fail(adminUser, "reminders pause soon", framework.EINVALID, "cron", "is not a pause length")
	e.fail(adminUser, "reminders resume", framework.ECONFLICT, "", "reminders are not paused")
	r := e.ok(adminUser, "reminders pause 2027-01-05")
	if r.Ephemeral || !strings.Contains(r.Text(), "paused overdue reminders until 2027-01-05") {
		t.Errorf("pause = %s", r.Text())
	}
	if w, _ := e.st.Workspace(context.Background(), testWS); w.RemindersPaused != "2027-01-05" {
		t.Errorf("stored pause = %q", w.RemindersPaused)
	}
	if r := e.ok(bob, "reminders"); !strings.Contains(r.Text(), "paused until 2027-01-05") {
		t.Errorf("reminders = %s", r.Text())
	}
	e.fail(adminUser, "reminders pause 2027-01-05", framework.ECONFLICT, "", "already paused until 2027-01-05")
	e.ok(adminUser, "reminders resume")
	if w, _ := e.st.Workspace(context.Background(), testWS); w.RemindersPaused != "" {
		t.Errorf("after resume, pause = %q", w.RemindersPaused)
	}
}
