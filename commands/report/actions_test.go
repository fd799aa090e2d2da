package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Every format carries the action plan: domain, outcome, linked
// objective, action, owner by name, due and status.
func TestActionPlanInEveryFormat(t *testing.T) {
	s := seeded(t)
	kind := store.EntryKind(framework.ActionEntries)
	a := framework.Action{Target: "eds-2022/2B", N: 1, Title: "Run a listening event", Owner: "amy", Due: "2026-10-01",
		Objective: "nhse-2024-26/1.1", Created: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	var put []store.Entry
	for k, v := range a.Added() {
		put = append(put, store.Entry{Kind: kind, Key: k, Value: v})
	}
	put = append(put, store.Entry{Kind: kind, Key: a.Ref() + framework.ActionProgress, Value: "40"}, store.Entry{Kind: kind, Key: a.Ref() + framework.ActionStatus, Value: "at-risk"})
	if _, err := s.WriteEntries(context.Background(), ws, store.EntryWrite{Put: put}); err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(context.Background(), s, report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	plan := r.Frameworks[0].Actions
	if len(plan) != 1 || plan[0].Ref != "eds-2022/2B#1" || plan[0].Objective != "eds-2022/2" || plan[0].OwnerName != "Amy Khan, EDI lead" ||
		plan[0].LinkedObjective != "nhse-2024-26/1.1" || plan[0].Status != "at-risk" || plan[0].Progress == nil || *plan[0].Progress != 40 {
		t.Fatalf("action plan = %+v", plan)
	}
	for _, f := range report.Formats {
		var b bytes.Buffer
		if err := r.Render(&b, f); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if f == report.XLSX {
			out = xlsxText(t, &b)
		}
		// A # in a table cell is no heading: Markdown leaves it bare.
		ref := "eds-2022/2B#1"
		for _, want := range []string{ref, "Run a listening event", "nhse-2024-26/1.1", "Amy Khan", "2026-10-01", "at-risk"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q", f, want)
			}
		}
		if f == "json" {
			var v map[string]any
			if err := json.Unmarshal(b.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if done := r.CompletedIn("2026-04-01", "2027-03-31"); len(done) != 0 {
		t.Errorf("an open action counted as completed: %+v", done)
	}
}

// xlsxText is every cell of a workbook's sheets, one a line.
func xlsxText(t *testing.T, b *bytes.Buffer) string {
	t.Helper()
	f, err := excelize.OpenReader(b)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			out.WriteString(strings.Join(row, "\n") + "\n")
		}
	}
	return out.String()
}
