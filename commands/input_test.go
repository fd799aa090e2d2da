package commands

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// named runs a structured request as user in the test workspace.
func (e *env) named(user, verb string, args map[string]string) bot.Reply {
	e.t.Helper()
	r := e.h.Handle(context.Background(), bot.Request{Workspace: testWS, Channel: "C1", User: user, PlatformAdmin: user == adminUser, Verb: verb, Args: args, ID: "req"})
	if r.Text() == "" {
		e.t.Fatalf("%s %v: reply has no text: %+v", verb, args, r)
	}
	if r.Code != "" && !r.Ephemeral {
		e.t.Fatalf("%s %v: error reply is not ephemeral: %+v", verb, args, r)
	}
	return r
}

// state is what a command may change, without ids and other values that
// differ between two runs of the same command.
func (e *env) state() map[string]any {
	e.t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	ts := e.targets()
	out["targets"] = ts
	for _, t := range ts {
		us, err := e.st.Updates(ctx, testWS, t.Ref(), 50)
		if err != nil {
			e.t.Fatal(err)
		}
		var lines []string
		for _, u := range us {
			lines = append(lines, strings.Join([]string{u.Author, u.Time.String(), string(u.Status), u.Note}, "|")+
				"|"+strings.Repeat("!", u.Progress+1)+map[bool]string{true: " withdrawn"}[u.Withdrawn])
		}
		out["updates "+t.Ref()] = lines
	}
	w, err := e.st.Workspace(ctx, testWS)
	if err != nil {
		e.t.Fatal(err)
	}
	out["workspace"] = w
	subs, err := e.st.Subscriptions(ctx, testWS)
	if err != nil {
		e.t.Fatal(err)
	}
	out["subscriptions"] = subs
	return out
}

