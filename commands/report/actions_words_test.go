package report_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// The HTML report words an action's status as it words a target's
// ("At risk", "Not started"), not as the record's token ("at-risk"), so
// statuses read one way across the page.
func TestHTMLActionStatusWording(t *testing.T) {
	s := seededActions(t)
	r, err := report.Build(context.Background(), s, report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, r, report.HTML)
	for _, want := range []string{"<td>At risk 40%</td>", "<td>Not started</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML action plan lacks %q", want)
		}
	}
	for _, token := range []string{">at-risk", ">not-started<"} {
		if strings.Contains(html, token) {
			t.Errorf("the HTML action plan shows the status token %q", token)
		}
	}
}

// The EDS summary words its open actions' statuses as it words grades,
// capitalised, in every format.
func TestSummaryActionStatusWording(t *testing.T) {
	s := seededActions(t)
	r, err := report.Build(context.Background(), s, report.Request{Workspace: ws, Template: report.SummaryTemplate}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []report.Format{report.Markdown, report.HTML} {
		var b bytes.Buffer
		if err := r.Render(&b, f); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{"At risk", "Not started"} {
			if !strings.Contains(out, want) {
				t.Errorf("the %s summary's open actions lack %q", f, want)
			}
		}
		for _, token := range []string{"at-risk", "not-started"} {
			if strings.Contains(out, token) {
				t.Errorf("the %s summary shows the status token %q", f, token)
			}
		}
	}
}

// seededActions is the seeded store with two actions on eds-2022/2B, one
// at risk at 40%, one not started.
func seededActions(t *testing.T) store.Store {
	t.Helper()
	s := seeded(t)
	kind := store.EntryKind(framework.ActionEntries)
	var put []store.Entry
	for i, st := range []string{"at-risk", "not-started"} {
		a := framework.Action{Target: "eds-2022/2B", N: i + 1, Title: fmt.Sprint("Action ", i+1), Owner: "amy", Created: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
		for k, v := range a.Added() {
			put = append(put, store.Entry{Kind: kind, Key: k, Value: v})
		}
		put = append(put, store.Entry{Kind: kind, Key: a.Ref() + framework.ActionStatus, Value: st})
	}
	put = append(put, store.Entry{Kind: kind, Key: "eds-2022/2B#1" + framework.ActionProgress, Value: "40"})
	if _, err := s.WriteEntries(context.Background(), ws, store.EntryWrite{Put: put}); err != nil {
		t.Fatal(err)
	}
	return s
}
