package commands

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
)

// bigFramework is a custom framework with one objective of n targets,
// each with a long title, as a team might load from YAML.
func bigFramework(n int) *framework.Framework {
	o := framework.Objective{Code: "1", Title: "Everything"}
	for i := 1; i <= n; i++ {
		o.Targets = append(o.Targets, framework.TargetSpec{
			Code:  fmt.Sprintf("1.%d", i),
			Title: fmt.Sprintf("Target number %d with a title long enough to fill most of a line in a list", i),
		})
	}
	return &framework.Framework{ID: "big", Name: "Big custom framework", Objectives: []framework.Objective{o}}
}

// checkBlocks fails unless the blocks, together, hold every wanted
// string: commands never cut a list to fit a platform; the adapters split
// what does not fit in one message.
func checkBlocks(t *testing.T, what string, blocks []bot.Block, want []string) {
	t.Helper()
	all := bot.BlocksText(blocks)
	for _, s := range want {
		if !strings.Contains(all, s) {
			t.Errorf("%s: blocks lack %q", what, s)
		}
	}
}

func TestBigListsAreWhole(t *testing.T) {
	e := newEnv(t, []*framework.Framework{bigFramework(300)})
	e.ok(adminUser, "import big")
	r := e.ok(bob, "list")
	var want []string
	for i := 1; i <= 300; i++ {
		want = append(want, fmt.Sprintf("`big/1.%d`", i))
	}
	checkBlocks(t, "list", r.Blocks, want)
	if !strings.Contains(r.Text(), "`big/1.300`") {
		t.Errorf("list text lacks the last target")
	}

	// history of 50 updates with long notes.
	for i := 1; i <= 50; i++ {
		e.now = e.now.Add(time.Minute)
		e.ok(amy, fmt.Sprintf("update big/1.1 %d%% note %d %s", i, i, strings.Repeat("x", 290)))
	}
	r = e.ok(bob, "history big/1.1 50")
	want = nil
	for i := 1; i <= 50; i++ {
		want = append(want, fmt.Sprintf("note %d x", i))
	}
	checkBlocks(t, "history", r.Blocks, want)
}

func TestListMineWithNoUserListsNothing(t *testing.T) {
	e := imported(t)
	r := e.h.Handle(context.Background(), bot.Request{Workspace: testWS, Channel: "C1", Text: "list mine"})
	if strings.Contains(r.Text(), "eds/1.1") {
		t.Errorf("list mine with no user listed unowned targets: %q", r.Text())
	}
}

func TestUndoRaceSaysAlreadyUndone(t *testing.T) {
	for range 5 {
		e := imported(t)
		e.ok(amy, "update eds/1.1 20% on-track")
		var wg sync.WaitGroup
		replies := make([]bot.Reply, 2)
		for i := range replies {
			wg.Go(func() {
				replies[i] = e.h.Handle(context.Background(), bot.Request{Workspace: testWS, Channel: "C1", User: amy, Text: "undo"})
			})
		}
		wg.Wait()
		ok := 0
		for _, r := range replies {
			switch {
			case r.Code == "":
				ok++
			case r.Code != framework.ECONFLICT || !strings.Contains(r.Text(), "already undone"):
				t.Errorf("losing undo = %s %q", r.Code, r.Text())
			}
		}
		if ok != 1 {
			t.Fatalf("%d undos succeeded, want 1: %+v", ok, replies)
		}
	}
}

// Text people type is inert in every reply: whatever markup, mention or
// link syntax of any platform it holds is shown as typed, never live.
func TestTypedTextIsInert(t *testing.T) {
	e := imported(t)
	hostile := "<!channel> <@U999> *bold* ~gone~ `x` <https://evil.example|nhs.uk> [nhs.uk](https://evil.example)"
	inert := func(what string, r bot.Reply) {
		t.Helper()
		if r.Code != "" {
			t.Fatalf("%s failed: %s", what, r.Text())
		}
		for _, sp := range bot.Parse(r.Text()) {
			if sp.Kind == bot.SpanUser && sp.Text == "U999" || sp.Kind == bot.SpanLink && sp.Text != sp.URL || sp.Kind == bot.SpanText && (sp.Bold || sp.Strike) && strings.Contains(sp.Text, "bold") {
				t.Errorf("%s: typed text became live markup %+v in %q", what, sp, r.Text())
			}
		}
		if !strings.Contains(bot.PlainText(r.Text()), "<!channel> <@U999> *bold* ~gone~ `x` <https://evil.example|nhs.uk>") {
			t.Errorf("%s: typed text is not shown as typed: %q", what, bot.PlainText(r.Text()))
		}
	}
	inert("update", e.ok(bob, "update eds/1.1 40% "+hostile))
	us, err := e.st.Updates(context.Background(), testWS, "eds/1.1", 1)
	if err != nil || len(us) != 1 || us[0].Note != hostile {
		t.Errorf("stored note = %+v %v, want it as typed", us, err)
	}
	inert("snooze", e.ok(adminUser, "snooze eds/1.1 7d "+hostile))
	inert("add", e.ok(adminUser, "add eds/1 1.9 "+hostile))
}