// Every verb given its arguments by name does exactly what the same
// command typed as text does: the same reply, the same changes.
func TestNamedArgsMatchText(t *testing.T) {
	cases := []struct {
		text string
		verb string
		args map[string]string
	}{
		{"help", "help", nil},
		{"help update", "help", map[string]string{"verb": "update"}},
		{"frameworks", "frameworks", nil},
		{"import nhse", "import", map[string]string{"framework": "nhse"}},
		{"import nope", "import", map[string]string{"framework": "nope"}},
		{"list", "list", nil},
		{"list overdue", "list", map[string]string{"filter": "overdue"}},
		{"list eds/2", "list", map[string]string{"filter": "eds/2"}},
		{"show eds/1.1", "show", map[string]string{"target": "eds/1.1"}},
		{"show 9.9", "show", map[string]string{"target": "9.9"}},
		{"update eds/1.1 40% on-track -- Board signed off", "update", map[string]string{"target": "eds/1.1", "progress": "40", "status": "on-track", "note": "Board signed off"}},
		{"update eds/1.1 40%", "update", map[string]string{"target": "eds/1.1", "progress": "40%"}},
		{"update 1.1 done", "update", map[string]string{"target": "1.1", "status": "done"}},
		{"update eds/1.1 at risk", "update", map[string]string{"target": "eds/1.1", "status": "at risk"}},
		{"update eds/1.1 -- on-track", "update", map[string]string{"target": "eds/1.1", "note": "on-track"}},
		{"update eds/1.1 -- 50% of staff trained", "update", map[string]string{"target": "eds/1.1", "note": "50% of staff trained"}},
		{"update eds/1.1 3 sessions held <!channel>", "update", map[string]string{"target": "eds/1.1", "note": "3 sessions held <!channel>"}},
		{"update eds/1.1 60% done", "update", map[string]string{"target": "eds/1.1", "progress": "60", "status": "done"}},
		{"update eds/1.1 101%", "update", map[string]string{"target": "eds/1.1", "progress": "101%"}},
		{"update eds/9.9 10%", "update", map[string]string{"target": "eds/9.9", "progress": "10"}},
		{"rate eds/1.1 achieving", "rate", map[string]string{"target": "eds/1.1", "grade": "achieving"}},
		{"vote eds/1.1 achieving", "vote", map[string]string{"target": "eds/1.1", "grade": "achieving"}},
		{"vote eds/1.1 achieving for Pat Jones good work", "vote", map[string]string{"target": "eds/1.1", "grade": "achieving", "reason": "for Pat Jones good work"}},
		{"panel", "panel", nil},
		{"panel open eds/1", "panel", map[string]string{"action": "open", "rest": "eds/1"}},
		{"panel guest eds/1 union Pat", "panel", map[string]string{"action": "guest", "rest": "eds/1 union Pat"}},
		{"service", "service", nil},
		{"service add eds ae A and E", "service", map[string]string{"action": "add", "rest": "eds ae A and E"}},
		{"rate eds/1.1 none", "rate", map[string]string{"target": "eds/1.1", "grade": "none"}},
		{"rate eds/1.1 great", "rate", map[string]string{"target": "eds/1.1", "grade": "great"}},
		{"assign eds/1.1 <@UAMY>", "assign", map[string]string{"target": "eds/1.1", "user": "UAMY"}},
		{"assign eds/1.1 <@UAMY>", "assign", map[string]string{"target": "eds/1.1", "user": "<@UAMY>"}},
		{"assign eds/1.1 <@UAMY>", "assign", map[string]string{"target": "eds/1.1", "user": "UAMY", "unassign": "false"}},
		{"assign eds/1.1 none", "assign", map[string]string{"target": "eds/1.1", "unassign": "true"}},
		{"due eds/1.1 2026-12-31", "due", map[string]string{"target": "eds/1.1", "date": "2026-12-31"}},
		{"due eds/1.1 none", "due", map[string]string{"target": "eds/1.1", "date": "none"}},
		{"due eds/1.1 2026-13-01", "due", map[string]string{"target": "eds/1.1", "date": "2026-13-01"}},
		{"add eds/2 2.5 Staff networks meet monthly", "add", map[string]string{"objective": "eds/2", "code": "2.5", "title": "Staff networks meet monthly"}},
		{"add eds/2 bad!code A title", "add", map[string]string{"objective": "eds/2", "code": "bad!code", "title": "A title"}},
		{"history eds/1.1", "history", map[string]string{"target": "eds/1.1"}},
		{"history eds/1.1 1", "history", map[string]string{"target": "eds/1.1", "count": "1"}},
		{"history eds/1.1 0", "history", map[string]string{"target": "eds/1.1", "count": "0"}},
		{"history eds/1.1 all", "history", map[string]string{"target": "eds/1.1", "all": "true"}},
		{"rate eds/1.1 developing no policy yet", "rate", map[string]string{"target": "eds/1.1", "grade": "developing", "reason": "no policy yet"}},
		{"edit eds/1.1 Patients have the access they need", "edit", map[string]string{"target": "eds/1.1", "title": "Patients have the access they need"}},
		{"edit eds/1.1 Patients have required levels of access", "edit", map[string]string{"target": "eds/1.1", "title": "Patients have required levels of access"}},
		{"archive eds/1.1", "archive", map[string]string{"target": "eds/1.1"}},
		{"restore eds/1.1", "restore", map[string]string{"target": "eds/1.1"}},
		{"evidence eds/1.1 https://example.org/p.pdf Board paper", "evidence", map[string]string{"target": "eds/1.1", "url": "https://example.org/p.pdf", "title": "Board paper"}},
		{"evidence eds/1.1 ftp://example.org/p.pdf", "evidence", map[string]string{"target": "eds/1.1", "url": "ftp://example.org/p.pdf"}},
		{"cycle", "cycle", nil},
		{"cycle start 2027/28", "cycle", map[string]string{"action": "start", "cycle": "2027/28"}},
		{"cycle start 2027-28", "cycle", map[string]string{"action": "start", "cycle": "2027-28"}},
		{"org", "org", nil},
		{"org name Northtown NHS Trust", "org", map[string]string{"field": "name", "value": "Northtown NHS Trust"}},
		{"publish-check", "publish-check", nil},
		{"cycle sign-off 2026-11-20 Trust board", "cycle", map[string]string{"action": "sign-off", "details": "2026-11-20 Trust board"}},
		{"report", "report", nil},
		{"report eds", "report", map[string]string{"framework": "eds"}},
		{"report 2026/27", "report", map[string]string{"cycle": "2026/27"}},
		{"report eds 2026/27", "report", map[string]string{"framework": "eds", "cycle": "2026/27"}},
		{"report nope", "report", map[string]string{"framework": "nope"}},
		{"report eds 2020/21", "report", map[string]string{"framework": "eds", "cycle": "2020/21"}},
		{"undo", "undo", nil},
		{"snooze eds/1.1 2w waiting for board sign-off", "snooze", map[string]string{"target": "eds/1.1", "until": "2w", "reason": "waiting for board sign-off"}},
		{"snooze eds/1.1 off", "snooze", map[string]string{"target": "eds/1.1", "until": "off"}},
		{"snooze eds/1.1 soon", "snooze", map[string]string{"target": "eds/1.1", "until": "soon"}},
		{"digest here 0 8 * * FRI", "digest", map[string]string{"action": "here", "cron": "0 8 * * FRI"}},
		{"digest off", "digest", map[string]string{"action": "off"}},
		{"digest now", "digest", map[string]string{"action": "now"}},
		{"digest off 0 8 * * FRI", "digest", map[string]string{"action": "off", "cron": "0 8 * * FRI"}},
		{"digest later", "digest", map[string]string{"action": "later"}},
		{"timezone", "timezone", nil},
		{"timezone europe/paris", "timezone", map[string]string{"name": "europe/paris"}},
		{"timezone Mars/Base", "timezone", map[string]string{"name": "Mars/Base"}},
		{"reminders", "reminders", nil},
		{"reminders 0 10 * * MON,THU", "reminders", map[string]string{"cron": "0 10 * * MON,THU"}},
		{"reminders default", "reminders", map[string]string{"cron": "default"}},
		{"admins", "admins", nil},
		{"admins add @UAMY", "admins", map[string]string{"action": "add", "user": "UAMY"}},
		{"admins remove @UAMY", "admins", map[string]string{"action": "remove", "user": "UAMY"}},
		{"admins promote @UAMY", "admins", map[string]string{"action": "promote", "user": "UAMY"}},
		{"people", "people", nil},
		{"people set @UAMY Amy Khan | EDI lead", "people", map[string]string{"action": "set", "user": "UAMY", "person": "Amy Khan | EDI lead"}},
		{"people set @UAMY  | EDI lead", "people", map[string]string{"action": "set", "user": "UAMY", "person": " | EDI lead"}},
		{"use", "use", nil},
		{"use 2", "use", map[string]string{"workspace": "2"}},
		{"measure eds/1.1 percent baseline 30 2025 goal 20", "measure", map[string]string{"target": "eds/1.1", "settings": "percent baseline 30 2025 goal 20"}},
		{"measure eds/1.1 band 0.8 1.2", "measure", map[string]string{"target": "eds/1.1", "settings": "band 0.8 1.2"}},
		{"record eds/1.1 2026 25 a note", "record", map[string]string{"target": "eds/1.1", "period": "2026", "value": "25 a note"}},
		{"record eds/1.1 2026-27 25", "record", map[string]string{"target": "eds/1.1", "period": "2026-27", "value": "25"}},
		{"trend eds/1.1", "trend", map[string]string{"target": "eds/1.1"}},
		{"action list", "action", map[string]string{"action": "list"}},
		{"action add eds/1.1 Hold a listening event @UAMY due 2026-12-31", "action", map[string]string{"action": "add", "ref": "eds/1.1", "rest": "Hold a listening event @UAMY due 2026-12-31"}},
	}
	setup := func(t *testing.T) *env {
		e := imported(t)
		e.digest = func(context.Context, string, string) error { return nil }
		e.ok(adminUser, "update eds/1.1 10% on-track first")
		e.ok(adminUser, "digest here")
		return e
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.verb] = true
		t.Run(c.text, func(t *testing.T) {
			te := setup(t)
			want := te.as(adminUser, c.text)
			ne := setup(t)
			got := ne.named(adminUser, c.verb, c.args)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("named %v\ngot  %+v\nwant %+v", c.args, got, want)
			}
			if gs, ws := ne.state(), te.state(); !reflect.DeepEqual(gs, ws) {
				t.Errorf("named %v left\n%+v\ntext left\n%+v", c.args, gs, ws)
			}
		})
	}
	for _, v := range Verbs() {
		if !covered[v.Name] {
			t.Errorf("verb %s has no named-arguments case", v.Name)
		}
	}
}

