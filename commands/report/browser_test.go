package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/report/reporttest"
)

// The seeded workspace's HTML report, opened in a real headless
// Chromium, renders the report, makes no request but for the page
// itself, and passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules
// with no violation. reporttest says what it needs, and skips without it
// (except in CI).
func TestHTMLInChromium(t *testing.T) {
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc bytes.Buffer
	if err := r.Render(&doc, report.HTML); err != nil {
		t.Fatal(err)
	}
	p := reporttest.Open(t, doc.Bytes())
	t.Logf("chromium rendered and checked the report in %v", p.Took.Round(1e6))

	t.Run("it renders the report", func(t *testing.T) {
		for _, want := range []string{
			"Domain 1: Commissioned or provided services", "Domain 2: Workforce health and well-being", "Domain 3: Inclusive leadership",
			"Patients (service users) have required levels of access to the service", "2E", "Old duplicate",
			"Score: 8 of 33 so far, developing (provisional: 6 outcomes ungraded); 1 local outcome, not scored", "Developing", "Excelling", "Undeveloped", "2026-10-31 (overdue)",
			"Listening events [summary] (PDF)", "Progress over time", "NHS England equality objectives",
			`=HYPERLINK("https://evil.example/","click") | *not bold* <script>alert(1)</script> second line`,
		} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("the rendered page lacks %q", want)
			}
		}
		if p.Lang != "en-GB" {
			t.Errorf("lang = %q", p.Lang)
		}
		// A grade chart per framework, a progress chart per objective with
		// targets: 2 + 3 + 8.
		if p.Charts != 13 || p.Titled != p.Charts {
			t.Errorf("%d charts, %d with a title and a description; want 13 and 13", p.Charts, p.Titled)
		}
		if p.Tables == 0 || p.Captions != p.Tables {
			t.Errorf("%d tables, %d with captions", p.Tables, p.Captions)
		}
		// html/template writes ( and ) in a URL as %28 and %29: the same link.
		for _, want := range []string{"https://example.org/eds/listening-events.pdf", "https://en.wikipedia.org/wiki/Equality_Act_%282010%29", "https://example.org/eds/board?paper=7&year=2026"} {
			if !contains(p.Links, want) {
				t.Errorf("evidence link %s is not a link on the page: %v", want, p.Links)
			}
		}
		for i := 1; i < len(p.Headings); i++ {
			if p.Headings[i] > p.Headings[i-1]+1 {
				t.Errorf("heading levels skip from h%d to h%d", p.Headings[i-1], p.Headings[i])
			}
		}
	})
	t.Run("it loads nothing", func(t *testing.T) {
		if len(p.Requests) != 1 || p.Requests[0] != p.URL || len(p.Served) != 1 {
			t.Errorf("the browser requested %q and the server served %q; want only the page itself", p.Requests, p.Served)
		}
	})
	t.Run("axe finds no WCAG 2.2 AA violation", func(t *testing.T) {
		for _, v := range p.Violations {
			t.Errorf("axe: %s (%s)\n  %s", v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The EDS summary's HTML, opened in Chromium, shows every section of the
// template with last cycle's rating beside this one's, loads nothing,
// and passes axe-core's WCAG 2.2 AA rules.
func TestSummaryHTMLInChromium(t *testing.T) {
	r := summaryReport(t)
	var doc bytes.Buffer
	if err := r.Render(&doc, report.HTML); err != nil {
		t.Fatal(err)
	}
	p := reporttest.Open(t, doc.Bytes())
	for _, want := range []string{
		"NHS Equality Delivery System (EDS)", "Northtown NHS Trust", "Northtown ICS", "Date authorised", "Month and year published",
		"Completed actions from 2025/26", "EDS Rating and Score Card", "8 to 21",
		"Domain 1: Commissioned or provided services", "Domain 2: Workforce health and well-being", "Domain 3: Inclusive leadership",
		"Owner (name and role)", "Amy Khan, EDI lead", "Rating in 2025/26", "Third-party involvement in Domain 3", "Unison branch",
		"Southvale Trust <EDI team>", "EDS organisation rating", "Undeveloped (provisional)", "Action plan",
	} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("the rendered summary lacks %q", want)
		}
	}
	if p.Tables == 0 || p.Captions != p.Tables {
		t.Errorf("%d tables, %d with captions", p.Tables, p.Captions)
	}
	for i := 1; i < len(p.Headings); i++ {
		if p.Headings[i] > p.Headings[i-1]+1 {
			t.Errorf("heading levels skip from h%d to h%d", p.Headings[i-1], p.Headings[i])
		}
	}
	if len(p.Requests) != 1 || p.Requests[0] != p.URL {
		t.Errorf("the browser requested %q; want only the page itself", p.Requests)
	}
	for _, v := range p.Violations {
		t.Errorf("axe: %s (%s)\n  %s", v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}
