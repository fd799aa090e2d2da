package reminders

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// allText joins a reply's text, blocks and details, for assertions about
// what a reader sees anywhere in the message.
func allText(r bot.Reply) string {
	return bot.BlocksText(r.Blocks) + "\n\n" + bot.BlocksText(r.Details)
}

// detail returns the Details block whose title starts with prefix.
func detail(r bot.Reply, prefix string) (bot.Block, bool) {
	for _, b := range r.Details {
		if strings.HasPrefix(b.Title, prefix) {
			return b, true
		}
	}
	return bot.Block{}, false
}

func TestRenderDigest(t *testing.T) {
	london := mustLoad(t, "Europe/London")
	at := utc("2026-06-15T08:00:00Z") // Monday 09:00 BST
	ts := []framework.Target{
		{Framework: "eds", Objective: "1", Code: "1.1", Title: "Access", Status: framework.OnTrack, Progress: 50, Owner: "U1", Due: "2026-06-10", Rating: framework.Developing, Reminders: 4},
		{Framework: "eds", Objective: "1", Code: "1.2", Title: "Outcomes", Status: framework.AtRisk, Progress: 20, Due: "2026-06-01", Reminders: 0},
		{Framework: "eds", Objective: "2", Code: "2.1", Title: "Wellbeing", Status: framework.NotStarted, Owner: "U2", Due: "2026-06-20", Rating: framework.Achieving},
		{Framework: "eds", Objective: "2", Code: "2.2", Title: "Bullying", Status: framework.OffTrack, Progress: 10, Owner: "U3", Due: "2026-05-01", Reminders: 3, SnoozedUntil: "2026-06-30", SnoozeReason: "waiting for survey"},
		{Framework: "eds", Objective: "3", Code: "3.1", Title: "Leadership", Status: framework.Done, Progress: 100, Owner: "U1", Due: "2026-01-01", Rating: framework.Excelling},
		{Framework: "eds", Objective: "3", Code: "3.2", Title: "Later", Status: framework.NotStarted, Due: "2026-12-01"},
	}
	us := []framework.Update{
		{Target: "eds/1.1", Author: "U1", Time: at.Add(-48 * time.Hour), Progress: 50, Status: framework.OnTrack, Note: "survey sent"},
		{Target: "eds/2.2", Author: "U3", Time: at.Add(-24 * time.Hour), Progress: 10, Status: framework.OffTrack},
	}
	r := renderDigest(digestData{Loc: london, At: at, Since: at.Add(-7 * 24 * time.Hour), Targets: ts, Updates: us,
		Titles: map[string]string{"eds/1": "Better health outcomes for all"}})

	for _, want := range []string{"6 targets", "30% overall", "1 on-track", "1 at-risk", "1 off-track", "1 done", "2 not-started",
		"2 updates since 2026-06-08", "3 overdue", "1 due in the next 14 days", "need an admin"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("headline lacks %q:\n%s", want, r.Text())
		}
	}
	if lines := strings.Count(r.Text(), "\n") + 1; lines > 4 {
		t.Errorf("headline is %d lines, want at most 4:\n%s", lines, r.Text())
	}
	if len(r.Blocks) != 1 || r.Blocks[0].Colour != view.StatusColour(framework.OffTrack) {
		t.Errorf("summary blocks = %+v, want one off-track coloured block", r.Blocks)
	}

	checks := []struct {
		section string
		want    []string
		not     []string
	}{
		{"eds/1 Better health outcomes for all", []string{"▓▓▓▓░░░░░░ 35%", "2 targets"}, nil},
		{"eds/2", []string{"2 targets"}, nil}, // no title known: the ref alone
		{"Updates since", []string{"`eds/1.1` Access", "<@U1>", "survey sent", "`eds/2.2`", "<@U3>"}, nil},
		{"Overdue (3)", []string{"eds/1.1", "eds/1.2", "eds/2.2", "no owner"}, []string{"eds/3.1", "eds/2.1"}},
		{"Due in the next 14 days (1)", []string{"eds/2.1", "2026-06-20"}, []string{"eds/3.2"}},
		{"Snoozed (1)", []string{"eds/2.2", "waiting for survey", "2026-06-30"}, nil},
		{"For admins: 3 or more reminders unanswered (1)", []string{"eds/1.1", "<@U1>", "4 reminders"}, []string{"eds/2.2"}}, // snoozed: not escalated
		{"For admins: overdue with no owner (1)", []string{"eds/1.2", "/target assign eds/1.2"}, []string{"eds/1.1"}},
		{"Ratings", []string{"undeveloped 0", "developing 1", "achieving 1", "excelling 1", "unrated 3"}, nil},
	}
	for _, c := range checks {
		b, ok := detail(r, c.section)
		if !ok {
			t.Errorf("no %q section in details", c.section)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(b.Text, w) {
				t.Errorf("%s lacks %q:\n%s", c.section, w, b.Text)
			}
		}
		for _, w := range c.not {
			if strings.Contains(b.Text, w) {
				t.Errorf("%s should not list %q:\n%s", c.section, w, b.Text)
			}
		}
	}
	if b, _ := detail(r, "eds/2"); b.Colour != view.StatusColour(framework.OffTrack) {
		t.Errorf("objective 2 colour = %s, want off-track", b.Colour)
	}
	if b, _ := detail(r, "eds/3"); b.Colour != view.StatusColour(framework.OnTrack) {
		t.Errorf("objective 3 colour = %s, want on-track (one done, one not started)", b.Colour)
	}
	// Newest update first.
	if b, _ := detail(r, "Updates since"); strings.Index(b.Text, "eds/2.2") > strings.Index(b.Text, "eds/1.1") {
		t.Errorf("updates not newest first:\n%s", b.Text)
	}
}