// A named note is a note, whatever it looks like: it is never read for
// a progress or a status, and never needs `--`.
func TestNamedNoteStaysANote(t *testing.T) {
	e := imported(t)
	for _, note := range []string{"on-track", "50% of staff trained", "-- done", "done"} {
		e.named(amy, "update", map[string]string{"target": "eds/1.1", "note": note})
		got := e.target("eds/1.1")
		if got.Status != framework.NotStarted || got.Progress != 0 {
			t.Errorf("note %q changed the target: %s %d%%", note, got.Status, got.Progress)
		}
		us, err := e.st.Updates(context.Background(), testWS, "eds/1.1", 1)
		if err != nil || len(us) != 1 || us[0].Note != note {
			t.Errorf("note %q stored as %+v (%v)", note, us, err)
		}
	}
	r := e.named(amy, "update", map[string]string{"target": "eds/1.1", "progress": "40", "status": "at-risk", "note": "on-track"})
	got := e.target("eds/1.1")
	if r.Code != "" || got.Progress != 40 || got.Status != framework.AtRisk || !strings.Contains(r.Text(), "“on-track”") {
		t.Errorf("progress, status and note: %+v, reply %q", got, r.Text())
	}
}

func TestNamedArgsErrors(t *testing.T) {
	e := imported(t)
	cases := []struct {
		verb       string
		args       map[string]string
		field      string
		want       []string
		wantUsage  bool
		wantCode   string
		wantChange bool
	}{
		{"update", map[string]string{"target": "eds/1.1", "mood": "happy"}, "", []string{"update has no argument `mood`"}, true, framework.EINVALID, false},
		{"update", map[string]string{"progress": "40"}, "target", []string{"the target is missing"}, true, framework.EINVALID, false},
		{"update", map[string]string{"target": "  ", "progress": "40"}, "target", []string{"the target is missing"}, true, framework.EINVALID, false},
		{"update", map[string]string{"target": "eds/1.1"}, "", []string{"say what changed"}, true, framework.EINVALID, false},
		{"update", map[string]string{"target": "eds/1.1", "status": "bogus"}, "status", []string{"`bogus` is not a status: use not-started, on-track, at-risk, off-track or done"}, false, framework.EINVALID, false},
		{"update", map[string]string{"target": "eds/1.1", "progress": "forty"}, "progress", []string{"progress `forty` must be a whole number from 0 to 100"}, false, framework.EINVALID, false},
		{"update", map[string]string{"target": "eds/1.1", "progress": "-1"}, "progress", []string{"from 0 to 100"}, false, framework.EINVALID, false},
		{"history", map[string]string{"target": "eds/1.1", "count": "many"}, "n", []string{"`many` is not a count: give a whole number from 1 to 1000"}, true, framework.EINVALID, false},
		{"assign", map[string]string{"target": "eds/1.1", "user": "UAMY", "unassign": "true"}, "owner", []string{"give a user or unassign, not both"}, true, framework.EINVALID, false},
		{"assign", map[string]string{"target": "eds/1.1"}, "owner", []string{"name a user, or unassign"}, true, framework.EINVALID, false},
		{"assign", map[string]string{"target": "eds/1.1", "unassign": "maybe"}, "unassign", []string{"unassign is `maybe`: say true or false"}, true, framework.EINVALID, false},
		{"assign", map[string]string{"target": "eds/1.1", "user": "<@U1> <@U2>"}, "owner", []string{"is not a user"}, false, framework.EINVALID, false},
		{"rate", map[string]string{"target": "eds/1.1"}, "grade", []string{"the grade is missing"}, true, framework.EINVALID, false},
		{"digest", nil, "action", []string{"the action is missing"}, true, framework.EINVALID, false},
		{"frameworks", map[string]string{"framework": "eds"}, "", []string{"frameworks has no argument `framework`"}, true, framework.EINVALID, false},
	}
	for _, c := range cases {
		before := e.state()
		r := e.named(adminUser, c.verb, c.args)
		if r.Code != c.wantCode || r.Field != c.field || r.Command != c.verb {
			t.Errorf("%s %v: code %q field %q command %q, want %q %q %q: %s", c.verb, c.args, r.Code, r.Field, r.Command, c.wantCode, c.field, c.verb, r.Text())
		}
		for _, w := range c.want {
			if !strings.Contains(r.Text(), w) {
				t.Errorf("%s %v: %q lacks %q", c.verb, c.args, r.Text(), w)
			}
		}
		if usage := strings.Contains(r.Text(), "`/target "+c.verb); usage != c.wantUsage {
			t.Errorf("%s %v: usage shown %v, want %v: %q", c.verb, c.args, usage, c.wantUsage, r.Text())
		}
		if after := e.state(); !reflect.DeepEqual(before, after) {
			t.Errorf("%s %v changed the store", c.verb, c.args)
		}
	}
	// An unknown verb is explained as typed text is.
	r := e.named(bob, "updte", map[string]string{"target": "eds/1.1"})
	if r.Code != framework.EINVALID || r.Command != "" || !strings.Contains(r.Text(), "did you mean `/target update`") {
		t.Errorf("unknown verb: %+v", r)
	}
	// Verb wins over Text: the text is not read.
	r = e.h.Handle(context.Background(), bot.Request{Workspace: testWS, User: bob, Verb: "show", Args: map[string]string{"target": "eds/1.1"}, Text: "update eds/1.1 done"})
	if r.Command != "show" || e.target("eds/1.1").Status == framework.Done {
		t.Errorf("request with Verb and Text ran %q", r.Command)
	}
}