func TestSchedulesThatPostTooOftenAreRefused(t *testing.T) {
	e := imported(t)
	for _, spec := range []string{"* * * * *", "*/5 * * * *", "0-59 9 * * *", "0,30 9 * * MON"} {
		e.fail(adminUser, "digest here "+spec, framework.EINVALID, "cron", "too often")
		e.fail(adminUser, "reminders "+spec, framework.EINVALID, "cron", "too often")
	}
	subs, _ := e.st.Subscriptions(context.Background(), testWS)
	if len(subs) != 0 {
		t.Errorf("refused specs subscribed: %+v", subs)
	}
	e.ok(adminUser, "digest here 0 9,15 * * MON-FRI")
	e.ok(adminUser, "reminders 30 8 * * *")
	e.ok(adminUser, "reminders @hourly")
}

func TestSnoozeDateAtMostAYear(t *testing.T) {
	e := imported(t)
	e.unchanged(adminUser, "snooze eds/1.1 2099-01-01", framework.EINVALID, "until", "at most a year")
	e.ok(adminUser, "snooze eds/1.1 2027-11-23")
}

func TestDueYearOutOfRange(t *testing.T) {
	e := imported(t)
	for _, d := range []string{"0000-01-01", "0226-12-31", "9999-12-31"} {
		e.unchanged(adminUser, "due eds/1.1 "+d, framework.EINVALID, "due", "YYYY-MM-DD")
	}
	e.ok(adminUser, "due eds/1.1 2024-03-31")
}

func TestOverdueAtMidnightInWorkspaceZone(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "timezone Pacific/Auckland")
	// 11:30 UTC on 23 Nov is 00:30 on 24 Nov in Auckland.
	e.now = time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC)
	e.ok(adminUser, "due eds/1.1 2026-11-23")
	if r := e.ok(bob, "list overdue"); !strings.Contains(r.Text(), "eds/1.1") {
		t.Errorf("list overdue in Auckland = %q", r.Text())
	}
	if r := e.ok(bob, "show eds/1.1"); !strings.Contains(r.Text(), "overdue") {
		t.Errorf("show in Auckland = %q", r.Text())
	}
	e.fail(adminUser, "snooze eds/1.1 2026-11-24", framework.EINVALID, "until", "not in the future")
}

// manyObjectives is a custom framework of n objectives with per targets each.
func manyObjectives(n, per int) *framework.Framework {
	f := &framework.Framework{ID: "many", Name: "Many objectives"}
	for i := 1; i <= n; i++ {
		o := framework.Objective{Code: fmt.Sprint(i), Title: fmt.Sprintf("Objective %d", i)}
		for j := 1; j <= per; j++ {
			o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%d.%d", i, j), Title: fmt.Sprintf("Target %d.%d of a long list", i, j)})
		}
		f.Objectives = append(f.Objectives, o)
	}
	return f
}

func TestListOfManyObjectivesSaysWhatItLeavesOut(t *testing.T) {
	e := newEnv(t, []*framework.Framework{manyObjectives(90, 3)})
	e.ok(adminUser, "import many")
	r := e.ok(bob, "list")
	var want []string
	for i := 1; i <= 90; i++ {
		want = append(want, fmt.Sprintf("`many/%d.3`", i), fmt.Sprintf("many/%d Objective %d", i, i))
	}
	checkBlocks(t, "list of 90 objectives", r.Blocks, want)

	// Too many to read: the list shows maxListed, and its last block says
	// how many more there are and how to narrow it.
	e = newEnv(t, []*framework.Framework{manyObjectives(300, 10)})
	e.ok(adminUser, "import many")
	r = e.ok(bob, "list")
	checkBlocks(t, "list of 3000 targets", r.Blocks, []string{"All targets (3000)", "`many/1.1`", "`many/30.10`", "/target list <objective>"})
	if strings.Contains(r.Text(), "`many/31.1`") {
		t.Errorf("list shows more than %d targets", maxListed)
	}
	if last := r.Blocks[len(r.Blocks)-1]; !strings.Contains(last.Text, "2700 more targets not shown") {
		t.Errorf("last block = %+v", last)
	}
}

func TestAddFoldsTitleWhiteSpace(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "add eds/1 1.9 Staff\nnetworks   meet\tmonthly")
	if got := e.target("eds/1.9"); got.Title != "Staff networks meet monthly" {
		t.Errorf("title = %q", got.Title)
	}
	e.unchanged(adminUser, "add eds/1 1.8 \u200b", framework.EINVALID, "title", "title")
}

