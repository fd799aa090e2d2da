package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
)

// The publication's record, as an EDI lead fills it in the console: the
// profile, the cycle's record, every outcome graded with a reason and
// public evidence, an owner with a name, and publish-check goes from a
// list of blockers, each with its command, to "Nothing blocks".
func TestPublishCheckToNothingBlocks(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")

	before := e.ok(amy, "publish-check").Text()
	for _, want := range []string{
		"block publishing the 2026/27 summary of `eds-2022`",
		"the organisation's name is not set: `/target org name …`",
		"eds-2022/1A is ungraded: `/target rate eds-2022/1A <grade> <reason…>`",
		"eds-2022/3C has no evidence: `/target evidence eds-2022/3C <https://…> [title…]`",
		"2026/27's results are not signed off: `/target cycle sign-off <YYYY-MM-DD> <by…>`",
	} {
		if !strings.Contains(before, want) {
			t.Errorf("publish-check lacks %q:\n%s", want, before)
		}
	}

	for _, line := range []string{
		"org name Northtown NHS Trust", "org ics Northtown ICS", "org lead Amy Khan", "org sponsor Dr Sam Lee, Chief Nurse", "org level organisation",
		"cycle engagement 2026-10-01 1 2 Listening event with the patients' panel",
		"cycle stakeholder trade-union 3 Unison branch",
		"cycle stakeholder peer-reviewer 3 Southvale Trust EDI team",
		"cycle sign-off 2026-11-20 Trust board",
	} {
		e.ok(adminUser, line)
	}
	var eds *framework.Framework
	for _, f := range fws {
		if f.ID == "eds-2022" {
			eds = f
		}
	}
	// Last year's published grades, entered later.
	e.ok(adminUser, "cycle backfill 2025/26")
	for _, tg := range eds.Targets() {
		e.ok(adminUser, "rate "+tg.Ref()+" developing in 2025/26 as published in last year's summary")
	}
	for _, tg := range eds.Targets() {
		e.ok(adminUser, "rate "+tg.Ref()+" achieving agreed with the staff networks")
		e.ok(amy, "evidence "+tg.Ref()+" https://northtown.nhs.uk/eds/"+tg.Code+".pdf Panel minutes")
	}
	e.ok(adminUser, "assign eds-2022/1A @amy")
	mid := e.ok(amy, "publish-check").Text()
	for _, want := range []string{"1 thing blocks", "owner <@amy> has no name on record: `/target people set @amy <name…> | <role…>`"} {
		if !strings.Contains(mid, want) {
			t.Errorf("publish-check lacks %q:\n%s", want, mid)
		}
	}
	if strings.Contains(mid, "ungraded") || strings.Contains(mid, "not set") || strings.Contains(mid, "signed off") {
		t.Errorf("publish-check lists what is done:\n%s", mid)
	}

	// Naming amy (as `people set` does) clears her blocker.
	v, _ := store.Encode(framework.Person{User: "amy", Name: "Amy Khan", Role: "EDI lead"})
	if _, err := e.st.WriteEntries(context.Background(), testWS, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryPerson, Key: "amy", Value: v}}}); err != nil {
		t.Fatal(err)
	}
	if end := e.ok(amy, "publish-check").Text(); !strings.Contains(end, "Nothing blocks publishing the 2026/27 summary of `eds-2022`") {
		t.Errorf("publish-check with everything done:\n%s", end)
	}
	// A link readers cannot open blocks again.
	e.ok(amy, "evidence eds-2022/2A http://intranet/eds/2a.docx Draft")
	if again := e.ok(amy, "publish-check").Text(); !strings.Contains(again, "eds-2022/2A's evidence `http://intranet/eds/2a.docx` is not on a public host") {
		t.Errorf("publish-check with an intranet link:\n%s", again)
	}

	summary := e.ok(amy, "report eds-2022 summary").Text()
	for _, want := range []string{"Score 22 of 33, 🟩 achieving · in 2025/26: 11 of 33, 🟧 developing"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}

	shown := e.ok(amy, "cycle").Text()
	for _, want := range []string{"Record of 2026/27", "Engagement 2026-10-01, domains 1 and 2", "Unison branch (trade-union), domain 3", "Signed off 2026-11-20 by Trust board", "Published: not yet"} {
		if !strings.Contains(shown, want) {
			t.Errorf("cycle lacks %q:\n%s", want, shown)
		}
	}
	if org := e.ok(amy, "org").Text(); !strings.Contains(org, "Northtown NHS Trust") || !strings.Contains(org, "Dr Sam Lee, Chief Nurse") {
		t.Errorf("org shows:\n%s", org)
	}
	events, err := e.st.WorkspaceEvents(context.Background(), testWS, 0)
	if err != nil || len(events) < 9 {
		t.Errorf("%d workspace events (%v), want one per change", len(events), err)
	}
}