// Every limit the table declares is the limit the verb enforces: a value
// of MaxLen characters is taken, one more is refused with the argument
// named, whether typed or named.
func TestDeclaredLimitsAreEnforced(t *testing.T) {
	base := map[string]map[string]string{
		"update":   {"target": "eds/1.1"},
		"add":      {"objective": "eds/2", "code": "2.9", "title": "A title"},
		"snooze":   {"target": "eds/1.1", "until": "7d"},
		"rate":     {"target": "eds/1.1", "grade": "achieving"},
		"edit":     {"target": "eds/1.1"},
		"evidence": {"target": "eds/1.1", "url": "https://example.org/paper"},
		"cycle":    {"action": "start"},
		"people":   {"action": "set", "user": "UAMY"},
		"org":      {"field": "name"},
	}
	fill := map[string]func(n int) string{
		"code":  func(n int) string { return "c" + strings.Repeat("1", n-1) },
		"name":  func(n int) string { return "Europe/" + strings.Repeat("x", n-len("Europe/")) },
		"url":   func(n int) string { return "https://example.org/" + strings.Repeat("x", n-len("https://example.org/")) },
		"cycle": func(n int) string { return "2027/28" + strings.Repeat("8", n-len("2027/28")) },
		"person": func(n int) string {
			name := (n - len(" | ")) / 2
			return strings.Repeat("é", name) + " | " + strings.Repeat("é", n-len(" | ")-name)
		},
	}
	limits := 0
	for _, v := range Verbs() {
		for _, a := range v.Args {
			if a.MaxLen == 0 {
				continue
			}
			limits++
			value := func(n int) string { return strings.Repeat("é", n) }
			if f := fill[a.Name]; f != nil {
				value = f
			}
			run := func(n int) bot.Reply {
				e := imported(t)
				args := map[string]string{}
				for k, val := range base[v.Name] {
					args[k] = val
				}
				args[a.Name] = value(n)
				return e.named(adminUser, v.Name, args)
			}
			if r := run(a.MaxLen + 1); r.Code != framework.EINVALID {
				t.Errorf("%s %s of %d characters: %+v", v.Name, a.Name, a.MaxLen+1, r)
			} else if r.Field != a.Name && a.Kind != bot.ArgZone {
				t.Errorf("%s %s too long: field %q", v.Name, a.Name, r.Field)
			}
			if a.Kind == bot.ArgZone {
				continue // no real zone name is that long
			}
			if r := run(a.MaxLen); r.Code != "" {
				t.Errorf("%s %s of %d characters refused: %s", v.Name, a.Name, a.MaxLen, r.Text())
			}
		}
	}
	if limits < 4 {
		t.Errorf("only %d declared limits", limits)
	}
	// The forms' limits are the ones the verbs take.
	u, _ := LookupVerb("update")
	note, _ := u.Arg("note")
	progress, _ := u.Arg("progress")
	if note.MaxLen != maxNote || progress.Min != 0 || progress.Max != 100 {
		t.Errorf("update declares note %d, progress %d..%d", note.MaxLen, progress.Min, progress.Max)
	}
}

