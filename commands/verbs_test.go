package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
)

func TestPermissions(t *testing.T) {
	e := imported(t, "slack:UOPS", "discord:"+bob)
	e.ok(adminUser, "assign eds/1.1 <@UAMY>")
	// bob is an admin on Discord only, so not here.
	forbidden := []struct{ text, want string }{
		{"rate eds/1.1 achieving", "only an admin or the target's owner can rate eds/1.1"},
		{"due eds/1.1 2026-12-31", "only an admin or the target's owner can set the due date of eds/1.1"},
		{"snooze eds/1.1 7d", "only an admin or the target's owner can snooze eds/1.1"},
		{"assign eds/1.1 @bob", "only an admin can assign targets"},
		{"add eds/1 1.9 Something new", "only an admin can add targets"},
		{"import nhse", "only an admin can import a framework"},
		{"digest here", "only an admin can manage digests"},
		{"digest now", "only an admin can manage digests"},
		{"timezone UTC", "only an admin can change the time zone"},
		{"reminders default", "only an admin can change the reminder schedule"},
	}
	for _, f := range forbidden {
		e.unchanged(bob, f.text, framework.EFORBIDDEN, "", f.want)
	}
	// The owner may rate, set the due date and snooze, but not reassign.
	e.ok(amy, "rate eds/1.1 achieving")
	e.ok(amy, "due eds/1.1 2026-12-31")
	e.ok(amy, "snooze eds/1.1 7d")
	e.unchanged(amy, "assign eds/1.1 me", framework.EFORBIDDEN, "", "only an admin can assign")
	got := e.target("eds/1.1")
	if got.Rating != framework.Achieving || got.Due != "2026-12-31" || got.SnoozedUntil != "2026-11-30" {
		t.Errorf("owner changes = %+v", got)
	}
	// An admin named in Options.Admins for this platform may do it all.
	e.ok("UOPS", "assign eds/1.2 @bob")
	e.ok("UOPS", "rate eds/1.2 developing")
	// Anyone may read and log updates.
	e.ok(bob, "update eds/2.1 10%")
	e.ok(bob, "list")
	e.ok(bob, "timezone")
	e.ok(bob, "reminders")
}

func TestRateAssignDue(t *testing.T) {
	e := imported(t)
	r := e.ok(adminUser, "rate eds/1.1 Excelling")
	if r.Ephemeral || r.Command != "rate" || !strings.Contains(r.Text(), "rated 🟪 *excelling*") || r.Blocks[0].Colour != view.RatingColour(framework.Excelling) {
		t.Errorf("rate = %+v", r)
	}
	e.ok(adminUser, "rate eds/1.1 none")
	if got := e.target("eds/1.1").Rating; got != framework.Unrated {
		t.Errorf("rating after none = %q", got)
	}
	for in, want := range map[string]string{"<@U123>": "U123", "<@U124|amy>": "U124", "<@!125>": "125", "@amy": "amy", "me": adminUser} {
		r := e.ok(adminUser, "assign eds/1.2 "+in)
		if got := e.target("eds/1.2").Owner; got != want {
			t.Errorf("assign %s: owner %q, want %q", in, got, want)
		}
		if !strings.Contains(r.Text(), "assigned <@"+want+">") {
			t.Errorf("assign %s: %q", in, r.Text())
		}
	}
	e.ok(adminUser, "assign eds/1.2 none")
	if got := e.target("eds/1.2").Owner; got != "" {
		t.Errorf("owner after none = %q", got)
	}
	e.ok(adminUser, "due eds/2.1 2026-11-20")
	r = e.ok(bob, "show eds/2.1")
	if !strings.Contains(r.Text(), "2026-11-20 ⚠️ *overdue*") {
		t.Errorf("overdue show = %q", r.Text())
	}
	e.ok(adminUser, "due eds/2.1 NONE")
	if got := e.target("eds/2.1").Due; !got.IsZero() {
		t.Errorf("due after none = %q", got)
	}
}

