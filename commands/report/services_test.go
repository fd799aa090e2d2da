package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/targetbot/targetbot/commands/report"
)

// An outcome graded per service (EDS 2022's domain 1) gives its grade in
// each service beside its own, the services' median, in every format
// and in the EDS summary; a past cycle's report gives that cycle's.
func TestReportsGiveGradesPerService(t *testing.T) {
	s := seeded(t)
	build := func(req report.Request) *report.Report {
		t.Helper()
		req.Workspace = ws
		r, err := report.Build(context.Background(), s, req, opts(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	render := func(r *report.Report, f report.Format) string {
		t.Helper()
		var b bytes.Buffer
		if err := r.Render(&b, f); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	const now1A = "ae: developing, mh: achieving, op: undeveloped"
	r := build(report.Request{})
	a := r.Frameworks[0].Objectives[0].Targets[0]
	if a.Ref != "eds-2022/1A" || len(a.Services) != 3 || a.Services[1].Name != `Mental health | "crisis" care` || a.Services[1].Grade != "achieving" {
		t.Fatalf("1A's services = %+v", a.Services)
	}
	if b := r.Frameworks[0].Objectives[1].Targets[0]; b.Services == nil || len(b.Services) != 0 {
		t.Errorf("2A, not graded per service, has services %#v: want an empty list", b.Services)
	}
	for f, want := range map[report.Format][]string{
		report.Markdown: {"| Grades per service |", "| " + now1A + " |", "| ae: unrated, mh: unrated, op: undeveloped |"},
		report.HTML:     {`<th scope="col">Grades per service</th>`, "<td>ae: Developing, mh: Achieving, op: Undeveloped</td>"},
		report.JSON:     {`"services": [`, `"code": "mh"`},
	} {
		out := render(r, f)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s report lacks %q", f, w)
			}
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(render(r, report.CSV), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "service_grades")
	if col < 0 || rows[1][3] != "eds-2022/1A" || rows[1][col] != now1A {
		t.Errorf("CSV: column %d, row %v", col, rows[1])
	}
	f, err := excelize.OpenReader(strings.NewReader(render(r, report.XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, _ := f.GetRows("eds-2022")
	if i := slices.Index(sheet[0], "service_grades"); i < 0 || sheet[1][i] != now1A {
		t.Errorf("XLSX: header %v, row %v", sheet[0], sheet[1])
	}

	summary := build(report.Request{Template: report.SummaryTemplate})
	if html := render(summary, report.HTML); !strings.Contains(html, "Rating per service") || !strings.Contains(html, "Accident and emergency: Developing") {
		t.Errorf("the HTML summary lacks the ratings per service")
	}
	sum := render(summary, report.Markdown)
	for _, w := range []string{"| Rating in 2025/26 | Rating per service |", `Accident and emergency: Developing; Mental health \| "crisis" care: Achieving; Outpatients: Undeveloped`} {
		if !strings.Contains(sum, w) {
			t.Errorf("summary lacks %q:\n%s", w, sum)
		}
	}
	if strings.Contains(sum[strings.Index(sum, "## Domain 2"):], "Rating per service") {
		t.Errorf("domain 2, not graded per service, has a column for it")
	}

	past := build(report.Request{Cycle: "2025/26"}).Frameworks[0].Objectives[0].Targets[0]
	if got := []string{past.Services[0].Grade, past.Services[1].Grade}; !slices.Equal(got, []string{"undeveloped", "unrated"}) {
		t.Errorf("2025/26's 1A per service = %v, want that cycle's grades", got)
	}
}