var argName = regexp.MustCompile(`^[a-z]{1,32}$`)

// The table is well formed: what adapters derive from it holds.
func TestVerbTable(t *testing.T) {
	for _, v := range Verbs() {
		seen := map[string]bool{}
		optional, rest := false, false
		for _, a := range v.Args {
			where := v.Name + " " + a.Name
			if !argName.MatchString(a.Name) || seen[a.Name] {
				t.Errorf("%s: bad or repeated name", where)
			}
			seen[a.Name] = true
			if a.Description == "" || strings.Contains(a.Description, "\n") {
				t.Errorf("%s: description %q", where, a.Description)
			}
			// Text fills required arguments first, and a Rest argument
			// takes what is left, so it comes last.
			if a.Required && optional {
				t.Errorf("%s: required after an optional argument", where)
			}
			optional = optional || !a.Required
			if rest {
				t.Errorf("%s: follows a rest-of-line argument", where)
			}
			rest = a.Rest
			switch a.Kind {
			case bot.ArgChoice:
				if len(a.Choices) == 0 {
					t.Errorf("%s: a choice with no choices", where)
				}
			case bot.ArgInteger:
				if a.Min >= a.Max {
					t.Errorf("%s: range %d..%d", where, a.Min, a.Max)
				}
			case bot.ArgFlag:
				if a.Required {
					t.Errorf("%s: a required flag", where)
				}
			case bot.ArgTarget, bot.ArgObjective, bot.ArgFramework, bot.ArgText, bot.ArgUser, bot.ArgDate, bot.ArgCron, bot.ArgZone:
			default:
				t.Errorf("%s: kind %q", where, a.Kind)
			}
			if len(a.Choices) > 0 && a.Kind != bot.ArgChoice {
				t.Errorf("%s: choices on a %s", where, a.Kind)
			}
		}
		if strings.Contains(v.Summary, "\n") || v.Summary == "" || v.Summary[0] < 'a' || v.Summary[0] > 'z' {
			t.Errorf("%s: summary %q should be one line starting in lower case, as help lists it", v.Name, v.Summary)
		}
	}
	// help's menu names every verb.
	h, _ := LookupVerb("help")
	arg, _ := h.Arg("verb")
	if len(arg.Choices) != len(Verbs()) {
		t.Errorf("help offers %v", arg.Choices)
	}
	// Callers get their own copy.
	u, _ := LookupVerb("update")
	u.Args[2].Choices[0].Value = "changed"
	if u2, _ := LookupVerb("update"); u2.Args[2].Choices[0].Value == "changed" {
		t.Error("LookupVerb shares its slices")
	}
}