func TestAdd(t *testing.T) {
	e := imported(t)
	r := e.ok(adminUser, "add 2 2.4 Staff   networks meet monthly")
	if r.Ephemeral || !strings.Contains(r.Text(), "added the custom outcome *eds/2.4*") {
		t.Errorf("add = %+v", r)
	}
	got := e.target("eds/2.4")
	if !got.Custom || got.Objective != "2" || got.Title != "Staff networks meet monthly" || got.Status != framework.NotStarted {
		t.Errorf("added = %+v", got)
	}
	e.ok(adminUser, "import nhse")
	e.unchanged(adminUser, "add 1 1.7 Ambiguous", framework.EINVALID, "objective", "`1` is ambiguous: use `eds/1` or `nhse/1`")
	e.ok(adminUser, "add nhse/1 1.7 Not ambiguous")
	e.unchanged(adminUser, "add eds/2 2.4 Again", framework.ECONFLICT, "code", "`eds/2.4` exists already")
	if r := e.ok(bob, "show nhse/1.7"); !strings.Contains(r.Text(), "(custom)") {
		t.Errorf("show custom = %q", r.Text())
	}
}

func TestList(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "import nhse")
	e.ok(adminUser, "assign eds/1.1 <@UAMY|amy>")
	e.ok(adminUser, "due eds/1.1 2026-11-01")
	e.ok(adminUser, "due eds/1.2 2026-12-01")
	e.ok(amy, "update nhse/5.2 at-risk")
	e.ok(amy, "update eds/2.1 off-track")

	r := e.ok(bob, "list")
	if !r.Ephemeral || len(r.Blocks) != 5 || r.Blocks[0].Title != "All targets (5)" {
		t.Fatalf("list = %d blocks %q", len(r.Blocks), r.Text())
	}
	if !strings.HasPrefix(r.Blocks[1].Title, "eds/1 Commissioned or provided services") || !strings.Contains(r.Blocks[1].Text, "`eds/1.2`") {
		t.Errorf("first objective block = %+v", r.Blocks[1])
	}
	if r.Blocks[2].Colour != view.StatusColour(framework.OffTrack) {
		t.Errorf("eds/2 colour = %q, want off-track", r.Blocks[2].Colour)
	}
	cases := []struct {
		text   string
		has    []string
		hasnot []string
	}{
		{"list eds/1", []string{"eds/1.1", "eds/1.2"}, []string{"eds/2.1", "nhse/"}},
		{"list 5", []string{"nhse/5.2"}, []string{"eds/"}},
		{"list eds", []string{"eds/1.1", "eds/2.1"}, []string{"nhse/"}},
		{"list mine", []string{"eds/1.1"}, []string{"eds/1.2"}},
		{"list <@UAMY>", []string{"eds/1.1"}, []string{"eds/1.2"}},
		{"list overdue", []string{"eds/1.1", "*overdue*"}, []string{"eds/1.2", "nhse/"}},
		{"list AT-RISK", []string{"nhse/5.2", "eds/2.1"}, []string{"eds/1.1"}},
	}
	for _, c := range cases {
		r := e.as(amy, c.text)
		if r.Code != "" {
			t.Errorf("%q: %s", c.text, r.Text())
			continue
		}
		for _, s := range c.has {
			if !strings.Contains(r.Text(), s) {
				t.Errorf("%q lacks %q: %s", c.text, s, r.Text())
			}
		}
		for _, s := range c.hasnot {
			if strings.Contains(r.Text(), s) {
				t.Errorf("%q has %q: %s", c.text, s, r.Text())
			}
		}
	}
	e.fail(amy, "list 1", framework.EINVALID, "objective", "`1` is ambiguous: use `eds/1` or `nhse/1`")
	for text, want := range map[string]string{
		"list mine":  "no targets are assigned to you",
		"list @carl": "<@carl> owns no targets",
	} {
		if r := e.ok(bob, text); !strings.Contains(r.Text(), want) || len(r.Blocks) != 1 {
			t.Errorf("%q = %q", text, r.Text())
		}
	}
	e.ok(adminUser, "update eds/1.1 done")
	if r := e.ok(bob, "list overdue"); !strings.Contains(r.Text(), "nothing is overdue") {
		t.Errorf("list overdue after done = %q", r.Text())
	}
}

