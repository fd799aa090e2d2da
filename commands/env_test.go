package commands

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

const (
	testWS    = "slack:T1"
	adminUser = "UADMIN"
	amy       = "UAMY"
	bob       = "UBOB"
)

// testFrameworks are two small frameworks that both have code 1.1, so
// bare references can be ambiguous.
func testFrameworks() []*framework.Framework {
	return []*framework.Framework{
		{ID: "eds", Name: "Equality Delivery System", Labels: framework.Labels{Objective: "goal", Target: "outcome"}, Objectives: []framework.Objective{
			{Code: "1", Title: "Commissioned or provided services", Targets: []framework.TargetSpec{
				{Code: "1.1", Title: "Patients have required levels of access"},
				{Code: "1.2", Title: "Individual patients' health needs are met"},
			}},
			{Code: "2", Title: "Workforce health and well-being", Targets: []framework.TargetSpec{
				{Code: "2.1", Title: "Staff are supported to manage conditions"},
			}},
		}},
		{ID: "nhse", Name: "NHS England objectives", Objectives: []framework.Objective{
			{Code: "1", Title: "Leadership", Targets: []framework.TargetSpec{{Code: "1.1", Title: "Board members have EDI objectives"}}},
			{Code: "5", Title: "Recruitment", Targets: []framework.TargetSpec{{Code: "5.2", Title: "Overhaul recruitment"}}},
		}},
	}
}

// env is a Handler over a real bolt store, with a clock the test moves.
type env struct {
	t      *testing.T
	h      *Handler
	st     store.Store
	now    time.Time
	digest func(ctx context.Context, ws, channel string) error
}

func newEnv(t *testing.T, fws []*framework.Framework, admins ...string) *env {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := &env{t: t, st: st, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	london, _ := time.LoadLocation("Europe/London")
	e.h = New(Options{
		Store: store.Checked(st), Frameworks: fws, Admins: admins, Location: london,
		Now: func() time.Time { return e.now },
		PostDigest: func(ctx context.Context, ws, channel string) error {
			if e.digest == nil {
				return errNoDigests
			}
			return e.digest(ctx, ws, channel)
		},
	})
	return e
}

// as runs text as user in the test workspace; admins are platform admins.
func (e *env) as(user, text string) bot.Reply {
	return e.in(testWS, user, text)
}

func (e *env) in(ws, user, text string) bot.Reply {
	e.t.Helper()
	r := e.h.Handle(context.Background(), bot.Request{Workspace: ws, Channel: "C1", User: user, PlatformAdmin: user == adminUser, Text: text, ID: "req"})
	if r.Text() == "" {
		e.t.Fatalf("%q: reply has no text: %+v", text, r)
	}
	if r.Code != "" && !r.Ephemeral {
		e.t.Fatalf("%q: error reply is not ephemeral: %+v", text, r)
	}
	return r
}

// ok runs text and fails the test unless it succeeded.
func (e *env) ok(user, text string) bot.Reply {
	e.t.Helper()
	r := e.as(user, text)
	if r.Code != "" {
		e.t.Fatalf("%q failed: %s: %s", text, r.Code, r.Text())
	}
	return r
}

// fail runs text and fails the test unless it failed with code, field
// and a message containing want.
func (e *env) fail(user, text, code, field, want string) bot.Reply {
	e.t.Helper()
	r := e.as(user, text)
	if r.Code != code || r.Field != field || !strings.Contains(r.Text(), want) {
		e.t.Fatalf("%q = code %q field %q text %q; want code %q field %q text containing %q", text, r.Code, r.Field, r.Text(), code, field, want)
	}
	return r
}

func (e *env) target(ref string) framework.Target {
	e.t.Helper()
	t, err := e.st.Target(context.Background(), testWS, ref)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

func (e *env) targets() []framework.Target {
	e.t.Helper()
	ts, err := e.st.Targets(context.Background(), testWS)
	if err != nil {
		e.t.Fatal(err)
	}
	return ts
}

// unchanged runs text, expects an error, and checks no target changed.
func (e *env) unchanged(user, text, code, field, want string) {
	e.t.Helper()
	before := e.targets()
	e.fail(user, text, code, field, want)
	if after := e.targets(); !reflect.DeepEqual(before, after) {
		e.t.Fatalf("%q changed the store:\nbefore %+v\nafter  %+v", text, before, after)
	}
}

// imported is an env with eds imported.
func imported(t *testing.T, admins ...string) *env {
	e := newEnv(t, testFrameworks(), admins...)
	e.ok(adminUser, "import eds")
	return e
}
