package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// events is the target's event log, newest first.
func (e *env) events(ref string) []framework.Event {
	e.t.Helper()
	es, err := e.st.Events(context.Background(), testWS, ref, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// Every change reaches the target's history with who made it and when:
// after assign, due, rate and the rest, history no longer says there is
// nothing to show.
func TestChangesAreRecorded(t *testing.T) {
	e := imported(t)
	steps := []struct{ user, text, line string }{
		{adminUser, "assign eds/1.1 @amy", "<@UADMIN> assigned <@amy> (was unassigned)"},
		{amy, "due eds/1.1 2026-12-31", "<@amy> set the due date to 2026-12-31 (was none)"},
		{amy, "rate eds/1.1 developing no policy yet", "<@amy> rated 🟧 developing in 2026/27 “no policy yet”"},
		{amy, "snooze eds/1.1 2w waiting for the survey", "<@amy> snoozed reminders until 2026-12-07 “waiting for the survey”"},
		{bob, "evidence eds/1.1 https://example.org/survey.pdf Staff survey", "<@UBOB> attached evidence: Staff survey (<https://example.org/survey.pdf>)"},
		{adminUser, "edit eds/1.1 Patients have the access they need", "<@UADMIN> retitled it “Patients have the access they need” (was “Patients have required levels of access”)"},
		{amy, "update eds/1.1 20% on-track", "<@amy>: 0% → 20%, 🟢 on-track"},
		{adminUser, "due eds/1.1 none", "<@UADMIN> cleared the due date (was 2026-12-31)"},
		{adminUser, "archive eds/1.1", "<@UADMIN> archived it"},
		{adminUser, "restore eds/1.1", "<@UADMIN> restored it"},
		{adminUser, "assign eds/1.1 none", "<@UADMIN> unassigned <@amy>"},
	}
	for i, s := range steps {
		e.now = e.now.Add(time.Minute)
		user := s.user
		if user == amy {
			user = "amy" // the owner, as assigned by mention
		}
		r := e.ok(user, s.text)
		if r.Ephemeral {
			t.Errorf("%q is not announced: %+v", s.text, r)
		}
		h := e.ok(bob, "history eds/1.1 all").Text()
		want := e.now.In(e.h.loc).Format("2006-01-02 15:04") + " " + s.line
		if !strings.Contains(h, "• "+want) {
			t.Fatalf("after %q history lacks %q:\n%s", s.text, want, h)
		}
		if strings.Contains(h, "no history yet") || strings.Count(h, "\n• ") != i+1 {
			t.Fatalf("after %d changes history = %s", i+1, h)
		}
	}
	h := e.ok(bob, "history eds/1.1 all").Text()
	if i, j := strings.Index(h, "unassigned <@amy>"), strings.Index(h, "assigned <@amy> (was unassigned)"); i < 0 || i > j {
		t.Errorf("history is not newest first:\n%s", h)
	}
}

// A change that changes nothing is refused, privately, in words that say
// what the target already is, and nothing is recorded.
func TestNoChangeIsRefusedPrivately(t *testing.T) {
	e := imported(t)
	for _, setup := range []string{"update eds/1.1 40% on-track", "assign eds/1.1 @amy", "due eds/1.1 2026-12-31", "rate eds/1.1 achieving", "snooze eds/1.1 2026-12-01 survey", "evidence eds/1.1 https://example.org/a"} {
		e.ok(adminUser, setup)
	}
	before := len(e.events("eds/1.1"))
	us, _ := e.st.Updates(context.Background(), testWS, "eds/1.1", 0)
	for _, tt := range []struct{ text, want string }{
		{"update eds/1.1 40% on-track", "nothing changed: `eds/1.1` is already on-track at 40%"},
		{"update eds/1.1 on-track", "nothing changed: `eds/1.1` is already on-track"},
		{"update eds/1.1 40%", "nothing changed: `eds/1.1` is already on-track at 40%"},
		{"assign eds/1.1 @amy", "nothing changed: `eds/1.1` is already assigned to <@amy>"},
		{"assign eds/1.2 none", "nothing changed: `eds/1.2` is already unassigned"},
		{"due eds/1.1 2026-12-31", "nothing changed: `eds/1.1` is already due 2026-12-31"},
		{"due eds/1.2 none", "nothing changed: `eds/1.2` already has no due date"},
		{"rate eds/1.1 achieving", "nothing changed: `eds/1.1` is already 🟩 achieving in this grading cycle"},
		{"rate eds/1.2 none", "nothing changed: `eds/1.2` is already ⬜ unrated in this grading cycle"},
		{"snooze eds/1.1 2026-12-01 survey", "nothing changed: reminders for `eds/1.1` are already snoozed until 2026-12-01"},
		{"snooze eds/1.2 off", "nothing changed: reminders for `eds/1.2` are not snoozed"},
		{"edit eds/1.1 Patients have required levels of access", "nothing changed: `eds/1.1` already has that title"},
		{"restore eds/1.1", "nothing changed: `eds/1.1` is not archived"},
		{"evidence eds/1.1 https://example.org/a Again", "nothing changed: <https://example.org/a> is already evidence for `eds/1.1`"},
	} {
		e.unchanged(adminUser, tt.text, framework.ECONFLICT, "", tt.want)
	}
	e.ok(adminUser, "archive eds/1.2")
	e.unchanged(adminUser, "archive eds/1.2", framework.ECONFLICT, "", "nothing changed: `eds/1.2` is already archived")
	if n := len(e.events("eds/1.1")); n != before {
		t.Errorf("refused changes recorded %d events", n-before)
	}
	if after, _ := e.st.Updates(context.Background(), testWS, "eds/1.1", 0); len(after) != len(us) {
		t.Errorf("refused updates recorded %d updates", len(after)-len(us))
	}
	// A note alone is news, and a changed reason is a change.
	e.ok(adminUser, "update eds/1.1 still on track, survey out")
	e.ok(adminUser, "snooze eds/1.1 2026-12-01 survey delayed")
}

// An archived target leaves lists, digests' counts, roll-ups and scores,
// takes no change but restore, and keeps its history; restore brings it
// back whole.
func TestArchiveAndRestore(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "add eds/2 2.9 Staff netwrks meet monthy")
	e.ok(adminUser, "assign eds/2.9 @amy")
	e.ok(adminUser, "due eds/2.9 2026-11-01")
	e.ok(adminUser, "update eds/2.9 10% off-track")
	e.fail(amy, "archive eds/2.9", framework.EFORBIDDEN, "", "only an admin can archive targets")
	r := e.ok(adminUser, "archive eds/2.9")
	if r.Ephemeral || !strings.Contains(r.Text(), "archived *eds/2.9*") || !strings.Contains(r.Text(), "`/target restore eds/2.9`") {
		t.Errorf("archive = %q", r.Text())
	}
	for _, text := range []string{"list", "list eds", "list eds/2", "list overdue", "list at-risk", "list @amy"} {
		if r := e.as(bob, text); strings.Contains(r.Text(), "eds/2.9") {
			t.Errorf("%s still lists the archived target: %s", text, r.Text())
		}
	}
	if r := e.ok(bob, "list eds/2"); !strings.Contains(r.Text(), "░░░░░░░░░░ 0%") {
		t.Errorf("the roll-up still counts the archived target's 10%%: %s", r.Text())
	}
	r = e.ok(bob, "show eds/2")
	if !strings.Contains(r.Text(), "Archived (1)") || !strings.Contains(r.Text(), "`eds/2.9` Staff netwrks meet monthy") {
		t.Errorf("show objective does not list the archived target apart: %s", r.Text())
	}
	r = e.ok(bob, "show eds/2.9")
	if !strings.Contains(r.Text(), "(archived)") || len(r.Blocks[len(r.Blocks)-1].Buttons) != 0 {
		t.Errorf("show archived = %+v", r)
	}
	if h := e.ok(bob, "history eds/2.9").Text(); !strings.Contains(h, "archived it") || !strings.Contains(h, "10%") || !strings.Contains(h, ", archived") {
		t.Errorf("history of an archived target = %s", h)
	}
	for _, text := range []string{"update eds/2.9 20%", "due eds/2.9 2027-01-01", "rate eds/2.9 achieving", "assign eds/2.9 @bob", "snooze eds/2.9 7d", "edit eds/2.9 Fixed", "evidence eds/2.9 https://example.org/x"} {
		e.unchanged(adminUser, text, framework.ECONFLICT, "target", "`eds/2.9` is archived: an admin can bring it back with `/target restore eds/2.9`")
	}
	e.unchanged(adminUser, "add eds/2 2.9 Again", framework.ECONFLICT, "code", "`eds/2.9` exists already, archived: an admin can bring it back with `/target restore eds/2.9`")
	if cs := e.h.Complete(context.Background(), testWS, "eds/2.9", 5); len(cs) != 1 || !strings.Contains(cs[0].Label, "(archived)") {
		t.Errorf("complete = %+v, want the archived target marked", cs)
	}
	e.ok(adminUser, "restore eds/2.9")
	if r := e.ok(bob, "list overdue"); !strings.Contains(r.Text(), "eds/2.9") {
		t.Errorf("restored target is not overdue again: %s", r.Text())
	}
	e.ok(amy, "update 2.9 20%")
}

// show takes an objective too: its narrative, roll-up and targets, in the
// framework's own words.
func TestShowObjective(t *testing.T) {
	fws := testFrameworks()
	fws[0].Objectives[0].Text = "Services meet  the needs\nof *all* patients"
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds")
	e.ok(adminUser, "import nhse")
	e.ok(amy, "update eds/1.2 50% at-risk")
	r := e.ok(bob, "show eds/1")
	if !r.Ephemeral || len(r.Blocks) != 2 {
		t.Fatalf("show eds/1 = %+v", r)
	}
	head := r.Blocks[0]
	if head.Title != "Goal eds/1 Commissioned or provided services" || !strings.Contains(head.Text, "Services meet the needs of \\*all\\* patients") ||
		!strings.Contains(head.Text, "▓▓▓░░░░░░░ 25% · 🟠 at-risk · 2 outcomes") {
		t.Errorf("objective head = %+v", head)
	}
	if r.Blocks[1].Title != "Outcomes" || !strings.Contains(r.Blocks[1].Text, "`eds/1.1`") || !strings.Contains(r.Blocks[1].Text, "`eds/1.2`") {
		t.Errorf("objective targets = %+v", r.Blocks[1])
	}
	if r := e.ok(bob, "show nhse/5"); r.Blocks[0].Title != "Objective nhse/5 Recruitment" {
		t.Errorf("show nhse/5 = %+v", r.Blocks[0])
	}
	e.fail(bob, "show 1", framework.EINVALID, "objective", "`1` is ambiguous: use `eds/1` or `nhse/1`")
	e.fail(bob, "show eds/9", framework.ENOTFOUND, "target", "unknown target `eds/9`")
	if r := e.ok(bob, "show 5"); !strings.Contains(r.Blocks[0].Title, "nhse/5") {
		t.Errorf("a bare objective code = %+v", r.Blocks[0])
	}
	// A target and its show use the objective's label too.
	if r := e.ok(bob, "show eds/1.1"); r.Blocks[0].Fields[0].Name != "Goal" {
		t.Errorf("show target's objective field = %+v", r.Blocks[0].Fields[0])
	}
}

// cycle shows the grading cycle; cycle start closes it and opens the
// next, and grades show beside the previous cycle's.
func TestCycle(t *testing.T) {
	e := imported(t)
	r := e.ok(bob, "cycle")
	if !r.Ephemeral || !strings.Contains(r.Text(), "Grades now belong to cycle *2026/27*, started 23 Nov 2026") || !strings.Contains(r.Text(), "`/target cycle start 2027/28`") {
		t.Errorf("cycle = %q", r.Text())
	}
	e.ok(adminUser, "rate eds/1.1 developing no policy yet")
	e.ok(adminUser, "rate eds/1.2 excelling")
	e.unchanged(bob, "cycle start 2027/28", framework.EFORBIDDEN, "", "only an admin can start a grading cycle")
	e.now = e.now.AddDate(0, 5, 0)
	r = e.ok(adminUser, "cycle start 2027/28")
	if r.Ephemeral || !strings.Contains(r.Text(), "closed grading cycle *2026/27*, keeping its 2 grades, and started *2027/28*") {
		t.Errorf("cycle start = %q", r.Text())
	}
	if got := e.target("eds/1.1"); got.Rating != "" || got.Grades["2026/27"] != framework.Developing {
		t.Errorf("eds/1.1 after cycle start = %+v", got)
	}
	r = e.ok(adminUser, "rate eds/1.1 achieving policy published")
	if !strings.Contains(r.Text(), "rated 🟩 *achieving* (2027/28)") || !strings.Contains(r.Text(), "“policy published”") {
		t.Errorf("rate = %q", r.Text())
	}
	show := e.ok(bob, "show eds/1.1").Text()
	if !strings.Contains(show, "🟩 achieving (2027/28) · was 🟧 developing (2026/27)") {
		t.Errorf("show lacks the grade beside the previous one: %s", show)
	}
	if list := e.ok(bob, "list eds/1").Text(); !strings.Contains(list, "🟩 achieving (2027/28) · was 🟧 developing (2026/27)") || !strings.Contains(list, "⬜ unrated (2027/28) · was 🟪 excelling (2026/27)") {
		t.Errorf("list lacks grades beside the previous ones: %s", list)
	}
	h := e.ok(bob, "history eds/1.1").Text()
	if !strings.Contains(h, "rated 🟩 achieving in 2027/28 “policy published”") || !strings.Contains(h, "rated 🟧 developing in 2026/27 “no policy yet”") {
		t.Errorf("history lacks both grades with their reasons: %s", h)
	}
	r = e.ok(bob, "cycle")
	if !strings.Contains(r.Text(), "cycle *2027/28*, started 23 Apr 2027") || !strings.Contains(r.Text(), "• 2026/27: 23 Nov 2026 to 23 Apr 2027") {
		t.Errorf("cycle after a start = %q", r.Text())
	}
}

// evidence takes http and https links from anyone; show lists them.
func TestEvidenceVerb(t *testing.T) {
	e := imported(t)
	r := e.ok(bob, "evidence eds/1.1 https://example.org/board/2026-11.pdf November board paper")
	if r.Ephemeral || !strings.Contains(r.Text(), "<@UBOB> attached evidence to *eds/1.1*") || !strings.Contains(r.Text(), "November board paper (<https://example.org/board/2026-11.pdf>)") {
		t.Errorf("evidence = %q", r.Text())
	}
	e.ok(amy, "evidence 1.1 https://example.org/équité?q=a|b")
	show := e.ok(bob, "show eds/1.1")
	ev := show.Blocks[1]
	if !strings.HasPrefix(ev.Text, "*Evidence (2)*") || !strings.Contains(ev.Text, "November board paper (<https://example.org/board/2026-11.pdf>) · <@UBOB>, 2026-11-23") ||
		!strings.Contains(ev.Text, "<https://example.org/%C3%A9quit%C3%A9?q=a%7Cb> · <@UAMY>") {
		t.Errorf("show's evidence = %+v", ev)
	}
	e.unchanged(bob, "evidence eds/1.1 https://example.org/x *"+strings.Repeat("t", 200), framework.EINVALID, "title", "keep it to 200")
	evs, _ := e.st.Evidence(context.Background(), testWS, "")
	if len(evs) != 2 {
		t.Errorf("workspace evidence = %+v", evs)
	}
}

// Each framework's words name its objectives and targets.
func TestLabels(t *testing.T) {
	e := imported(t)
	if r := e.ok(bob, "list"); r.Blocks[0].Title != "All outcomes (3)" {
		t.Errorf("list = %q", r.Blocks[0].Title)
	}
	if r := e.ok(bob, "list eds/2"); r.Blocks[0].Title != "Outcomes of eds/2 (1)" {
		t.Errorf("list eds/2 = %q", r.Blocks[0].Title)
	}
	e.ok(adminUser, "import nhse")
	if r := e.ok(bob, "list"); r.Blocks[0].Title != "All targets (5)" {
		t.Errorf("list over frameworks with other words = %q", r.Blocks[0].Title)
	}
	if r := e.ok(bob, "list nhse"); r.Blocks[0].Title != "Targets of nhse (2)" {
		t.Errorf("list nhse = %q", r.Blocks[0].Title)
	}
	if r := e.ok(bob, "help"); !strings.Contains(r.Text(), "`eds` has goals and outcomes") || strings.Contains(r.Text(), "`nhse` has") {
		t.Errorf("help does not give the frameworks' words: %s", r.Text())
	}
	if r := e.ok(adminUser, "add eds/2 2.9 Custom"); !strings.Contains(r.Text(), "added the custom outcome") {
		t.Errorf("add = %q", r.Text())
	}
}

// Whatever link is pasted, the evidence kept is either refused or shown
// as itself: escaping keeps it one link on every platform.
func FuzzEvidenceURL(f *testing.F) {
	for _, s := range []string{"https://example.org/a.pdf", "https://example.org/équité?q=a|b", "http://x/<@U1>", "https://a.b/c.", "javascript:alert(1)", "https://"} {
		f.Add(s, "title")
	}
	f.Fuzz(func(t *testing.T, raw, title string) {
		url := escapeURL(raw)
		if !framework.ValidURL(url) {
			return
		}
		for _, r := range url {
			if r > 0x7e || r <= ' ' {
				t.Fatalf("escapeURL(%q) = %q keeps %q", raw, url, r)
			}
		}
		got := bot.PlainText(view.EvidenceLink(url, ""))
		if got != url {
			t.Fatalf("evidence %q shows as %q", url, got)
		}
		for _, sp := range bot.Parse(view.EvidenceLink(url, title)) {
			if sp.Kind == bot.SpanUser || sp.Kind == bot.SpanLink && (sp.URL != url || sp.Text != sp.URL) {
				t.Fatalf("evidence %q titled %q renders %+v", url, title, sp)
			}
		}
	})
}