func TestRenderDigestQuietAndEmpty(t *testing.T) {
	at := utc("2026-06-15T08:00:00Z")
	ts := []framework.Target{
		{Framework: "eds", Objective: "1", Code: "1.1", Title: "Access", Status: framework.OnTrack, Progress: 40, Due: "2026-09-01"},
		{Framework: "eds", Objective: "1", Code: "1.2", Title: "Done", Status: framework.Done, Progress: 100, Due: "2026-01-01"},
	}
	r := renderDigest(digestData{Loc: time.UTC, At: at, Since: utc("2026-06-08T08:00:00Z"), Targets: ts})
	if strings.Contains(r.Text(), "\n") || len(r.Blocks) != 1 || len(r.Details) != 0 {
		t.Errorf("quiet digest is not one line: %+v", r)
	}
	for _, want := range []string{"nothing new since 2026-06-08", "2 targets", "70% overall"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("quiet digest lacks %q: %s", want, r.Text())
		}
	}
	r = renderDigest(digestData{Loc: time.UTC, At: at, Since: at})
	if !strings.Contains(r.Text(), "no targets yet") || strings.Contains(r.Text(), "\n") {
		t.Errorf("empty workspace digest = %q", r.Text())
	}
}

// Ratings are counted per framework, never mixed, and a framework with
// grading shows its score and band: only its own targets are scored, an
// archived one keeps the band provisional, and a local one is shown
// apart with its grade.
func TestRenderDigestRatingsPerFramework(t *testing.T) {
	at := utc("2026-06-15T08:00:00Z")
	graded := &framework.Framework{ID: "g", Name: "Graded", Labels: framework.Labels{Target: "outcome"}, Grading: &framework.Grading{
		Scores: map[framework.Rating]int{framework.Undeveloped: 0, framework.Developing: 1, framework.Achieving: 2, framework.Excelling: 3},
		Bands:  []framework.Band{{Below: 3, Rating: framework.Undeveloped}, {Below: 6, Rating: framework.Developing}, {Below: 10, Rating: framework.Achieving}},
	}, Objectives: []framework.Objective{{Code: "1", Targets: []framework.TargetSpec{{Code: "1A"}, {Code: "1B"}, {Code: "1C"}}}}}
	ts := []framework.Target{
		{Framework: "g", Objective: "1", Code: "1A", Title: "A", Rating: framework.Excelling, Due: "2026-06-01"},
		{Framework: "g", Objective: "1", Code: "1B", Title: "B"},
		{Framework: "g", Objective: "1", Code: "1Z", Title: "Local", Custom: true, Rating: framework.Excelling},
		{Framework: "plain", Objective: "1", Code: "1.1", Title: "C", Rating: framework.Achieving},
	}
	archived := []framework.Target{{Framework: "g", Objective: "1", Code: "1C", Title: "Archived", Archived: true, Rating: framework.Excelling}}
	r := renderDigest(digestData{Loc: time.UTC, At: at, Since: at.Add(-24 * time.Hour), Targets: ts, Archived: archived, Frameworks: map[string]*framework.Framework{"g": graded}})
	b, ok := detail(r, "Ratings")
	if !ok {
		t.Fatal("no ratings section")
	}
	for _, want := range []string{"`g`: 🟥 undeveloped 0 · 🟧 developing 0 · 🟩 achieving 0 · 🟪 excelling 2 · ⬜ unrated 1",
		"Score `g`: 3 of 9 so far, 🟧 developing (provisional: 1 outcome ungraded, 1 archived); 1 local outcome, not scored",
		"Not scored (local): `g/1Z` 🟪 excelling", "`plain`: 🟥 undeveloped 0 · 🟧 developing 0 · 🟩 achieving 1"} {
		if !strings.Contains(b.Text, want) {
			t.Errorf("ratings lack %q:\n%s", want, b.Text)
		}
	}
	if strings.Count(b.Text, "Score") != 1 {
		t.Errorf("a framework without grading is scored:\n%s", b.Text)
	}
}

