package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report/reporttest"
)

// reportSeed is the console session the report tests, and the README's
// Reports section, run before `targetbot report`.
const reportSeed = "import eds-2022\nassign eds-2022/1A @amy\ndue eds-2022/1A 2027-03-31\nupdate eds-2022/1A 40% on-track Two listening events held\n" +
	"rate eds-2022/1A developing engagement started, no audit yet\nevidence eds-2022/1A https://example.org/eds/listening-events.pdf Listening events summary\n" +
	"rate eds-2022/2A achieving\nrate eds-2022/3A undeveloped\n"

// runReportCmd runs `targetbot report args…` on a store and returns what
// it printed and its error.
func runReportCmd(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	m, out, _ := testMain(t, url, "")
	err := m.Run(context.Background(), append([]string{"report"}, args...))
	if cerr := m.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return out.String(), err
}

// The done-when of reports: on a seeded console store, `targetbot report`
// prints Markdown, writes an HTML page with the domains, outcomes,
// grades, score and band, evidence links and charts, and gives CSV and
// JSON.
func TestReportCommand(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, reportSeed)

	md, err := runReportCmd(t, url, "--framework", "eds-2022")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, md, "# Report for grading cycle 2026/27", "### Domain 1: Commissioned or provided services",
		"| 1A | Patients (service users) have required levels of access to the service | @amy | on-track | 40% | 2027-03-31 | developing | 1 |",
		"[Listening events summary](https://example.org/eds/listening-events.pdf)", "**Score: 3 of 33 so far, undeveloped (provisional: 8 outcomes ungraded)**",
		"- **Generated:** 2026-11-23 08:00 GMT by targetbot dev")

	file := filepath.Join(t.TempDir(), "r.html")
	said, err := runReportCmd(t, url, "--framework", "eds-2022", "--format", "html", "--out", file)
	if err != nil || !strings.HasPrefix(said, "wrote "+file) {
		t.Fatalf("--out: %v %q", err, said)
	}
	page, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(page), `<html lang="en-GB">`, "Domain 2: Workforce health and well-being", "2A", "Score: 3 of 33 so far, undeveloped",
		`<a href="https://example.org/eds/listening-events.pdf"`, `<svg role="img"`, "<title id=", "<desc id=", "Achieving")
	if n := regexp.MustCompile(`<script|<link rel="stylesheet"|<img |@import|url\(`).FindAllString(string(page), -1); len(n) > 0 {
		t.Errorf("the HTML report loads or runs something: %v", n)
	}
	// Chromium renders the file, it loads nothing, and axe finds nothing.
	p := reporttest.Open(t, page)
	mustContain(t, p.Text, "Domain 1: Commissioned or provided services", "Patients (service users) have required levels of access to the service",
		"Developing", "Achieving", "Undeveloped", "Score: 3 of 33 so far, undeveloped (provisional: 8 outcomes ungraded)", "Listening events summary", "Progress over time")
	if p.Charts != 4 || p.Titled != 4 || len(p.Links) != 1 {
		t.Errorf("%d charts (%d titled), links %v: want the grade chart and one per domain, and the evidence link", p.Charts, p.Titled, p.Links)
	}
	if len(p.Requests) != 1 || len(p.Served) != 1 {
		t.Errorf("the page made requests: %v", p.Requests)
	}
	for _, v := range p.Violations {
		t.Errorf("axe: %s (%s)\n  %s", v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}

	csv, err := runReportCmd(t, url, "--format", "csv")
	if err != nil || !strings.HasPrefix(csv, "\ufeffframework,cycle,") || !strings.Contains(csv, "eds-2022/1A") {
		t.Errorf("csv: %v %.200q", err, csv)
	}
	js, err := runReportCmd(t, url, "--format", "json", "--cycle", "2026/27", "--workspace", "local")
	if err != nil || !strings.Contains(js, `"targetbot_report": 1`) {
		t.Errorf("json: %v %.200q", err, js)
	}
}

// Anything `targetbot report` cannot report on is one line and an error
// (main exits 1), before it prints any report.
func TestReportCommandErrors(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, "import eds-2022\ntimezone Europe/Paris\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--workspace", "slack:T9"}, `report: workspace "slack:T9" has stored nothing in bolt:`},
		{[]string{"--framework", "nope"}, `report: --framework "nope" is not a framework: workspace local has imported eds-2022`},
		{[]string{"--framework", "eds"}, `report: framework "eds" is not imported in workspace local, which has imported eds-2022`},
		{[]string{"--cycle", "2020/21"}, `report: --cycle "2020/21" is not a grading cycle of workspace local: its cycles are 2026/27 (current)`},
		{[]string{"--cycle", "last year"}, `is not a grading cycle`},
		{[]string{"--format", "xls"}, `report: --format "xls" is not a format: use md, html, csv, json or xlsx`},
		{[]string{"extra"}, `report: unexpected argument "extra"`},
		{[]string{"--bogus"}, `report: unknown flag --bogus`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := runReportCmd(t, url, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line containing %q", err, tt.want)
			}
			if out != "" {
				t.Errorf("printed %q as well", out)
			}
		})
	}
}

