package commands

import (
	"github.com/targetbot/targetbot/bot"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

func TestHelp(t *testing.T) {
	e := newEnv(t, testFrameworks())
	for _, text := range []string{"", "/target", "help", "HELP"} {
		r := e.ok(bob, text)
		if r.Command != "help" || !r.Ephemeral {
			t.Errorf("%q: command %q ephemeral %v", text, r.Command, r.Ephemeral)
		}
		for _, v := range verbInfos {
			if !strings.Contains(r.Text(), v.Usage) {
				t.Errorf("%q: help does not list %s", text, v.Name)
			}
		}
	}
	r := e.ok(bob, "help update")
	if !strings.Contains(r.Text(), "/target update eds-2022/1A 40% on-track") || !strings.Contains(r.Text(), "`--`") {
		t.Errorf("help update = %q", r.Text())
	}
	e.fail(bob, "help nope", framework.EINVALID, "", "there is no verb `nope`")
	e.fail(bob, "help a b", framework.EINVALID, "", "/target help [verb]")
}

func TestUnknownVerb(t *testing.T) {
	e := newEnv(t, testFrameworks())
	r := e.fail(bob, "updte eds/1.1 40%", framework.EINVALID, "", "did you mean `/target update`")
	if r.Command != "" {
		t.Errorf("command = %q, want empty", r.Command)
	}
	e.fail(bob, "xyzzy", framework.EINVALID, "", "unknown command `xyzzy`: try `/target help`")
}

func TestNothingImported(t *testing.T) {
	e := newEnv(t, testFrameworks())
	for _, text := range []string{"show 1.1", "update eds/1.1 40%", "list"} {
		r := e.as(bob, text)
		if r.Code != framework.ENOTFOUND || !strings.Contains(r.Text(), "`/target import eds`") || !strings.Contains(r.Text(), "`nhse`") {
			t.Errorf("%q = %s %q", text, r.Code, r.Text())
		}
	}
}

func TestFrameworks(t *testing.T) {
	e := imported(t)
	r := e.ok(bob, "frameworks")
	if !r.Ephemeral || !strings.Contains(r.Text(), "*eds* Equality Delivery System: 2 goals, 3 outcomes; ✅ imported") ||
		!strings.Contains(r.Text(), "`/target import nhse`") || len(r.Blocks) != 2 {
		t.Errorf("frameworks = %q (%d blocks)", r.Text(), len(r.Blocks))
	}
	e.fail(bob, "frameworks eds", framework.EINVALID, "", "/target frameworks")
}

func TestImport(t *testing.T) {
	e := newEnv(t, testFrameworks(), "slack:UOPS", "discord:UBOB")
	e.fail(bob, "import eds", framework.EFORBIDDEN, "", "only an admin can import a framework")
	e.fail(adminUser, "import", framework.EINVALID, "", "/target import <framework-id>")
	e.fail(adminUser, "import nope", framework.ENOTFOUND, "", "unknown framework `nope`: choose one of `eds` or `nhse`")
	r := e.ok("UOPS", "/target IMPORT EDS")
	if r.Ephemeral || !strings.Contains(r.Text(), "imported 3 outcomes under 2 goals") || r.Command != "import" {
		t.Errorf("import = %+v", r)
	}
	r = e.ok(adminUser, "import eds")
	if !strings.Contains(r.Text(), "already imported, nothing added") {
		t.Errorf("second import = %q", r.Text())
	}
	if n := len(e.targets()); n != 3 {
		t.Errorf("%d targets after two imports, want 3", n)
	}
}

func TestAmbiguousRefs(t *testing.T) {
	e := imported(t)
	e.ok(bob, "update 1.1 10%") // one framework: bare code resolves
	e.ok(adminUser, "import nhse")
	e.unchanged(bob, "update 1.1 40%", framework.EINVALID, "target", "`1.1` is ambiguous: use `eds/1.1` or `nhse/1.1`")
	e.ok(bob, "update 5.2 30%")
	e.ok(bob, "update EDS/1.1 20%")
	e.ok(bob, "update nhse/1.1 60%")
	if got := []int{e.target("eds/1.1").Progress, e.target("nhse/5.2").Progress, e.target("nhse/1.1").Progress}; got[0] != 20 || got[1] != 30 || got[2] != 60 {
		t.Errorf("progress = %v", got)
	}
	e.unchanged(bob, "update 9.9 40%", framework.ENOTFOUND, "target", "unknown target `9.9`: try `/target list`")
	e.unchanged(bob, "update eds/9.9 40%", framework.ENOTFOUND, "target", "unknown target `eds/9.9`")
	e.unchanged(bob, "update zzz/1.1 40%", framework.ENOTFOUND, "target", "unknown framework `zzz`")
	e.unchanged(bob, "update eds/ 40%", framework.ENOTFOUND, "target", "`eds/` is a framework, not a single outcome")
}

func TestFrameworkOfferedNotImported(t *testing.T) {
	e := imported(t)
	e.fail(bob, "show nhse/5.2", framework.ENOTFOUND, "target", "an admin can run `/target import nhse`")
}

func TestUpdate(t *testing.T) {
	e := imported(t)
	r := e.ok(amy, "/target update eds/1.1 40% on-track first sessions held")
	if r.Ephemeral || r.Command != "update" {
		t.Errorf("update reply ephemeral %v command %q", r.Ephemeral, r.Command)
	}
	for _, want := range []string{"<@UAMY> updated *eds/1.1*", "▓▓▓▓░░░░░░ 40%", "🟢 on-track", "“first sessions held”"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("update text %q lacks %q", r.Text(), want)
		}
	}
	if len(r.Blocks) != 1 || r.Blocks[0].Colour != view.StatusColour(framework.OnTrack) {
		t.Errorf("blocks = %+v", r.Blocks)
	}
	got := e.target("eds/1.1")
	if got.Progress != 40 || got.Status != framework.OnTrack {
		t.Errorf("target = %+v", got)
	}
	e.ok(amy, "update eds/1.1 -- 50%  of staff trained")
	us, _ := e.st.Updates(t.Context(), testWS, "eds/1.1", 1)
	if len(us) != 1 || us[0].Note != "50%  of staff trained" || us[0].Progress != 40 {
		t.Errorf("verbatim note update = %+v", us)
	}
	e.ok(amy, "update 1.2 done")
	if got := e.target("eds/1.2"); got.Progress != 100 || got.Status != framework.Done {
		t.Errorf("done target = %+v", got)
	}
	e.ok(amy, "update eds/2.1 35")
	if got := e.target("eds/2.1"); got.Progress != 35 {
		t.Errorf("bare number progress = %+v", got)
	}
}

