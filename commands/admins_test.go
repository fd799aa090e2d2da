package commands

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// entries reads the test workspace's entries of one kind.
func (e *env) entries(kind store.EntryKind) map[string]string {
	e.t.Helper()
	m, err := e.st.Entries(context.Background(), testWS, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// entriesUnchanged runs text, expects it to fail, and checks no admin or
// person entry changed.
func (e *env) entriesUnchanged(user, text, code, field, want string) {
	e.t.Helper()
	admins, people := e.entries(store.EntryAdmin), e.entries(store.EntryPerson)
	e.fail(user, text, code, field, want)
	if a, p := e.entries(store.EntryAdmin), e.entries(store.EntryPerson); !reflect.DeepEqual(a, admins) || !reflect.DeepEqual(p, people) {
		e.t.Fatalf("%q changed entries:\nadmins %v -> %v\npeople %v -> %v", text, admins, a, people, p)
	}
}

func TestAdmins(t *testing.T) {
	e := imported(t, "slack:UOPS", "discord:UELSEWHERE")
	// A member can neither grant admin nor act as one.
	e.entriesUnchanged(bob, "admins add @UBOB", framework.EFORBIDDEN, "", "only an admin can grant admin")
	e.fail(amy, "assign eds/1.1 @UAMY", framework.EFORBIDDEN, "", "only an admin can assign targets")

	r := e.ok(adminUser, "admins add @UAMY")
	if r.Ephemeral || !strings.Contains(r.Text(), "<@UADMIN> made <@UAMY> an admin") {
		t.Errorf("admins add = %+v", r)
	}
	// A grant counts as the platform's role does.
	e.ok(amy, "assign eds/1.1 @UBOB")
	e.ok(amy, "cycle start 2027/28")

	r = e.ok(bob, "admins")
	for _, want := range []string{
		"<@UAMY>: granted by <@UADMIN> on 2026-11-23",
		"<@UOPS>: named in TARGETBOT_ADMINS",
		"You are not an admin by your role on the platform. Slack workspace admins and owners are admins too.",
		"<@UADMIN> made <@UAMY> an admin",
	} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("admins lacks %q:\n%s", want, r.Text())
		}
	}
	if !r.Ephemeral || strings.Contains(r.Text(), "UELSEWHERE") {
		t.Errorf("admins shows another platform's admins, or in the channel:\n%s", r.Text())
	}

	// The last admin granted here stays one, however the id is cased.
	e.entriesUnchanged(amy, "admins remove @uamy", framework.ECONFLICT, "user", "<@UAMY> is the last admin granted here")
	e.entriesUnchanged(adminUser, "admins add @uamy", framework.ECONFLICT, "", "nothing changed: <@UAMY> is already an admin here (granted by <@UADMIN> on 2026-11-23)")
	// Admins by other means cannot be removed here, and say why.
	e.entriesUnchanged(adminUser, "admins remove @UOPS", framework.ENOTFOUND, "user", "through TARGETBOT_ADMINS")
	e.entriesUnchanged(adminUser, "admins remove @UADMIN", framework.ENOTFOUND, "user", "by your role on the platform")
	e.entriesUnchanged(adminUser, "admins remove @UCAT", framework.ENOTFOUND, "user", "<@UCAT> is not an admin granted here")
	e.entriesUnchanged(adminUser, "admins add amy", framework.EINVALID, "user", "mention them")
	e.entriesUnchanged(adminUser, "admins add", framework.EINVALID, "user", "/target admins [add|remove @user]")
	e.entriesUnchanged(adminUser, "admins promote @UAMY", framework.EINVALID, "action", "`promote` is not an action")

	e.ok(amy, "admins add @UBOB")
	r = e.ok(bob, "admins remove @UAMY")
	if !strings.Contains(r.Text(), "<@UBOB> removed <@UAMY> as an admin") {
		t.Errorf("admins remove = %q", r.Text())
	}
	e.fail(amy, "assign eds/1.1 @UAMY", framework.EFORBIDDEN, "", "only an admin can assign targets")

	// Each grant and removal is in the workspace's record, with its author.
	evs, err := e.st.WorkspaceEvents(t.Context(), testWS, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		got = append(got, string(ev.Kind)+" "+ev.User+" by "+ev.Author)
	}
	if want := []string{"admin-remove UAMY by UBOB", "admin-add UBOB by UAMY", "admin-add UAMY by UADMIN"}; !reflect.DeepEqual(got, want) {
		t.Errorf("workspace events = %q, want %q", got, want)
	}
	if r := e.ok(bob, "admins"); !strings.Contains(r.Text(), "<@UBOB> removed <@UAMY> as an admin") {
		t.Errorf("admins does not show the removal:\n%s", r.Text())
	}
}

