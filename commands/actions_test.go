package commands

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// builtinEnv is an env with eds-2022 and nhse-2024-26 imported.
func builtinEnv(t *testing.T) *env {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")
	e.ok(adminUser, "import nhse-2024-26")
	return e
}

// actionsUnchanged runs text, expects it to fail, and checks no action
// entry changed.
func (e *env) actionsUnchanged(user, text, code, field, want string) {
	e.t.Helper()
	before := e.entries(EntryAction)
	e.fail(user, text, code, field, want)
	if after := e.entries(EntryAction); !reflect.DeepEqual(before, after) {
		e.t.Fatalf("%q changed actions:\n%v\n->\n%v", text, before, after)
	}
}

func contain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestActionStory(t *testing.T) {
	e := builtinEnv(t)
	e.ok(adminUser, "assign eds-2022/2B @UBOB")
	e.ok(adminUser, "people set @UAMY Amy Khan | EDI lead")
	before := e.target("eds-2022/2B")

	r := e.ok(adminUser, "action add eds-2022/2B Run a staff network listening event about due dates @UAMY due 2026-12-31 objective nhse-2024-26/1.1")
	contain(t, "add", r.Text(), "eds-2022/2B#1", "Amy Khan", "due 2026-12-31", "nhse-2024-26/1.1")
	// Without @owner the target's owner owns it; the target's owner may add.
	r = e.ok(bob, "action add eds-2022/2B Publish the minutes")
	contain(t, "add by owner", r.Text(), "eds-2022/2B#2", "<@UBOB>")

	// Bad input: each a clear private error, nothing changed.
	e.actionsUnchanged(amy, "action add eds-2022/2B Something", framework.EFORBIDDEN, "", "only an admin or the target's owner")
	e.actionsUnchanged(adminUser, "action add eds-2022/9Z Something", framework.ENOTFOUND, "target", "unknown target `eds-2022/9Z`")
	e.actionsUnchanged(adminUser, "action add eds-2022/2B Something due 2026-13-45", framework.EINVALID, "rest", "is not a date")
	e.actionsUnchanged(adminUser, "action add eds-2022/2B Something due soon", framework.EINVALID, "rest", "is not a date")
	e.actionsUnchanged(adminUser, "action update eds-2022/2B#9 40%", framework.ENOTFOUND, "", "has no action")
	e.actionsUnchanged(adminUser, "action update eds-2022/2B 40%", framework.EINVALID, "ref", "is not an action")
	e.actionsUnchanged(adminUser, "action add eds-2022/2B Link it objective eds-2022/2A", framework.EINVALID, "rest", "another framework")

	// The action's owner updates it; the target is untouched.
	r = e.ok(amy, "action update eds-2022/2B#1 40% on-track venue booked")
	contain(t, "update", r.Text(), "40%", "on-track", "venue booked")
	e.actionsUnchanged(adminUser+"X", "action update eds-2022/2B#1 50%", framework.EFORBIDDEN, "", "only the action's owner")
	if after := e.target("eds-2022/2B"); !reflect.DeepEqual(before.Progress, after.Progress) || before.Status != after.Status {
		t.Errorf("an action changed its target: %+v -> %+v", before, after)
	}

	// Both ends show the link.
	contain(t, "show", e.ok(amy, "show eds-2022/2B").Text(), "Actions (2 open)", "eds-2022/2B#1", "Amy Khan", "40%", "→ `nhse-2024-26/1.1`")
	contain(t, "show linked", e.ok(amy, "show nhse-2024-26/1.1").Text(), "eds-2022/2B#1", "moves `eds-2022/2B`")
	contain(t, "list mine", e.ok(amy, "action list mine").Text(), "eds-2022/2B#1")
	if txt := e.ok(amy, "action list mine").Text(); strings.Contains(txt, "#2") {
		t.Errorf("list mine shows another's action:\n%s", txt)
	}

	// It goes overdue.
	e.now = e.now.AddDate(0, 1, 10)
	contain(t, "overdue", e.ok(amy, "action list overdue").Text(), "eds-2022/2B#1", "overdue")

	e.ok(bob, "action drop eds-2022/2B#2 merged into #1")
	e.actionsUnchanged(adminUser, "action done eds-2022/2B#2", framework.ECONFLICT, "", "dropped already")
	e.ok(amy, "action snooze eds-2022/2B#1 7d")
	r = e.ok(amy, "action done eds-2022/2B#1 held on the 12th")
	contain(t, "done", r.Text(), "done on 2027-01-02")
	contain(t, "list done", e.ok(amy, "action list done").Text(), "eds-2022/2B#1", "done on 2027-01-02", "dropped")
	contain(t, "list", e.ok(amy, "action list").Text(), "none")

	// The record keeps every step.
	hist := e.ok(amy, "history eds-2022/2B").Text()
	contain(t, "history", hist, "added action `eds-2022/2B#1`", "updated action `eds-2022/2B#1`", "marked action `eds-2022/2B#1` done", "dropped action `eds-2022/2B#2`")
}