func TestErrorsDoNotEchoHugeInput(t *testing.T) {
	e := imported(t)
	long := strings.Repeat("9", 5000)
	for _, text := range []string{
		"update eds/1.1 " + long + "%",
		"show " + long,
		"show nope" + long + "/1.1",
		"show " + long + "/1.1",
		"help " + long,
		"list " + long,
		"list eds/" + long,
		"add " + long + " 1.9 title",
	} {
		r := e.as(adminUser, text)
		if r.Code == "" || utf8.RuneCountInString(r.Text()) > 1500 {
			t.Errorf("%.40q… = %s, %d characters", text, r.Code, utf8.RuneCountInString(r.Text()))
		}
	}
}

// People write statuses as two words too; `update 1.1 at risk` must set
// the status, not log "at risk" as a note and leave the status as it was.
func TestParseUpdateArgsTwoWordStatuses(t *testing.T) {
	u := framework.Unchanged
	for _, tt := range []struct {
		in       string
		progress int
		status   framework.Status
		note     string
	}{
		{"on track", u, framework.OnTrack, ""},
		{"40% at risk", 40, framework.AtRisk, ""},
		{"Off Track since May", u, framework.OffTrack, "since May"},
		{"40 on track", 40, framework.OnTrack, ""},
		{"not started", u, framework.NotStarted, ""},
		{"on holiday until May", u, "", "on holiday until May"},
		{"3 sessions at risk", u, "", "3 sessions at risk"},
	} {
		got, err := parseUpdateArgs(tokenize("eds/1.1 "+tt.in), 1)
		if err != nil || got.progress != tt.progress || got.status != tt.status || got.note != tt.note {
			t.Errorf("%q = %+v, %v; want progress %d status %q note %q", tt.in, got, err, tt.progress, tt.status, tt.note)
		}
	}
	if _, err := parseUpdateArgs(tokenize("eds/1.1 at risk on-track"), 1); framework.ErrorField(err) != "status" {
		t.Errorf("two statuses: err = %v", err)
	}
}

// Every example help shows must work as written, in a workspace with the
// built-in EDS imported, an update to undo, a digest to stop, settings to
// change or clear (a change that changes nothing is refused), a custom
// target with a typo to fix or archive, and an archived one to restore.
func TestHelpExamplesRun(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Verbs() {
		for _, ex := range v.ExamplesAt(newEnv(t, fws).now) {
			if strings.Contains(ex, "{") {
				t.Errorf("example %q has a placeholder ExamplesAt does not fill", ex)
			}
			e := newEnv(t, fws)
			e.digest = func(context.Context, string, string) error { return nil }
			for _, f := range fws { // every built-in, so no example leans on a bare code
				e.ok(adminUser, "import "+f.ID)
			}
			e.ok(adminUser, "update eds-2022/1A 10%")
			e.ok(adminUser, "digest here 0 8 * * FRI")
			for _, setup := range []string{
				"rate eds-2022/1A developing", "rate eds-2022/2A developing", "assign eds-2022/1A @bob", "due eds-2022/1A 2026-12-01", "snooze eds-2022/1A 3d",
				"archive eds-2022/3C", "reminders 0 8 * * FRI", "reminders pause 3d",
				"admins add @bob", "admins add @cat",
				"cycle backfill 2025/26",
				// A panel on EDS 2022's domain 3 with a member, a guest and
				// a vote, and a service, for the panel, vote and service examples.
				"panel open eds-2022/3", "panel add eds-2022/3 @UADMIN", "panel guest eds-2022/3 trade-union Pat Jones",
				"vote eds-2022/3B achieving", "service add eds-2022 ae Accident and emergency",
				"action add eds-2022/2B Listening event",
			} {
				e.ok(adminUser, setup)
			}
			if r := e.as(adminUser, ex); r.Code != "" {
				t.Errorf("help example %q fails: %s", ex, r.Text())
			}
		}
	}
}

// Control characters typed in a note (a bell, a terminal escape) are
// dropped before anything is stored; newlines stay.
func TestControlCharactersAreDropped(t *testing.T) {
	e := imported(t)
	e.ok(bob, "update eds/1.1 -- ring\a \x1b[31mred\u009b line\nnext")
	us, err := e.st.Updates(context.Background(), testWS, "eds/1.1", 1)
	if err != nil || len(us) != 1 || us[0].Note != "ring [31mred line\nnext" {
		t.Errorf("stored note = %q (%v)", us[0].Note, err)
	}
	r := e.named(bob, "update", map[string]string{"target": "eds/1.2", "note": "named\x07 note"})
	if us, _ := e.st.Updates(context.Background(), testWS, "eds/1.2", 1); r.Code != "" || len(us) != 1 || us[0].Note != "named note" {
		t.Errorf("named note stored as %+v (%s)", us, r.Text())
	}
}