func TestUpdateErrorsChangeNothing(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "update eds/1.1 20% on-track")
	tests := []struct{ text, code, field, want string }{
		{"update nope 40%", framework.ENOTFOUND, "target", "unknown target `nope`: try `/target list`"},
		{"update eds/1.1 140%", framework.EINVALID, "progress", "whole number from 0 to 100"},
		{"update eds/1.1 40.5%", framework.EINVALID, "progress", "`40.5%`"},
		{"update eds/1.1", framework.EINVALID, "", "say what changed"},
		{"update", framework.EINVALID, "target", "/target update <target>"},
		{"update eds/1.1 40% done", framework.EINVALID, "progress", "a done target is 100%"},
		{"rate eds/1.1 brilliant", framework.EINVALID, "rating", "`brilliant` is not a grade: use undeveloped, developing, achieving or excelling"},
		{"rate eds/1.1", framework.EINVALID, "rating", "/target rate <target>"},
		{"due eds/1.1 31-12-2026", framework.EINVALID, "due", "use YYYY-MM-DD"},
		{"due eds/1.1", framework.EINVALID, "due", "/target due <target>"},
		{"assign eds/1.1 amy", framework.EINVALID, "owner", "mention them, like `@amy`"},
		{"assign eds/1.1", framework.EINVALID, "owner", "/target assign <target>"},
		{"snooze eds/1.1 2026-11-01", framework.EINVALID, "until", "is not in the future"},
		{"snooze eds/1.1 soon", framework.EINVALID, "until", "use days like `7d`"},
		{"snooze eds/1.1", framework.EINVALID, "until", "/target snooze <target>"},
		{"add eds/9 9.1 New thing", framework.ENOTFOUND, "objective", "unknown objective `eds/9`"},
		{"add eds/1 1.1 Duplicate", framework.ECONFLICT, "code", "`eds/1.1` exists already"},
		{"add eds/1 a/b Slash", framework.EINVALID, "code", "is not a valid code"},
		{"add eds/1 1.9", framework.EINVALID, "", "/target add <objective> <code> <title…>"},
		{"history eds/1.1 lots", framework.EINVALID, "n", "give a whole number from 1 to 1000, or `all`"},
		{"history eds/1.1 1001", framework.EINVALID, "n", "give a whole number from 1 to 1000, or `all`"},
		{"history eds/1.1 5 all", framework.EINVALID, "target", "/target history <target> [n|all]"},
		{"rate eds/1.1 achieving " + strings.Repeat("why ", 60), framework.EINVALID, "reason", "keep it to 200"},
		{"edit eds/1.1", framework.EINVALID, "title", "/target edit <target> <title…>"},
		{"edit eds/1.1 " + strings.Repeat("t", 201), framework.EINVALID, "title", "keep it to 200"},
		{"edit eds/9.9 New title", framework.ENOTFOUND, "target", "unknown target `eds/9.9`"},
		{"archive", framework.EINVALID, "target", "/target archive <target>"},
		{"archive eds/1.1 eds/1.2", framework.EINVALID, "target", "/target archive <target>"},
		{"restore eds/1.1", framework.ECONFLICT, "", "nothing changed: `eds/1.1` is not archived"},
		{"evidence eds/1.1", framework.EINVALID, "url", "/target evidence <target> <url> [title…]"},
		{"evidence eds/1.1 www.example.org", framework.EINVALID, "url", "`www.example.org` is not a web link"},
		{"evidence eds/1.1 javascript:alert(1)", framework.EINVALID, "url", "is not a web link"},
		{"evidence eds/1.1 ftp://example.org/x", framework.EINVALID, "url", "is not a web link"},
		{"evidence eds/9.9 https://example.org", framework.ENOTFOUND, "target", "unknown target `eds/9.9`"},
		{"cycle 2027/28", framework.EINVALID, "", "say `cycle` to see the grading cycle"},
		{"cycle start", framework.EINVALID, "cycle", "name the cycle to start after its financial year"},
		{"cycle start 2027-28", framework.EINVALID, "cycle", "`2027-28` is not a cycle name"},
		{"cycle start 2027/29", framework.EINVALID, "cycle", "`2027/29` is not a cycle name"},
		{"cycle start 2026/27", framework.ECONFLICT, "cycle", "cycle `2026/27` has been used already"},
		{"cycle start 2025/26", framework.EINVALID, "cycle", "`2025/26` comes before the current cycle, `2026/27`"},
		{"cycle start 2027/28 now", framework.EINVALID, "", "cycle takes `start` and one name"},
		{"cycle start 2098/99", framework.EINVALID, "cycle", "`2098/99` is more than a year ahead: start `2027/28` or an earlier cycle"},
		{"show", framework.EINVALID, "target", "/target show <target>"},
		{"list nope", framework.EINVALID, "objective", "unknown objective `nope`"},
		{"list a b", framework.EINVALID, "", "/target list"},
		{"undo now", framework.EINVALID, "", "undo takes no arguments"},
		{"digest", framework.EINVALID, "", "say `here`, `off` or `now`"},
		{"digest off please", framework.EINVALID, "", "takes nothing after it"},
		{"digest here 0 9 * *", framework.EINVALID, "cron", "is not a schedule"},
		{"timezone Mars/Base", framework.EINVALID, "timezone", "is not a time zone"},
		{"reminders 99 9 * * *", framework.EINVALID, "cron", "is not a schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e.t = t
			e.unchanged(adminUser, tt.text, tt.code, tt.field, tt.want)
		})
	}
	w, _ := e.st.Workspace(t.Context(), testWS)
	subs, _ := e.st.Subscriptions(t.Context(), testWS)
	if w.Timezone != "" || w.ReminderSpec != "" || len(subs) != 0 {
		t.Errorf("failed commands changed settings: %+v %+v", w, subs)
	}
}