// A framework with grading shows its score, maximum and band in its list.
func TestListGradedFrameworkShowsScore(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")
	for ref, grade := range map[string]string{"1A": "excelling", "1B": "achieving", "2A": "achieving", "2B": "developing", "3A": "achieving", "3B": "achieving", "3C": "achieving", "1C": "undeveloped", "2C": "developing"} {
		e.ok(adminUser, "rate eds-2022/"+ref+" "+grade)
	}
	r := e.ok(bob, "list eds-2022")
	if want := "Score `eds-2022`: 15 of 33 so far, 🟧 developing (provisional: 2 outcomes ungraded)"; r.Blocks[0].Text != want {
		t.Errorf("list eds-2022 heading = %q, want %q", r.Blocks[0].Text, want)
	}
	if r := e.ok(bob, "list eds-2022/1"); strings.Contains(r.Text(), "Score") {
		t.Errorf("an objective's list shows the framework's score: %s", r.Text())
	}
}

func TestShowAndHistory(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "assign eds/1.1 @amy")
	e.ok(adminUser, "rate eds/1.1 developing")
	for i := 1; i <= 12; i++ {
		e.now = e.now.Add(time.Minute)
		e.ok(amy, fmt.Sprintf("update eds/1.1 %d%% on-track step %d", i*5, i))
	}
	r := e.ok(bob, "show 1.1")
	if !r.Ephemeral || len(r.Blocks) != 2 {
		t.Fatalf("show = %+v", r)
	}
	b := r.Blocks[0]
	if b.Colour != view.RatingColour(framework.Developing) || !strings.Contains(b.Title, "eds/1.1 Patients have required levels of access") {
		t.Errorf("show block = %+v", b)
	}
	wantButtons := []bot.Button{
		{Label: "Log update", Command: "update eds/1.1", Form: true},
		{Label: "Mark done", Command: "update eds/1.1 done", Style: "primary"},
	}
	if fmt.Sprint(r.Blocks[1].Buttons) != fmt.Sprint(wantButtons) {
		t.Errorf("buttons = %+v", r.Blocks[1].Buttons)
	}
	// 12 updates, an assign and a rate: show lists 5 and counts the rest.
	if !strings.Contains(r.Blocks[1].Text, "…9 older changes: `/target history eds/1.1`") {
		t.Errorf("show does not say where the older updates are: %s", r.Blocks[1].Text)
	}
	for _, want := range []string{"▓▓▓▓▓▓░░░░ 60%", "🟢 on-track", "<@UAMY>", "🟧 developing", "no due date", "eds/1 Commissioned", "step 12", "step 8"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("show lacks %q: %s", want, r.Text())
		}
	}
	if strings.Contains(r.Text(), "step 7”") {
		t.Errorf("show has more than 5 updates: %s", r.Text())
	}
	lines := func(r bot.Reply) int { return strings.Count(r.Text(), "\n• ") }
	if n := lines(e.ok(bob, "history eds/1.1")); n != 10 {
		t.Errorf("history default shows %d, want 10", n)
	}
	if r := e.ok(bob, "history eds/1.1 3"); lines(r) != 3 || !strings.Contains(r.Text(), "…11 older changes not shown: `/target history eds/1.1 all` shows everything") || !strings.Contains(r.Text(), "(newest first, 3 of 14)") {
		t.Errorf("history 3 shows %d, and says nothing of the rest: %s", lines(r), r.Text())
	}
	if r := e.ok(bob, "history eds/1.1 14"); lines(r) != 14 || strings.Contains(r.Text(), "older") || !strings.Contains(r.Text(), "(newest first, 14)") {
		t.Errorf("history 14 of 14 = %s", r.Text())
	}
	for _, text := range []string{"history eds/1.1 500", "history eds/1.1 all", "history 1.1 ALL"} {
		if n := lines(e.ok(bob, text)); n != 14 {
			t.Errorf("%s shows %d, want all 14", text, n)
		}
	}
	// The oldest two are the assign and the rate, interleaved by time.
	all := e.ok(bob, "history eds/1.1 all").Text()
	if i, j := strings.Index(all, "rated 🟧 developing in 2026/27"), strings.Index(all, "assigned <@amy>"); i < 0 || j < i || !strings.Contains(all[j:], "(was unassigned)") {
		t.Errorf("history all lacks the rate and the assign, oldest last: %s", all)
	}
	e.ok(amy, "undo")
	r = e.ok(bob, "history eds/1.1 2")
	if !strings.Contains(r.Text(), "~ (withdrawn)") || strings.Count(r.Text(), "withdrawn") != 1 {
		t.Errorf("history after undo = %s", r.Text())
	}
	if r := e.ok(bob, "history eds/2.1"); !strings.Contains(r.Text(), "has no history yet") {
		t.Errorf("empty history = %q", r.Text())
	}
	e.ok(amy, "update eds/2.1 done")
	if r := e.ok(bob, "show eds/2.1"); len(r.Blocks[1].Buttons) != 1 {
		t.Errorf("done target offers %+v", r.Blocks[1].Buttons)
	}
}