func TestPeople(t *testing.T) {
	e := imported(t)
	e.entriesUnchanged(bob, "people set @UAMY Amy Khan | EDI lead", framework.EFORBIDDEN, "", "only an admin can set people's names")
	e.entriesUnchanged(adminUser, "people set", framework.EINVALID, "user", "name the user, then their name")
	e.entriesUnchanged(adminUser, "people set @UAMY", framework.EINVALID, "person", "a name cannot be empty")
	e.entriesUnchanged(adminUser, "people set @UAMY  | EDI lead", framework.EINVALID, "person", "a name cannot be empty")
	e.entriesUnchanged(adminUser, "people set @UAMY "+strings.Repeat("a", 101), framework.EINVALID, "person", "keep it to 100")
	e.entriesUnchanged(adminUser, "people add @UAMY Amy", framework.EINVALID, "action", "`add` is not an action")
	if r := e.ok(bob, "people"); !strings.Contains(r.Text(), "No names are known here yet") {
		t.Errorf("people with none = %q", r.Text())
	}

	r := e.ok(adminUser, "people set @UAMY Amy   Khan | EDI lead")
	if !r.Ephemeral || !strings.Contains(r.Text(), "name <@UAMY> as *Amy Khan, EDI lead*") {
		t.Errorf("people set = %+v", r)
	}
	e.entriesUnchanged(adminUser, "people set @uamy Amy Khan | EDI lead", framework.ECONFLICT, "", "nothing changed: <@uamy> is already named Amy Khan, EDI lead")

	// Display names are recorded as people use targetbot, but never
	// replace a name set by hand.
	req := func(user, name, text string) bot.Reply {
		return e.h.Handle(t.Context(), bot.Request{Workspace: testWS, Channel: "C1", User: user, UserName: name, Text: text})
	}
	req(amy, "Amy K", "list")
	req(bob, "Bob Brown", "list")
	req("UCAT", "UCAT", "list") // a name that is the id says nothing
	r = e.ok(bob, "people")
	if got, want := r.Text(), "• <@UAMY>: Amy Khan, EDI lead (set by an admin)\n• <@UBOB>: Bob Brown\n"; !strings.Contains(got, want) || strings.Contains(got, "UCAT") {
		t.Errorf("people =\n%s\nwant it to hold\n%s", got, want)
	}
	req(bob, "Bob B", "list")
	if r := e.ok(bob, "people"); !strings.Contains(r.Text(), "<@UBOB>: Bob B") {
		t.Errorf("a changed display name is not recorded:\n%s", r.Text())
	}

	// Replies that name people give their names.
	e.ok(adminUser, "assign eds/1.1 @UAMY")
	e.ok(bob, "update eds/1.1 20% on-track")
	r = e.ok(bob, "show eds/1.1")
	for _, want := range []string{"Owner:* Amy Khan, EDI lead", "Bob B: 0% → 20%", "assigned Amy Khan, EDI lead (was unassigned)"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("show lacks %q:\n%s", want, r.Text())
		}
	}
	if r := e.ok(bob, "list"); !strings.Contains(r.Text(), "20% · Amy Khan, EDI lead") {
		t.Errorf("list does not name the owner:\n%s", r.Text())
	}
	// A name is inert text.
	e.ok(adminUser, "people set @UBOB *Bob* <!channel> | <@UADMIN>")
	if r := e.ok(bob, "show eds/1.1"); !strings.Contains(bot.PlainText(r.Text()), "*Bob* <!channel>, <@UADMIN>: 0% → 20%") {
		t.Errorf("a name is markup:\n%s", r.Text())
	}
}

func TestUserIdsIgnoreCase(t *testing.T) {
	e := newEnv(t, testFrameworks())
	local := func(user, text string) bot.Reply {
		t.Helper()
		r := e.h.Handle(t.Context(), bot.Request{Workspace: "local", Channel: "console", User: user, PlatformAdmin: user == "dev", Text: text})
		if r.Code != "" {
			t.Fatalf("%s: %q: %s", user, text, r.Text())
		}
		return r
	}
	local("dev", "import eds")
	local("dev", "assign eds/1.1 @Amy")
	if ts, _ := e.st.Targets(t.Context(), "local"); ts[0].Owner != "amy" {
		t.Errorf("owner stored as %q, want amy", ts[0].Owner)
	}
	for _, text := range []string{"list mine", "list @amy", "list @AMY"} {
		if r := local("Amy", text); !strings.Contains(r.Text(), "eds/1.1") {
			t.Errorf("%q does not find amy's target:\n%s", text, r.Text())
		}
	}
	local("AMY", "due eds/1.1 2027-01-31") // the owner, whatever the case
}

// fakeSwitcher is a bot.Switcher over a fixed list.
type fakeSwitcher struct {
	choices []bot.WorkspaceChoice
	used    string
}

func (s *fakeSwitcher) Workspaces(context.Context) ([]bot.WorkspaceChoice, error) {
	return s.choices, nil
}

func (s *fakeSwitcher) Use(_ context.Context, ws string) error {
	s.used = ws
	return nil
}

