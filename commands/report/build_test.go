package report_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

func target(t *testing.T, r *report.Report, ref string) report.Target {
	t.Helper()
	for _, s := range r.Frameworks {
		for _, o := range s.Objectives {
			for _, tg := range o.Targets {
				if tg.Ref == ref {
					return tg
				}
			}
		}
		for _, tg := range s.Archived {
			if tg.Ref == ref {
				return tg
			}
		}
	}
	t.Fatalf("the report has no %s", ref)
	return report.Target{}
}

// A closed cycle is reported as it stood when it closed: its grades,
// the cycle before it as "previous" (none here), each target's status
// and progress replayed to the close, the latest update and the
// evidence up to then, and only what existed then.
func TestPastCycleIsAsItClosed(t *testing.T) {
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws, Cycle: "2025/26"}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Current || r.Cycle != "2025/26" || r.Previous != "" || !r.AsOf.Equal(day("2026-04-01")) {
		t.Errorf("cycle %q current %v previous %q as of %v", r.Cycle, r.Current, r.Previous, r.AsOf)
	}
	if len(r.Frameworks) != 1 || r.Frameworks[0].ID != "eds-2022" {
		t.Fatalf("frameworks %v: nhse-2024-26 was imported after 2025/26 closed", len(r.Frameworks))
	}
	a := target(t, r, "eds-2022/1A")
	if a.Grade != "undeveloped" || a.PreviousGrade != "" || a.Progress != 20 || a.Status != "on-track" {
		t.Errorf("1A = %s, %s, %d%% %s; want undeveloped, no previous, 20%% on-track", a.Grade, a.PreviousGrade, a.Progress, a.Status)
	}
	if a.LatestUpdate == nil || a.LatestUpdate.Note != "Access audit started" {
		t.Errorf("1A latest update = %+v", a.LatestUpdate)
	}
	if len(a.Evidence) != 1 || a.Evidence[0].Title != "Audit plan 2025" {
		t.Errorf("1A evidence = %+v; want only what was attached before the close", a.Evidence)
	}
	if b := target(t, r, "eds-2022/2B"); b.Status != "not-started" || b.Progress != 0 || b.Grade != "unrated" {
		t.Errorf("2B = %+v; it was done only in 2026/27", b)
	}
	for _, o := range r.Frameworks[0].Objectives {
		for _, tg := range o.Targets {
			if tg.Code == "2E" {
				t.Error("2E was added after 2025/26 closed")
			}
		}
	}
	if sc := r.Frameworks[0].Totals.Score; sc == nil || sc.Sum != 0+1+1+2 || sc.Max != 33 || sc.Band != "undeveloped" {
		t.Errorf("2025/26 score = %+v; want 4 of 33, undeveloped", sc)
	}
	// The current cycle names 2025/26 as previous.
	cur, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws, Frameworks: []string{"EDS-2022"}}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	if a := target(t, cur, "eds-2022/1A"); !cur.Current || cur.Previous != "2025/26" || a.Grade != "developing" || a.PreviousGrade != "undeveloped" {
		t.Errorf("current: previous %q, 1A %s was %s", cur.Previous, a.Grade, a.PreviousGrade)
	}
	if len(cur.Frameworks) != 1 {
		t.Errorf("asked for eds-2022 alone, got %d frameworks", len(cur.Frameworks))
	}
}

// A request for something that does not exist is an *Error naming the
// problem and what would have worked.
func TestRequestErrors(t *testing.T) {
	s := seeded(t)
	ctx := context.Background()
	if err := s.SetTimezone(ctx, "slack:T2", "Europe/London"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		req     report.Request
		problem report.Problem
		known   []string
	}{
		{report.Request{Workspace: "slack:T9"}, report.UnknownWorkspace, nil},
		{report.Request{Workspace: "slack:T2"}, report.NothingImported, nil},
		{report.Request{Workspace: ws, Frameworks: []string{"nope"}}, report.UnknownFramework, []string{"eds-2022", "nhse-2024-26"}},
		{report.Request{Workspace: ws, Frameworks: []string{"eds"}}, report.NotImported, []string{"eds-2022", "nhse-2024-26"}},
		{report.Request{Workspace: ws, Cycle: "2024/25"}, report.UnknownCycle, []string{"2026/27", "2025/26"}},
		{report.Request{Workspace: ws, Cycle: "last year"}, report.UnknownCycle, []string{"2026/27", "2025/26"}},
	}
	for _, tt := range tests {
		_, err := report.Build(ctx, s, tt.req, opts(t))
		var e *report.Error
		if !errors.As(err, &e) || e.Problem != tt.problem || !slices.Equal(e.Known, tt.known) {
			t.Errorf("%+v: %v, want %s knowing %v", tt.req, err, tt.problem, tt.known)
		}
	}
	if _, err := report.ParseFormat("xls"); err == nil {
		t.Error("xls is not a format")
	}
	for _, f := range []string{"md", "Markdown", "html", "CSV", "json"} {
		if _, err := report.ParseFormat(f); err != nil {
			t.Errorf("ParseFormat(%q): %v", f, err)
		}
	}
}

// counting wraps a Source and counts the reads a report makes.
type counting struct {
	report.Source
	updates, evidence int
}

func (c *counting) EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error {
	c.updates++
	return c.Source.EachUpdate(ctx, ws, since, until, fn)
}

func (c *counting) Evidence(ctx context.Context, ws, ref string) ([]framework.Evidence, error) {
	c.evidence++
	return c.Source.Evidence(ctx, ws, ref)
}

// A summary of the current cycle reads neither updates nor evidence; a
// past cycle's summary reads the updates it replays.
func TestSummaryReadsLess(t *testing.T) {
	s := seeded(t)
	c := &counting{Source: s}
	full, err := report.Build(context.Background(), c, report.Request{Workspace: ws}, opts(t))
	if err != nil || c.updates != 1 || c.evidence != 1 {
		t.Fatalf("full report: %v, %d update reads, %d evidence reads", err, c.updates, c.evidence)
	}
	*c = counting{Source: s}
	sum, err := report.Build(context.Background(), c, report.Request{Workspace: ws, Summary: true}, opts(t))
	if err != nil || c.updates != 0 || c.evidence != 0 {
		t.Fatalf("summary: %v, %d update reads, %d evidence reads", err, c.updates, c.evidence)
	}
	if sum.Frameworks[0].Totals.Score == nil || *sum.Frameworks[0].Totals.Score != *full.Frameworks[0].Totals.Score {
		t.Errorf("the summary's score %+v differs from the report's", sum.Frameworks[0].Totals.Score)
	}
	*c = counting{Source: s}
	past, err := report.Build(context.Background(), c, report.Request{Workspace: ws, Cycle: "2025/26", Summary: true}, opts(t))
	if err != nil || c.updates != 1 || c.evidence != 0 {
		t.Fatalf("past summary: %v, %d update reads, %d evidence reads", err, c.updates, c.evidence)
	}
	if a := target(t, past, "eds-2022/1A"); a.Progress != 20 {
		t.Errorf("past summary 1A at %d%%, want 20%%", a.Progress)
	}
}