func TestUndo(t *testing.T) {
	e := imported(t)
	e.fail(amy, "undo", framework.ENOTFOUND, "", "you have no update to undo")
	e.ok(amy, "update eds/1.1 20% on-track")
	e.now = e.now.Add(time.Minute)
	e.ok(amy, "update eds/1.1 50% at-risk")
	e.now = e.now.Add(14 * time.Minute)
	r := e.ok(amy, "/target undo")
	if r.Ephemeral || !strings.Contains(r.Text(), "<@UAMY> undid their update to *eds/1.1*") || !strings.Contains(r.Text(), "20%") {
		t.Errorf("undo = %+v", r)
	}
	if got := e.target("eds/1.1"); got.Progress != 20 || got.Status != framework.OnTrack {
		t.Errorf("after undo = %+v", got)
	}
	e.fail(amy, "undo", framework.ECONFLICT, "", "already undone")

	// Too late.
	e.ok(amy, "update eds/1.2 30%")
	e.now = e.now.Add(16 * time.Minute)
	e.unchanged(amy, "undo", framework.ECONFLICT, "", "was logged 16 minutes ago, and undo works for 15 minutes")

	// Someone else updated after.
	e.ok(amy, "update eds/2.1 30%")
	e.ok(bob, "update eds/2.1 40%")
	e.unchanged(amy, "undo", framework.ECONFLICT, "", "<@UBOB> updated `eds/2.1` after you")
	e.ok(bob, "undo")
	if got := e.target("eds/2.1"); got.Progress != 30 {
		t.Errorf("bob's undo left %+v", got)
	}
}

func TestSnooze(t *testing.T) {
	e := imported(t)
	r := e.ok(adminUser, "snooze eds/1.1 2w waiting for  board sign-off")
	if r.Ephemeral || !strings.Contains(r.Text(), "snoozed reminders until 2026-12-07") || !strings.Contains(r.Text(), "*Reminders snoozed:* until 2026-12-07: waiting for  board sign-off") {
		t.Errorf("snooze = %+v", r)
	}
	got := e.target("eds/1.1")
	if got.SnoozedUntil != "2026-12-07" || got.SnoozeReason != "waiting for  board sign-off" {
		t.Errorf("snoozed = %+v", got)
	}
	if r := e.ok(bob, "show eds/1.1"); !strings.Contains(r.Text(), "until 2026-12-07: waiting") {
		t.Errorf("show snoozed = %q", r.Text())
	}
	e.ok(adminUser, "snooze eds/1.1 2027-01-15")
	if got := e.target("eds/1.1"); got.SnoozedUntil != "2027-01-15" || got.SnoozeReason != "" {
		t.Errorf("snoozed to date = %+v", got)
	}
	e.fail(adminUser, "snooze eds/1.1 off because", framework.EINVALID, "reason", "takes no reason")
	e.ok(adminUser, "snooze eds/1.1 off")
	if got := e.target("eds/1.1"); !got.SnoozedUntil.IsZero() {
		t.Errorf("after off = %+v", got)
	}
}