// Bad input to the record gets a clear private error and changes
// nothing.
func TestPublicationBadInput(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")
	e.ok(adminUser, "org name Northtown NHS Trust")
	for _, tc := range []struct{ user, line, code, want string }{
		{amy, "org name Other Trust", "forbidden", "only an admin can change the organisation profile"},
		{adminUser, "org level county", "invalid", "unknown level `county`"},
		{adminUser, "org colour blue", "invalid", "unknown profile field `colour`"},
		{adminUser, "org name Northtown NHS Trust", "conflict", "nothing changed"},
		{adminUser, "cycle stakeholder friends 3 Bob", "invalid", "unknown stakeholder category `friends`"},
		{adminUser, "cycle stakeholder trade-union Unison", "invalid", "name the domains"},
		{adminUser, "cycle sign-off 2027-01-20 Trust board", "invalid", "is in the future"},
		{adminUser, "cycle sign-off 20/11/2026 Trust board", "invalid", "is not a date"},
		{adminUser, "cycle published 2030-01-01", "invalid", "is in the future"},
		{adminUser, "cycle engagement 2026-10-01 1", "invalid", "give what happened"},
		{amy, "cycle engagement 2026-10-01 1 Panel", "forbidden", "only an admin"},
		{adminUser, "cycle backfill 2027/28", "invalid", "is not before the first cycle here, `2026/27`"},
		{adminUser, "cycle backfill 2026/27", "invalid", "is not before the first cycle here"},
		{adminUser, "rate eds-2022/1A achieving in 2024/25 as published", "invalid", "there is no past cycle `2024/25` here"},
		{adminUser, "cycle undo", "conflict", "there is no cycle start to undo here"},
	} {
		r := e.as(tc.user, tc.line)
		if r.Text() == "" || !strings.Contains(r.Text(), tc.want) || !r.Ephemeral {
			t.Errorf("%q: %q, want a private error containing %q", tc.line, r.Text(), tc.want)
		}
	}
	if org := e.ok(amy, "org").Text(); !strings.Contains(org, "Northtown NHS Trust") || strings.Contains(org, "county") {
		t.Errorf("a refusal changed the profile:\n%s", org)
	}
	if c := e.ok(amy, "cycle").Text(); strings.Contains(c, "Bob") || strings.Contains(c, "Signed off") {
		t.Errorf("a refusal changed the record:\n%s", c)
	}
}

// A cycle start is undone within a day while the new cycle holds no
// grade; a closed cycle run here keeps its grades.
func TestCycleUndoAndClosedGrades(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")
	e.ok(adminUser, "rate eds-2022/1A achieving agreed")
	e.ok(adminUser, "cycle start 2027/28")
	r := e.as(adminUser, "rate eds-2022/1A excelling in 2026/27 changed our minds")
	if !strings.Contains(r.Text(), "`2026/27` was run here, and a closed cycle keeps its grades as they were") {
		t.Errorf("rate in a cycle run here: %q", r.Text())
	}
	if got := e.ok(adminUser, "cycle undo").Text(); !strings.Contains(got, "undid the start of 2027/28 and reopened *2026/27*") {
		t.Errorf("cycle undo: %q", got)
	}
	if got := e.target("eds-2022/1A"); got.Rating != framework.Achieving {
		t.Errorf("after undo 1A is %+v, want achieving back in the current cycle", got)
	}
	e.ok(adminUser, "cycle start 2027/28")
	e.ok(adminUser, "rate eds-2022/1B developing")
	if r := e.as(adminUser, "cycle undo"); !strings.Contains(r.Text(), "can no longer be undone") {
		t.Errorf("undo after a grade: %q", r.Text())
	}
	e.ok(adminUser, "rate eds-2022/1B none")
	e.now = e.now.Add(25 * time.Hour)
	if r := e.as(adminUser, "cycle undo"); !strings.Contains(r.Text(), "can no longer be undone") {
		t.Errorf("undo after a day: %q", r.Text())
	}
}

// `report <framework> summary` in chat signs a link to the summary.
func TestReportSummaryLink(t *testing.T) {
	var signed report.Link
	e := reportEnv(t, Options{Version: "v9", ReportLink: func(l report.Link) (string, error) {
		signed = l
		return "https://targetbot.example.org/reports/TOKEN", nil
	}})
	e.ok(amy, "report eds-2022 summary")
	if signed.Template != report.SummaryTemplate || strings.Join(signed.Frameworks, ",") != "eds-2022" {
		t.Errorf("signed %+v, want the summary of eds-2022", signed)
	}
	e.ok(amy, "report summary")
	if signed.Template != report.SummaryTemplate {
		t.Errorf("report summary signed %+v", signed)
	}
}
