package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework/catalog"
)

// reportEnv is an env with the built-in frameworks, EDS 2022 imported
// and three outcomes graded, and the handler's report options set.
func reportEnv(t *testing.T, opts Options) *env {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	opts.Store, opts.Frameworks, opts.Location = e.st, fws, e.h.loc
	opts.Now = func() time.Time { return e.now }
	e.h = New(opts)
	for _, line := range []string{"import eds-2022", "rate eds-2022/1A developing", "rate eds-2022/2B achieving", "rate eds-2022/3C undeveloped", "update eds-2022/1A 40% on-track", "due eds-2022/1B 2026-01-31"} {
		e.ok(adminUser, line)
	}
	return e
}

// Anyone can ask for a report: the summary gives each framework's score
// and band and its counts, privately, and a signed link to the full
// report whose claims name this workspace, the frameworks and the cycle.
func TestReportVerbSummaryAndLink(t *testing.T) {
	var signed report.Link
	e := reportEnv(t, Options{Version: "v9", ReportLink: func(l report.Link) (string, error) {
		signed = l
		return "https://targetbot.example.org/reports/TOKEN", nil
	}})
	r := e.ok(amy, "report")
	text := r.Text()
	for _, want := range []string{
		"Report for 2026/27", "`eds-2022` NHS Equality Delivery System 2022 (EDS 2022)",
		"Score 3 of 33 so far, 🟥 undeveloped (provisional: 8 outcomes ungraded)", "11 outcomes", "🟢 1 on-track", "⚠️ 1 overdue",
		"Grades: 🟥 undeveloped 1 · 🟧 developing 1 · 🟩 achieving 1 · 🟪 excelling 0 · ⬜ unrated 8",
		"Open the full report", "https://targetbot.example.org/reports/TOKEN?format=csv", "until 23 December 2026",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report reply lacks %q:\n%s", want, text)
		}
	}
	if !r.Ephemeral {
		t.Error("a report summary is a query: it answers the asker only")
	}
	if signed.Workspace != testWS || signed.Cycle != "2026/27" || strings.Join(signed.Frameworks, ",") != "eds-2022" || !signed.Expires.Equal(e.now.Add(report.LinkTTL)) {
		t.Errorf("signed %+v", signed)
	}

	// A framework, a cycle, or both; one word with a slash is a cycle.
	e.ok(adminUser, "import eds")
	for _, text := range []string{"report eds-2022", "report 2026/27", "report EDS-2022 2026/27"} {
		if r := e.ok(amy, text); !strings.Contains(r.Text(), "Score 3 of 33") {
			t.Errorf("%q: %s", text, r.Text())
		}
	}
	if r := e.ok(amy, "report eds"); strings.Contains(r.Text(), "eds-2022") || !strings.Contains(r.Text(), "18 outcomes") {
		t.Errorf("report eds: %s", r.Text())
	}
	if strings.Join(signed.Frameworks, ",") != "eds" {
		t.Errorf("report eds signed %v", signed.Frameworks)
	}
	// A closed cycle reports its own grades.
	e.ok(adminUser, "cycle start 2027/28")
	if r := e.ok(amy, "report eds-2022 2026/27"); !strings.Contains(r.Text(), "as it closed on 2026-11-23") || !strings.Contains(r.Text(), "Score 3 of 33") {
		t.Errorf("report of a closed cycle: %s", r.Text())
	}
}

// Without a link function the reply says how to enable links, and the
// console gets the whole report in Markdown instead.
func TestReportVerbWithoutLinks(t *testing.T) {
	e := reportEnv(t, Options{})
	if r := e.ok(amy, "report"); !strings.Contains(r.Text(), "TARGETBOT_PUBLIC_URL and TARGETBOT_LINK_SECRET") || !strings.Contains(r.Text(), "Score 3 of 33") {
		t.Errorf("no links: %s", r.Text())
	}
	e = reportEnv(t, Options{InlineReports: true, Version: "v9"})
	r := e.ok(amy, "report")
	for _, want := range []string{"# Report for grading cycle 2026/27", "## NHS Equality Delivery System 2022 (EDS 2022)", "| 1A |", "**Score: 3 of 33 so far, undeveloped (provisional: 8 outcomes ungraded)**", "by targetbot v9"} {
		if !strings.Contains(bot.PlainText(r.Text()), want) {
			t.Errorf("the console's report lacks %q:\n%s", want, bot.PlainText(r.Text()))
		}
	}
}

// What cannot be reported is said in words, with what would work.
func TestReportVerbErrors(t *testing.T) {
	e := reportEnv(t, Options{})
	e.fail(amy, "report nope", "not found", "framework", "unknown framework `nope`: report on one imported here, `eds-2022`")
	e.fail(amy, "report eds", "not found", "framework", "an admin can run `/target import eds`")
	e.fail(amy, "report eds-2022 2020/21", "invalid", "cycle", "there is no grading cycle `2020/21` here: choose `2026/27`")
	e.fail(amy, "report eds-2022 2026/27 extra", "invalid", "", "name at most a framework, a grading cycle and summary")
	if r := e.in("slack:T9", amy, "report"); r.Code != "not found" || !strings.Contains(r.Text(), "nothing to report yet") {
		t.Errorf("an empty workspace: %s %s", r.Code, r.Text())
	}
}