func TestUse(t *testing.T) {
	e := newEnv(t, testFrameworks())
	if r := e.ok(bob, "use"); !strings.Contains(r.Text(), "This chat is in workspace `slack:T1`, always") {
		t.Errorf("use without a switcher = %q", r.Text())
	}
	sw := &fakeSwitcher{choices: []bot.WorkspaceChoice{
		{ID: "teams:t/a", Name: "Equality and Inclusion", Current: true},
		{ID: "teams:t/b", Name: "Workforce"},
	}}
	in := func(ws, text string, sw bot.Switcher) bot.Reply {
		return e.h.Handle(t.Context(), bot.Request{Workspace: ws, Channel: "chat", User: "u1", Text: text, Switcher: sw})
	}
	r := in("teams:t/a", "use", sw)
	if r.Code != "" || !strings.Contains(r.Text(), "1. *Equality and Inclusion* (this chat's now)\n2. *Workforce*") {
		t.Errorf("use = %q", r.Text())
	}
	for _, tt := range []struct{ text, code, want string }{
		{"use 7", framework.EINVALID, "there is no workspace 7: you belong to 2 workspaces, numbered 1 to 2"},
		{"use 0", framework.EINVALID, "there is no workspace 0"},
		{"use Finance", framework.EINVALID, "you belong to no workspace called `Finance`"},
	} {
		if r := in("teams:t/a", tt.text, sw); r.Code != tt.code || !r.Ephemeral || !strings.Contains(r.Text(), tt.want) || sw.used != "" {
			t.Errorf("%q = %s %q (used %q)", tt.text, r.Code, r.Text(), sw.used)
		}
	}
	if r := in("teams:t/a", "use workforce", sw); r.Code != "" || sw.used != "teams:t/b" || !strings.Contains(r.Text(), "now in *Workforce*") {
		t.Errorf("use workforce = %q, used %q", r.Text(), sw.used)
	}
	sw.used = ""
	if r := in("teams:t/a", "use 1", sw); r.Code != "" || sw.used != "" || !strings.Contains(r.Text(), "already in") {
		t.Errorf("use 1 = %q, used %q", r.Text(), sw.used)
	}
	// A chat in no workspace: only help and use run, and say what to do.
	for _, sw := range []bot.Switcher{nil, &fakeSwitcher{}} {
		for _, text := range []string{"use", "list", "admins"} {
			if r := in("", text, sw); r.Code != framework.ENOTFOUND || !strings.Contains(r.Text(), "use targetbot in a team channel first") {
				t.Errorf("%q in no workspace = %s %q", text, r.Code, r.Text())
			}
		}
	}
	if r := in("", "help", nil); r.Code != "" {
		t.Errorf("help in no workspace = %q", r.Text())
	}
}

func TestInstalled(t *testing.T) {
	e := newEnv(t, testFrameworks())
	r := e.h.Installed(t.Context(), bot.Request{Workspace: testWS, Channel: "C1", User: amy, UserName: "Amy Khan"})
	if r.Ephemeral || !strings.Contains(r.Text(), helpIntro) || !strings.Contains(r.Text(), "<@UAMY> added targetbot here, so they are its first admin") {
		t.Errorf("Installed = %+v", r)
	}
	e.ok(amy, "import eds") // an admin now
	r = e.ok(bob, "admins")
	if !strings.Contains(r.Text(), "<@UAMY> (Amy Khan): installed targetbot here on 2026-11-23") ||
		!strings.Contains(r.Text(), "Amy Khan installed targetbot, and became its first admin") {
		t.Errorf("admins after install:\n%s", r.Text())
	}
	// A second install grants no one: the workspace has its admin.
	r = e.h.Installed(t.Context(), bot.Request{Workspace: testWS, Channel: "C2", User: bob})
	if strings.Contains(r.Text(), "first admin") || len(e.entries(store.EntryAdmin)) != 1 {
		t.Errorf("second install = %q, admins %v", r.Text(), e.entries(store.EntryAdmin))
	}
}

// A granted admin's change costs what a platform admin's does on Redis:
// the admin check shares the verb's read of the workspace and target.
func TestGrantedAdminCostsNoRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := redisstore.Open(ctx, redistest.Start(t), &redisstore.Options{Prefix: redistest.Prefix(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := New(Options{Store: store.Checked(s), Frameworks: testFrameworks()})
	run := func(user, text string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: user, UserName: "Name of " + user, PlatformAdmin: user == adminUser, Text: text})
		return r, counter.Load()
	}
	run(adminUser, "import eds")
	run(adminUser, "admins add @UAMY")
	run(amy, "update eds/1.1 10%") // records amy's name
	// rate also reads the panels: a panel open on the objective refuses it.
	for _, c := range []struct {
		text  string
		trips int64
	}{{"due eds/1.1 2026-12-31", 2}, {"snooze eds/1.1 2w", 2}, {"rate eds/1.1 developing", 3}} {
		if r, n := run(amy, c.text); r.Code != "" || n != c.trips {
			t.Errorf("%q by a granted admin: %q, %d round trips, want %d", c.text, r.Text(), n, c.trips)
		}
	}
	if r, n := run(amy, "update eds/1.1 20%"); r.Code != "" || n != 1 {
		t.Errorf("update by a granted admin: %q, %d round trips, want 1", r.Text(), n)
	}
}