// Help shows each verb's summary as written: a cron spec's asterisks are
// text, not bold.
func TestHelpSummariesAreText(t *testing.T) {
	e := imported(t)
	for _, text := range []string{"help", "help digest"} {
		r := e.ok(bob, text)
		if !strings.Contains(bot.PlainText(r.Text()), `0 9 * * MON`) {
			t.Errorf("%s loses the cron spec's asterisks: %s", text, bot.PlainText(r.Text()))
		}
	}
}

// Examples' dates are filled in from the clock, so none goes stale.
func TestExamplesAt(t *testing.T) {
	due, _ := LookupVerb("due")
	snooze, _ := LookupVerb("snooze")
	cycle, _ := LookupVerb("cycle")
	for now, want := range map[time.Time][]string{
		time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC): {"due eds-2022/1A 2027-03-31", "snooze eds-2022/1A 2026-12-28", "cycle start 2027/28"},
		time.Date(2027, 2, 10, 9, 0, 0, 0, time.UTC):  {"due eds-2022/1A 2027-03-31", "snooze eds-2022/1A 2027-03-10", "cycle start 2027/28"},
	} {
		got := []string{due.ExamplesAt(now)[0], snooze.ExamplesAt(now)[2], cycle.ExamplesAt(now)[1]}
		if !slices.Equal(got, want) {
			t.Errorf("at %s: %q, want %q", now.Format("2006-01-02"), got, want)
		}
	}
}