// TestActionUpdateIsOneRoundTripOnRedis pins that `action update` by the
// action's owner, or by an admin known without a read, is one write, and
// that the slow path (the target's owner) still works.
func TestActionUpdateIsOneRoundTripOnRedis(t *testing.T) {
	ctx := context.Background()
	h, s := onRedis(t)
	run := func(user, text string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: user, UserName: "Name " + user, PlatformAdmin: user == "U1", Text: text})
		return r, counter.Load()
	}
	for _, text := range []string{"import eds-2022", "assign eds-2022/2B @U3", "action add eds-2022/2B Listening event @U2 due 2026-12-31", "action update eds-2022/2B#1 -- warm"} {
		if r, _ := run("U1", text); r.Code != "" {
			t.Fatalf("%q: %s", text, r.Text())
		}
	}
	run("U2", "action list") // records U2's and U3's names
	run("U3", "action list")
	for _, c := range []struct {
		user, text string
		trips      int64
	}{
		{"U2", "action update eds-2022/2B#1 40% on-track venue booked", 1},
		{"U1", "action update eds-2022/2B#1 at-risk", 1},
		{"U2", "action update eds-2022/2B#1 -- a note only", 1},
	} {
		r, n := run(c.user, c.text)
		if r.Code != "" || n != c.trips {
			t.Errorf("%q as %s: %q %q, %d round trips, want %d", c.text, c.user, r.Code, r.Text(), n, c.trips)
		}
	}
	// The target's owner is allowed after a read.
	if r, _ := run("U3", "action update eds-2022/2B#1 50%"); r.Code != "" {
		t.Errorf("the target's owner: %q", r.Text())
	}
	if r, _ := run("U4", "action update eds-2022/2B#1 60%"); r.Code != framework.EFORBIDDEN {
		t.Errorf("a stranger: %q %q", r.Code, r.Text())
	}
	raw, err := s.Entries(ctx, "slack:T1", EntryAction)
	if err != nil {
		t.Fatal(err)
	}
	acts := framework.ActionsOf(raw)
	if len(acts) != 1 || acts[0].Progress != 50 || acts[0].Status != framework.AtRisk || acts[0].Note != "a note only" || !acts[0].Open {
		t.Errorf("the action after its updates: %+v", acts)
	}
}

// The reminder's "Log" button opens a form on every platform, and its
// answer runs `action update` as typed text would.
func TestActionUpdateForm(t *testing.T) {
	e := builtinEnv(t)
	e.ok(adminUser, "action add eds-2022/2B Listening event @UAMY due 2026-12-31")
	f, ok := Language{}.Form("action update eds-2022/2B#1")
	if !ok || f.Verb != "action" || len(f.Fields) != 1 || f.Fields[0].Name != "rest" {
		t.Fatalf("form = %+v %v", f, ok)
	}
	if _, ok := (Language{}).Form("action done eds-2022/2B#1"); ok {
		t.Error("action done has a form")
	}
	verb, args, ok := Language{}.FormArgs("action update eds-2022/2B#1", map[string]string{"rest": "60% at-risk venue fell through"})
	if !ok {
		t.Fatal("FormArgs refused the form")
	}
	r := e.named(amy, verb, args)
	if r.Code != "" || !strings.Contains(r.Text(), "60%") {
		t.Fatalf("the form's answer: %q %q", r.Code, r.Text())
	}
	if acts := framework.ActionsOf(e.entries(EntryAction)); len(acts) != 1 || acts[0].Progress != 60 || acts[0].Status != framework.AtRisk {
		t.Errorf("after the form: %+v", acts)
	}
}
