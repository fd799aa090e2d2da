package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
)

// Settings repeated with the value they already hold are refused
// privately, as targets' changes are, rather than announced again.
func TestPapercutSettingsUnchanged(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "digest here 0 9 * * MON")
	e.ok(adminUser, "timezone Europe/Paris")
	e.ok(adminUser, "reminders 0 10 * * MON")
	for _, tt := range []struct{ text, want string }{
		{"digest here 0 9 * * MON", "nothing changed: this channel already gets digests on Mondays at 09:00"},
		{"digest here   0 9  * * MON", "nothing changed: this channel already gets digests"},
		{"timezone europe/paris", "nothing changed: the time zone here is already `Europe/Paris`"},
		{"reminders 0 10 * * MON", "nothing changed: overdue reminders already run on Mondays at 10:00"},
	} {
		e.fail(adminUser, tt.text, framework.ECONFLICT, "", tt.want)
	}
	e.ok(adminUser, "reminders default")
	e.fail(adminUser, "reminders default", framework.ECONFLICT, "", "nothing changed: overdue reminders already run on")
	// A different value is still a change.
	e.ok(adminUser, "digest here 0 9 * * TUE")
	e.ok(adminUser, "timezone UTC")
	e.ok(adminUser, "reminders 0 11 * * MON")
}

// Undo after someone else's update names who updated, by the name the
// workspace knows, and when; an update they undid does not stand in the
// way.
func TestPapercutUndoNamesWhoUpdated(t *testing.T) {
	e := imported(t)
	e.ok(amy, "update eds/1.1 10%")
	e.now = e.now.Add(time.Minute)
	e.ok(bob, "update eds/1.1 20%")
	e.unchanged(amy, "undo", framework.ECONFLICT, "", "<@UBOB> updated `eds/1.1` after you, at 10:01, so your update can no longer be undone")
	e.ok(adminUser, "people set @UBOB Bob Jones | Finance")
	e.unchanged(amy, "undo", framework.ECONFLICT, "", "Bob Jones, Finance updated `eds/1.1` after you, at 10:01")
	e.ok(bob, "undo")
	r := e.ok(amy, "undo")
	if !strings.Contains(r.Text(), "undid their update") {
		t.Errorf("undo past a withdrawn update = %q", r.Text())
	}
	if got := e.target("eds/1.1"); got.Progress != 0 || got.Status != framework.NotStarted {
		t.Errorf("after both undos = %+v, want 0%% not-started", got)
	}
	// An update still in force after a withdrawn one stands.
	e.ok(amy, "update eds/1.2 10%")
	e.ok(bob, "update eds/1.2 20%")
	e.ok(adminUser, "update eds/1.2 30%")
	e.ok(adminUser, "undo")
	e.unchanged(amy, "undo", framework.ECONFLICT, "", "Bob Jones, Finance updated `eds/1.2` after you")
}

// Snoozing a target no reminder would reach says so.
func TestPapercutSnoozeWithoutOwnerOrDue(t *testing.T) {
	e := imported(t)
	for _, tt := range []struct{ setup, want string }{
		{"", "`eds/1.1` has no owner and no due date, so no overdue reminder would go out for it anyway"},
		{"assign eds/1.1 @amy", "`eds/1.1` has no due date, so no overdue reminder"},
		{"due eds/1.2 2026-12-01", "`eds/1.2` has no owner, so no overdue reminder"},
	} {
		if tt.setup != "" {
			e.ok(adminUser, tt.setup)
		}
		ref := "eds/1.1"
		if strings.Contains(tt.want, "eds/1.2") {
			ref = "eds/1.2"
		}
		if r := e.ok(adminUser, "snooze "+ref+" 1w"); !strings.Contains(r.Text(), tt.want) {
			t.Errorf("snooze %s = %q, want %q", ref, r.Text(), tt.want)
		}
		e.ok(adminUser, "snooze "+ref+" off")
	}
	e.ok(adminUser, "due eds/1.1 2026-12-01")
	if r := e.ok(adminUser, "snooze eds/1.1 1w"); strings.Contains(r.Text(), "anyway") {
		t.Errorf("snooze of a target with owner and due date = %q", r.Text())
	}
}