func TestDigest(t *testing.T) {
	e := imported(t)
	e.digest = func(context.Context, string, string) error { return nil }
	e.fail(adminUser, "digest now", framework.ENOTFOUND, "", "run `/target digest here` first")
	e.digest = nil
	r := e.ok(adminUser, "digest here")
	// 2026-11-23 10:00 UTC is a Monday; the next 09:00 Monday in London is a week on.
	if r.Ephemeral || !strings.Contains(r.Text(), "digests on Mondays at 09:00 (Europe/London)") || !strings.Contains(r.Text(), "Mon 30 Nov 2026 at 09:00 GMT") {
		t.Errorf("digest here = %q", r.Text())
	}
	e.ok(adminUser, "timezone America/New_York")
	r = e.ok(adminUser, "digest here 30 8 * * MON-FRI")
	if !strings.Contains(r.Text(), "Mon 23 Nov 2026 at 08:30 EST") {
		t.Errorf("digest here with spec = %q", r.Text())
	}
	subs, err := e.st.Subscriptions(t.Context(), testWS)
	if err != nil || len(subs) != 1 || subs[0].Spec != "30 8 * * MON-FRI" || subs[0].Channel != "C1" || subs[0].CreatedBy != adminUser {
		t.Fatalf("subscriptions = %+v, %v", subs, err)
	}
	e.fail(adminUser, "digest now", framework.EUNAVAILABLE, "", "digests are not available")
	var called string
	e.digest = func(_ context.Context, ws, channel string) error {
		called = ws + " " + channel
		return nil
	}
	r = e.ok(adminUser, "digest now")
	if !r.Ephemeral || r.Text() != "the digest is posted in this channel" || r.Command != "digest" || called != testWS+" C1" {
		t.Errorf("digest now = %+v (called %q)", r, called)
	}
	e.digest = func(context.Context, string, string) error {
		return fmt.Errorf("boom")
	}
	e.fail(adminUser, "digest now", framework.EINTERNAL, "", "internal error")
	e.ok(adminUser, "digest off")
	e.fail(adminUser, "digest off", framework.ENOTFOUND, "", "this channel gets no digests")
	if subs, _ := e.st.Subscriptions(t.Context(), testWS); len(subs) != 0 {
		t.Errorf("after off: %+v", subs)
	}
}

func TestTimezoneAndReminders(t *testing.T) {
	e := imported(t)
	if r := e.ok(bob, "timezone"); !strings.Contains(r.Text(), "`Europe/London` (the bot's default)") {
		t.Errorf("timezone = %q", r.Text())
	}
	r := e.ok(adminUser, "timezone asia/tokyo")
	if r.Ephemeral || !strings.Contains(r.Text(), "`Asia/Tokyo`") || !strings.Contains(r.Text(), "19:00") {
		t.Errorf("set timezone = %q", r.Text())
	}
	if w, _ := e.st.Workspace(t.Context(), testWS); w.Timezone != "Asia/Tokyo" {
		t.Errorf("stored timezone %q", w.Timezone)
	}
	// Overdue follows the workspace's zone: at 2026-11-23 20:00 UTC it is
	// already the 24th in Tokyo, so a target due on the 23rd is overdue.
	e.now = time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	e.ok(adminUser, "due eds/1.1 2026-11-23")
	if r := e.ok(bob, "list overdue"); !strings.Contains(r.Text(), "eds/1.1") {
		t.Errorf("overdue in Tokyo = %q", r.Text())
	}
	e.ok(adminUser, "timezone Europe/London")
	if r := e.ok(bob, "list overdue"); !strings.Contains(r.Text(), "nothing is overdue") {
		t.Errorf("overdue in London = %q", r.Text())
	}

	if r := e.ok(bob, "reminders"); !strings.Contains(r.Text(), "run on weekdays at 09:00 (the default") {
		t.Errorf("reminders = %q", r.Text())
	}
	e.ok(adminUser, "reminders 0 10 * * MON,THU")
	if w, _ := e.st.Workspace(t.Context(), testWS); w.ReminderSpec != "0 10 * * MON,THU" {
		t.Errorf("reminder spec %q", w.ReminderSpec)
	}
	e.ok(adminUser, "reminders default")
	if w, _ := e.st.Workspace(t.Context(), testWS); w.ReminderSpec != "" {
		t.Errorf("reminder spec after default %q", w.ReminderSpec)
	}
}

func TestUpdateDoneTarget(t *testing.T) {
	e := imported(t)
	e.ok(amy, "update eds/1.1 done")
	e.unchanged(amy, "update eds/1.1 60%", framework.EINVALID, "status", "eds/1.1 is done: give its new status too, for example `/target update eds/1.1 60% on-track`")
	e.ok(amy, "update eds/1.1 60% at-risk reopened")
	if got := e.target("eds/1.1"); got.Progress != 60 || got.Status != framework.AtRisk {
		t.Errorf("reopened = %+v", got)
	}
}