// The README shows the start of a report. It cannot be a console example
// (those are chat sessions), so this test runs its two commands and
// checks the excerpt is what the report begins with.
func TestREADMEReportExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```sh\n\\$ printf '([^']*)' \\| USER=sam go run ./cmd/targetbot\n\\$ go run ./cmd/targetbot report ([^\n]*)\n```\n\n.*?```markdown\n(.*?)```").FindStringSubmatch(string(readme))
	if m == nil {
		t.Fatal("the README's Reports section has no report example: a ```sh block of printf … | USER=sam go run ./cmd/targetbot and go run ./cmd/targetbot report …, then a ```markdown excerpt")
	}
	script := strings.NewReplacer(`\n`, "\n", "%%", "%").Replace(m[1])
	if script != reportSeed {
		t.Errorf("the README seeds with %q; the tests with %q", script, reportSeed)
	}
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, script)
	got, err := runReportCmd(t, url, strings.Fields(m[2])...)
	if err != nil {
		t.Fatal(err)
	}
	if excerpt := m[3]; !strings.HasPrefix(got, excerpt) {
		t.Errorf("the report begins:\n%s\nthe README's excerpt says:\n%s", got[:min(len(got), len(excerpt)+200)], excerpt)
	}
}

// `targetbot report --template summary` writes the EDS 2022 summary, in
// Markdown, HTML (to publish: no noindex) and xlsx; an unknown template
// is one line.
func TestReportSummaryTemplate(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	runConsole(t, url, reportSeed)
	out, err := runReportCmd(t, url, "--template", "summary")
	if err != nil || !strings.Contains(out, "## EDS Rating and Score Card") || !strings.Contains(out, "engagement started, no audit yet") {
		t.Fatalf("err %v, summary:\n%s", err, out)
	}
	for _, format := range []string{"html", "xlsx"} {
		file := filepath.Join(t.TempDir(), "summary."+format)
		out, err := runReportCmd(t, url, "--template", "summary", "--format", format, "--out", file)
		if err != nil || !strings.Contains(out, "EDS summary of eds-2022") {
			t.Fatalf("%s: err %v, printed %q", format, err, out)
		}
		b, err := os.ReadFile(file)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", format, err)
		}
		if format == "html" && (strings.Contains(string(b), "noindex") || !strings.Contains(string(b), "Third-party involvement in Domain 3")) {
			t.Errorf("the HTML summary carries noindex or lacks a section")
		}
	}
	if _, err := runReportCmd(t, url, "--template", "board"); err == nil || !strings.Contains(err.Error(), `--template "board" is not a template`) {
		t.Errorf("--template board: %v", err)
	}
}

// Done when, in the console: fill the profile and the cycle's record,
// backfill last year, grade all 11 outcomes with reasons and evidence,
// and publish-check says nothing blocks; the summary then shows last
// year's rating beside this year's.
func TestConsolePublishCheckNothingBlocks(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	script := "import eds-2022\norg name Northtown NHS Trust\norg ics Northtown ICS\norg lead Amy Khan\norg sponsor Dr Sam Lee\norg level organisation\n" +
		"cycle engagement 2026-10-01 1 2 Listening event with the patients' panel\ncycle stakeholder trade-union 3 Unison branch\n" +
		"cycle sign-off 2026-11-20 Trust board\ncycle backfill 2025/26\n"
	for _, code := range []string{"1A", "1B", "1C", "1D", "2A", "2B", "2C", "2D", "3A", "3B", "3C"} {
		script += "rate eds-2022/" + code + " developing in 2025/26 as published\n" +
			"rate eds-2022/" + code + " achieving agreed with the staff networks\n" +
			"evidence eds-2022/" + code + " https://northtown.nhs.uk/eds/" + code + ".pdf Panel minutes\n"
	}
	script += "publish-check\n"
	out := runConsole(t, url, script)
	if !strings.Contains(out, "Nothing blocks publishing the 2026/27 summary of eds-2022") {
		t.Fatalf("publish-check does not say nothing blocks:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "summary.html")
	if _, err := runReportCmd(t, url, "--template", "summary", "--format", "html", "--out", file); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Northtown NHS Trust", "Rating in 2025/26", "1 / Developing", "2 / Achieving", "Unison branch", "2026-11-20, by Trust board"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
}