// Help's examples use the current EDS, not the superseded one.
func TestPapercutExamplesUseEDS2022(t *testing.T) {
	for _, v := range Verbs() {
		for _, ex := range v.ExamplesAt(time.Now()) {
			if strings.Contains(ex, " eds/") || strings.HasSuffix(ex, " eds") || strings.Contains(ex, " eds ") {
				t.Errorf("example %q names the superseded eds", ex)
			}
		}
	}
	if r := newEnv(t, testFrameworks()).ok(bob, "help"); !strings.Contains(r.Text(), "`eds-2022/1A`") {
		t.Errorf("help = %q", r.Text())
	}
}

// Date hints are never in the past, whatever the date.
func TestPapercutDateHintsAreAhead(t *testing.T) {
	e := imported(t)
	e.now = time.Date(2031, 5, 6, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ text, want string }{
		{"due eds/1.1", "like `2032-03-31`"},
		{"due eds/1.1 31/12/2026", "for example 2032-03-31"},
		{"due eds/1.1 0226-01-01", "for example 2032-03-31"},
		{"snooze eds/1.1", "`2031-06-03`"},
		{"snooze eds/1.1 soon", "a date like `2031-06-03`"},
	} {
		r := e.as(adminUser, tt.text)
		if r.Code == "" || !strings.Contains(r.Text(), tt.want) {
			t.Errorf("%q = %q, want %q", tt.text, r.Text(), tt.want)
		}
	}
}

// reminders pause never suggests `off`, which it refuses.
func TestPapercutPauseHintsResume(t *testing.T) {
	e := imported(t)
	for _, text := range []string{"reminders pause off", "reminders pause soon", "reminders pause"} {
		r := e.as(adminUser, text)
		if r.Code != framework.EINVALID || strings.Contains(r.Text(), "or `off`") {
			t.Errorf("%q = %s %q", text, r.Code, r.Text())
		}
	}
	e.fail(adminUser, "reminders pause off", framework.EINVALID, "cron", "a pause ends with `/target reminders resume`")
	e.fail(adminUser, "reminders pause soon", framework.EINVALID, "cron", "`/target reminders resume` ends a pause")
}

// Every status and alias update takes is in its help, and words people
// use for a status that are none are refused with a "did you mean".
func TestPapercutStatusesDocumentedOrRefused(t *testing.T) {
	e := imported(t)
	help := e.ok(bob, "help update").Text()
	for _, w := range []string{"not-started", "on-track", "at-risk", "off-track", "done", "`finished`"} {
		if !strings.Contains(help, w) {
			t.Errorf("help update does not mention %s:\n%s", w, help)
		}
	}
	e.ok(bob, "update eds/1.1 20% on-track")
	e.ok(bob, "update eds/1.1 not-started")
	for word, want := range map[string]string{"in-progress": "on-track", "red": "off-track", "amber": "at-risk", "In Progress": "on-track"} {
		e.unchanged(bob, "update eds/1.1 "+word, framework.EINVALID, "note", "(did you mean `"+want+"`?)")
	}
	e.ok(bob, "update eds/1.1 red tape held us up")
}

// Every error begins the same way: with a lower-case word, a reference
// or a mention, never a capital.
func TestPapercutErrorsBeginLowerCase(t *testing.T) {
	e := imported(t)
	for _, text := range []string{
		"nope", "help nope", "list nope", "show", "show 9.9", "show eds", "update", "update eds/1.1", "update eds/1.1 140%",
		"update eds/1.1 in-progress", "update eds/1.1 done 40%", "rate eds/1.1", "rate eds/1.1 brilliant", "assign eds/1.1",
		"assign eds/1.1 bob", "due eds/1.1", "due eds/1.1 tomorrow", "add", "add eds/1 1.1 Dup", "add eds/9 9.1 X", "edit eds/1.1",
		"archive", "restore eds/1.1", "evidence eds/1.1 nope", "history eds/1.1 x", "undo", "undo now", "snooze eds/1.1",
		"snooze eds/1.1 soon", "cycle begin", "cycle start 1999/00", "report zzz", "digest", "digest maybe", "digest now",
		"timezone Mars/Base", "reminders 0 9", "reminders pause", "reminders resume", "frameworks x", "import zzz",
	} {
		r := e.as(amy, text)
		if r.Code == "" {
			continue
		}
		if first := []rune(r.Text())[0]; first >= 'A' && first <= 'Z' {
			t.Errorf("%q: error begins with a capital: %q", text, r.Text())
		}
	}
}

