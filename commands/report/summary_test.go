package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

// summaryReport is the seeded workspace's EDS 2022 summary, with an
// organisation profile, a cycle record and people's names filled in as
// the store would give them.
func summaryReport(t *testing.T) *report.Report {
	t.Helper()
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws, Template: report.SummaryTemplate}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	r.Publication = &report.Publication{
		Organisation: framework.Organisation{Name: "Northtown NHS Trust", ICS: "Northtown ICS", Lead: "Amy Khan", Sponsor: "Dr Sam Lee", Level: framework.LevelOrganisation},
		Record: framework.CycleRecord{Cycle: "2026/27",
			Engagements: []framework.Engagement{{Date: "2026-10-01", Domains: []string{"1", "2"}, Note: "Listening event with patients' panel", By: "sam", At: at}},
			Stakeholders: []framework.Stakeholder{
				{Category: framework.TradeUnion, Domains: []string{"3"}, Name: "Unison branch", By: "sam", At: at},
				{Category: framework.PeerReviewer, Domains: []string{"3"}, Name: "Southvale Trust <EDI team>", By: "sam", At: at},
				{Category: framework.Patients, Domains: []string{"1"}, Name: "Patients' panel", By: "sam", At: at},
			},
			SignOff: &framework.SignOff{Date: "2026-11-20", By: "Trust board", Recorder: "sam", At: at}, Published: "2026-11-22"},
		People: map[string]framework.Person{"amy": {User: "amy", Name: "Amy Khan", Role: "EDI lead"}},
	}
	return r
}

// The summary lays the framework out section by section as the EDS 2022
// template does, with last cycle's rating beside this one's.
func TestSummaryMarkdown(t *testing.T) {
	r := summaryReport(t)
	var b bytes.Buffer
	if err := r.Render(&b, report.Markdown); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	last := -1
	for _, want := range []string{
		"# EDS 2022 summary report 2026/27: Northtown NHS Trust",
		"## NHS Equality Delivery System (EDS)", "| Organisation name | Northtown NHS Trust |", "| Name of Integrated Care System | Northtown ICS |",
		"## The 2026/27 review", "| Date authorised | 2026-11-20, by Trust board |", "| Month and year published | November 2026 (2026-11-22) |",
		"Listening event with patients' panel",
		"## Completed actions from 2025/26", "None recorded.",
		"## EDS Rating and Score Card", "| Developing | 1 | 8 to 21 |", "| Excelling | 3 | 33 |",
		"## Domain 1: Commissioned or provided services", "| Outcome | Evidence | Rating | Owner (name and role) | Rating in 2025/26 |",
		"Amy Khan, EDI lead", "Domain 1 rating:",
		"## Domain 3: Inclusive leadership",
		"## Third-party involvement in Domain 3", "| Trade union representatives | Unison branch |", "Southvale Trust \\<EDI team>",
		"## EDS organisation rating", "| 2026/27 |", "| 2025/26 |",
		"## Action plan",
	} {
		i := strings.Index(out[last+1:], want)
		if i < 0 {
			t.Errorf("the summary lacks %q after what comes before it", want)
			continue
		}
		last += 1 + i
	}
	if t.Failed() {
		t.Log(out)
	}
}

// Without a profile or record (a store that keeps none yet), the
// summary still has every section, saying what is not recorded.
func TestSummaryWithoutRecord(t *testing.T) {
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws, Template: report.SummaryTemplate}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []report.Format{report.Markdown, report.HTML, report.XLSX} {
		var b bytes.Buffer
		if err := r.Render(&b, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f == report.Markdown && !strings.Contains(b.String(), "not recorded (set it with org name)") {
			t.Errorf("the summary does not say the name is not recorded:\n%s", b.String())
		}
	}
	if len(r.Frameworks) != 1 || r.Frameworks[0].ID != "eds-2022" {
		t.Errorf("the summary reports %d frameworks; want eds-2022 alone (the graded one)", len(r.Frameworks))
	}
}