func TestRenderDigestListsEveryTarget(t *testing.T) {
	at := utc("2026-06-15T08:00:00Z")
	var ts []framework.Target
	var us []framework.Update
	for i := range 100 {
		code := fmt.Sprintf("1.%d", i+1)
		ts = append(ts, framework.Target{Framework: "x", Objective: "1", Code: code, Title: strings.Repeat("long title ", 20), Status: framework.OnTrack, Due: "2026-01-01", Owner: "U1"})
	}
	for i := range maxUpdatesListed {
		us = append(us, framework.Update{Target: fmt.Sprintf("x/1.%d", i+1), Author: "U1", Time: at.Add(-time.Hour), Status: framework.OnTrack})
	}
	r := renderDigest(digestData{Loc: time.UTC, At: at, Since: at.Add(-time.Hour * 24), Targets: ts, Updates: us, UpdateCount: 130})
	if !strings.Contains(r.Text(), "130 updates") || !strings.Contains(r.Text(), "100 overdue") {
		t.Errorf("headline counts not exact: %s", r.Text())
	}
	b, ok := detail(r, "Overdue (100)")
	if !ok {
		t.Fatal("no overdue section")
	}
	for i := range 100 {
		if !strings.Contains(b.Text, fmt.Sprintf("`x/1.%d` ", i+1)) {
			t.Errorf("overdue section lacks x/1.%d", i+1)
		}
	}
	b, ok = detail(r, "Updates since")
	if !ok || strings.Count(b.Text, "• ") != maxUpdatesListed || !strings.Contains(b.Text, "…and 80 more updates since 2026-06-14: `/target history <target>`") {
		t.Errorf("updates section does not list %d and say how many more:\n%s", maxUpdatesListed, b.Text)
	}
	if len(r.Notify) != 0 {
		t.Errorf("a digest notifies %v; it should name people without notifying them", r.Notify)
	}
}

func TestRenderReminder(t *testing.T) {
	dm := ownerDM{
		owner: "U1",
		overdue: []framework.Target{
			{Framework: "eds", Code: "1.1", Title: "Access", Status: framework.AtRisk, Due: "2026-06-01"},
		},
		stale: []framework.Target{
			{Framework: "eds", Code: "2.1", Title: "Wellbeing", Status: framework.NotStarted, CreatedAt: utc("2026-01-05T10:00:00Z")},
		},
	}
	r := renderReminder(dm)
	for _, want := range []string{"1 target overdue", "1 target with no update for 30 days", "`eds/1.1` Access*\noverdue, due 2026-06-01", "`eds/2.1` Wellbeing*\nupdate due, last activity 2026-01-05"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("reminder lacks %q:\n%s", want, r.Text())
		}
	}
	if len(r.Blocks) != 3 {
		t.Fatalf("blocks = %d, want 3", len(r.Blocks))
	}
	if len(r.Notify) != 1 || r.Notify[0] != "U1" {
		t.Errorf("reminder notifies %v, want only its owner", r.Notify)
	}
	want := []bot.Button{
		{Label: "Log eds/1.1", Command: "update eds/1.1", Form: true},
		{Label: "Snooze eds/1.1 a week", Command: "snooze eds/1.1 7d"},
		{Label: "Mark eds/1.1 done", Command: "update eds/1.1 done", Style: "primary"},
	}
	got := r.Blocks[1].Buttons
	if len(got) != len(want) {
		t.Fatalf("buttons = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("button %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if r.Blocks[2].Buttons[2].Command != "update eds/2.1 done" {
		t.Errorf("stale target buttons = %+v", r.Blocks[2].Buttons)
	}

	var many ownerDM
	many.owner = "U1"
	for i := range 30 {
		many.overdue = append(many.overdue, framework.Target{Framework: "x", Code: fmt.Sprint(i), Title: "T", Status: framework.OnTrack, Due: "2026-01-01"})
	}
	r = renderReminder(many)
	if len(r.Blocks) != 31 || !strings.Contains(r.Text(), "30 targets overdue") {
		t.Errorf("long reminder: %d blocks, text:\n%s", len(r.Blocks), r.Text())
	}
	for i, b := range r.Blocks[1:] {
		if len(b.Buttons) != 3 || b.Buttons[2].Command != fmt.Sprintf("update x/%d done", i) {
			t.Errorf("target %d has buttons %+v", i, b.Buttons)
		}
	}
}