// frameworks never cuts a description mid-word nor says a count twice,
// and no name is followed by a second pair of brackets.
func TestPapercutFrameworksRead(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	r := e.ok(adminUser, "import eds-2022")
	if strings.Contains(r.Text(), ") (") || !strings.Contains(r.Text(), "(EDS 2022)*, framework `eds-2022`") {
		t.Errorf("import = %q", r.Text())
	}
	text := e.ok(bob, "frameworks").Text()
	if strings.Contains(text, "18 outcomes): 4 goals, 18 outcomes") {
		t.Errorf("frameworks repeats eds's counts:\n%s", text)
	}
	for _, b := range e.ok(bob, "frameworks").Blocks {
		_, desc, _ := strings.Cut(b.Text, "\n")
		if desc == "" {
			continue
		}
		if last := []rune(desc)[len([]rune(desc))-1]; last != '.' && last != '…' {
			t.Errorf("description ends %q: %q", string(last), desc)
		}
		if strings.HasSuffix(desc, "…") {
			if words := strings.Fields(strings.TrimSuffix(desc, "…")); !strings.Contains(strings.Join(strings.Fields(b.Text), " "), words[len(words)-1]) {
				t.Errorf("description cut mid-word: %q", desc)
			}
		}
	}
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"One. Two three four.", 30, "One. Two three four."},
		{"The first sentence is here. The second sentence is much longer than the limit allows", 40, "The first sentence is here."},
		{"wordy words without any stops at all in them", 22, "wordy words without…"},
	} {
		if got := sentences(tt.in, tt.n); got != tt.want {
			t.Errorf("sentences(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// Schedules are said in words, and shown as cron only when words would
// not say them simply.
func TestPapercutSpecWords(t *testing.T) {
	for spec, want := range map[string]string{
		"0 9 * * MON":      "on Mondays at 09:00",
		"30 8 * * MON-FRI": "on weekdays at 08:30",
		"0 9 * * 1-5":      "on weekdays at 09:00",
		"0 10 * * MON,THU": "on Mondays and Thursdays at 10:00",
		"0 7 * * *":        "every day at 07:00",
		"0 9 * * TUE-THU":  "on Tuesday to Thursday at 09:00",
		"0 9 * * 0":        "on Sundays at 09:00",
		"0 9,17 * * MON":   "on `0 9,17 * * MON`",
		"0 9 1 * *":        "on `0 9 1 * *`",
	} {
		if got := specWords(spec); got != want {
			t.Errorf("specWords(%q) = %q, want %q", spec, got, want)
		}
	}
}

// show <objective> names a real archived target to look up, not a
// placeholder.
func TestPapercutShowObjectiveHasNoPlaceholder(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "archive eds/1.2")
	r := e.ok(bob, "show eds/1")
	if strings.Contains(r.Text(), "<ref>") || !strings.Contains(r.Text(), "`/target history eds/1.2` shows its record") {
		t.Errorf("show eds/1 = %q", r.Text())
	}
}

// list archived shows archived targets under their objectives without
// the live targets' roll-ups, even where every target is archived.
func TestPapercutListArchivedHasNoRollups(t *testing.T) {
	e := imported(t)
	e.ok(amy, "update eds/1.1 80%")
	e.ok(adminUser, "archive eds/1.2")
	e.ok(adminUser, "archive eds/2.1")
	r := e.ok(bob, "list archived")
	text := r.Text()
	if strings.Contains(text, "░") || strings.Contains(text, "▓") {
		t.Errorf("list archived shows roll-ups:\n%s", text)
	}
	for _, want := range []string{"eds/1.2", "eds/2.1", "eds/2 Workforce health"} {
		if !strings.Contains(text, want) {
			t.Errorf("list archived lacks %q:\n%s", want, text)
		}
	}
}

// A target of a framework without grading shows no rating until someone
// rates it; a graded framework's target always shows one.
func TestPapercutNoRatingWithoutGrading(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import nhse-2024-26")
	e.ok(adminUser, "import eds-2022")
	if r := e.ok(bob, "show nhse-2024-26/1.1"); strings.Contains(r.Text(), "Rating") {
		t.Errorf("show of an ungraded framework's target:\n%s", r.Text())
	}
	if r := e.ok(adminUser, "assign nhse-2024-26/1.1 @amy"); strings.Contains(r.Text(), "unrated") {
		t.Errorf("assign of an ungraded framework's target:\n%s", r.Text())
	}
	if r := e.ok(bob, "show eds-2022/1A"); !strings.Contains(r.Text(), "Rating: ⬜ unrated") && !strings.Contains(r.Text(), "unrated") {
		t.Errorf("show of a graded framework's target has no rating:\n%s", r.Text())
	}
	e.ok(adminUser, "rate nhse-2024-26/1.1 achieving")
	if r := e.ok(bob, "show nhse-2024-26/1.1"); !strings.Contains(r.Text(), "achieving") {
		t.Errorf("a rated target hides its rating:\n%s", r.Text())
	}
}

// An objective's roll-up says how many of its targets are overdue, as
// its status does not count them.
func TestPapercutRollupSaysOverdue(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "update eds/1.1 20% on-track")
	e.ok(adminUser, "due eds/1.1 2026-11-01")
	if r := e.ok(bob, "show eds/1"); !strings.Contains(r.Text(), "on-track · 2 outcomes · ⏰ 1 overdue, not in the status") {
		t.Errorf("show eds/1 = %q", r.Text())
	}
	if r := e.ok(bob, "show eds/2"); strings.Contains(r.Text(), "overdue") {
		t.Errorf("show eds/2 = %q", r.Text())
	}
}

// An over-long evidence link is called too long, not "not a web link".
func TestPapercutLongEvidenceLink(t *testing.T) {
	e := imported(t)
	long := "https://example.org/" + strings.Repeat("a", framework.MaxURL)
	r := e.fail(bob, "evidence eds/1.1 "+long, framework.EINVALID, "url", "evidence links can be at most 2000")
	if strings.Contains(r.Text(), "not a web link") {
		t.Errorf("evidence of a long link = %q", r.Text())
	}
}

// A new reason for the grade a target has is recorded as a change of
// reason: the reply says the grade stays, history shows it, and the
// report gives the new reason. The same reason, or none, changes nothing.
func TestPapercutRateNewReason(t *testing.T) {
	e := reportEnv(t, Options{InlineReports: true})
	e.ok(adminUser, "rate eds-2022/1A developing no policy yet")
	r := e.ok(adminUser, "rate eds-2022/1A developing policy drafted, not yet approved")
	for _, want := range []string{"changed the reason for the 2026/27 grade of", "the grade stays 🟧 *developing*, for a new reason:", "policy drafted, not yet approved"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("rate with a new reason = %q, want %q", r.Text(), want)
		}
	}
	if r.Ephemeral {
		t.Error("a change of reason is a change: the channel sees it")
	}
	if got := e.target("eds-2022/1A"); got.Rating != framework.Developing {
		t.Errorf("rating after a new reason = %q", got.Rating)
	}
	for _, text := range []string{"rate eds-2022/1A developing policy drafted, not yet approved", "rate eds-2022/1A developing"} {
		e.unchanged(adminUser, text, framework.ECONFLICT, "", "nothing changed: `eds-2022/1A` is already 🟧 developing in this grading cycle")
	}
	hist := e.ok(amy, "history eds-2022/1A").Text()
	if !strings.Contains(hist, "gave a new reason for the grade 🟧 developing in 2026/27") || !strings.Contains(hist, "policy drafted, not yet approved") {
		t.Errorf("history does not show the change of reason:\n%s", hist)
	}
	if md := bot.PlainText(e.ok(amy, "report").Text()); !strings.Contains(md, "policy drafted, not yet approved") || strings.Contains(md, "no policy yet") {
		t.Errorf("the report does not give the new reason:\n%s", md)
	}
}