func TestFormArgs(t *testing.T) {
	cases := []struct {
		command string
		answers map[string]string
		verb    string
		args    map[string]string
		ok      bool
	}{
		{"update eds/1.1", map[string]string{"progress": "40", "status": "at-risk", "note": "Held two events"}, "update",
			map[string]string{"target": "eds/1.1", "progress": "40", "status": "at-risk", "note": "Held two events"}, true},
		{"update eds/1.1", map[string]string{"progress": "", "status": "done", "note": "  "}, "update",
			map[string]string{"target": "eds/1.1", "status": "done"}, true},
		{"/target Update eds/1.1", nil, "update", map[string]string{"target": "eds/1.1"}, true},
		{"snooze eds/1.1 7d for the board", nil, "snooze", map[string]string{"target": "eds/1.1", "until": "7d", "reason": "for the board"}, true},
		{"assign eds/1.1 <@U1>", nil, "assign", map[string]string{"target": "eds/1.1", "user": "<@U1>"}, true},
		{"show eds/1.1 eds/1.2", nil, "", nil, false},
		{"nope eds/1.1", nil, "", nil, false},
	}
	for _, c := range cases {
		verb, args, ok := Language{}.FormArgs(c.command, c.answers)
		if verb != c.verb || ok != c.ok || !reflect.DeepEqual(args, c.args) {
			t.Errorf("FormArgs(%q, %v) = %q %v %v, want %q %v %v", c.command, c.answers, verb, args, ok, c.verb, c.args, c.ok)
		}
	}
	// A form's answers run as the same update the text would.
	e := imported(t)
	verb, args, _ := Language{}.FormArgs("update eds/1.1", map[string]string{"progress": "65", "status": "at-risk", "note": "done by Friday"})
	if r := e.named(amy, verb, args); r.Code != "" {
		t.Fatal(r.Text())
	}
	if got := e.target("eds/1.1"); got.Progress != 65 || got.Status != framework.AtRisk {
		t.Errorf("form update left %+v", got)
	}
}
