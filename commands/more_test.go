package commands

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

func TestWorkspaceIsolation(t *testing.T) {
	e := imported(t)
	e.ok(amy, "update eds/1.1 40%")
	e.ok(adminUser, "digest here")
	const other = "discord:999"
	r := e.in(other, amy, "show eds/1.1")
	if r.Code != framework.ENOTFOUND || !strings.Contains(r.Text(), "nothing is imported here yet") {
		t.Errorf("other workspace show = %+v", r)
	}
	if r := e.in(other, amy, "undo"); r.Code != framework.ENOTFOUND {
		t.Errorf("undo across workspaces = %+v", r)
	}
	if r := e.in(other, adminUser, "digest off"); r.Code != framework.ENOTFOUND {
		t.Errorf("digest off across workspaces = %+v", r)
	}
	if r := e.in(other, adminUser, "import eds"); !strings.Contains(r.Text(), "imported 3 outcomes under 2 goals") {
		t.Errorf("import in other = %q", r.Text())
	}
	if r := e.in(other, amy, "show eds/1.1"); !strings.Contains(r.Text(), "0%") || strings.Contains(r.Text(), "40%") {
		t.Errorf("other workspace sees %q", r.Text())
	}
	if got := e.target("eds/1.1").Progress; got != 40 {
		t.Errorf("first workspace progress %d", got)
	}
	if cs := e.h.Complete(context.Background(), "slack:nobody", "", 10); len(cs) != 0 {
		t.Errorf("complete in empty workspace = %+v", cs)
	}
}

func TestComplete(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "import nhse")
	ctx := context.Background()
	refs := func(cs []bot.Choice) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Value)
		}
		return strings.Join(s, " ")
	}
	if got := refs(e.h.Complete(ctx, testWS, "", 0)); got != "eds/1.1 eds/1.2 eds/2.1 nhse/1.1 nhse/5.2" {
		t.Errorf("complete all = %q", got)
	}
	if got := refs(e.h.Complete(ctx, testWS, "1.", 10)); got != "eds/1.1 eds/1.2 nhse/1.1" {
		t.Errorf("complete 1. = %q", got)
	}
	if got := refs(e.h.Complete(ctx, testWS, "EDS/1", 1)); got != "eds/1.1" {
		t.Errorf("complete EDS/1 limit 1 = %q", got)
	}
	cs := e.h.Complete(ctx, testWS, "recruit", 10)
	if len(cs) != 1 || cs[0].Value != "nhse/5.2" || cs[0].Label != "nhse/5.2 Overhaul recruitment" {
		t.Errorf("complete by title = %+v", cs)
	}
	for _, c := range e.h.Complete(ctx, testWS, "", 25) {
		if len([]rune(c.Label)) > 100 {
			t.Errorf("label too long: %q", c.Label)
		}
	}
}

func TestBuiltinFrameworks(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	r := e.as(bob, "list")
	if !strings.Contains(r.Text(), "`/target import eds-2022`") || !strings.Contains(r.Text(), "`nhse-2024-26`") {
		t.Errorf("list before import = %q", r.Text())
	}
	for _, f := range fws {
		e.ok(adminUser, "import "+f.ID)
		r := e.ok(bob, "list "+f.ID)
		// A heading, then a block per objective.
		if len(r.Blocks) != 1+len(f.Objectives) {
			t.Errorf("list %s: %d blocks for %d objectives", f.ID, len(r.Blocks), len(f.Objectives))
		}
		for _, b := range r.Blocks {
			if len(b.Text) > 3000 {
				t.Errorf("list %s: block of %d bytes", f.ID, len(b.Text))
			}
		}
	}
	r = e.ok(bob, "list")
	if len(r.Blocks) > 50 {
		t.Errorf("list of everything has %d blocks", len(r.Blocks))
	}
	e.ok(bob, "update nhse-2024-26/5.2 10%")
	e.ok(bob, "show eds/1.1")
}

func TestStoreUnavailable(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := New(Options{Store: st, Frameworks: testFrameworks(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	_ = st.Close()
	for _, text := range []string{"list", "update eds/1.1 40%", "import eds", "undo", "timezone"} {
		r := h.Handle(context.Background(), bot.Request{Workspace: testWS, User: adminUser, PlatformAdmin: true, Text: text})
		if r.Code != framework.EUNAVAILABLE || r.Text() != "storage is unavailable, try again shortly" || !r.Ephemeral {
			t.Errorf("%q on a closed store = %+v", text, r)
		}
	}
	if !strings.Contains(logs.String(), "store unavailable") {
		t.Errorf("nothing logged: %s", logs.String())
	}
	if cs := h.Complete(context.Background(), testWS, "", 5); cs != nil {
		t.Errorf("complete on closed store = %+v", cs)
	}
}

func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		"import eds", "update 1.1 40% on-track note", "update eds/1.1 -- x", "list", "list overdue", "list @amy",
		"show 1.1", "history 1.1 3", "undo", "rate 1.1 achieving", "assign 1.1 <@U1|a>", "due 1.1 2026-12-31",
		"add 1 1.9 New", "snooze 1.1 2w why", "digest here 0 9 * * MON", "digest now", "digest off",
		"timezone Europe/London", "reminders default", "help update", "frameworks", "list eds/", "show /", "update / 1",
		"show eds/1", "show 1", "rate 1.1 developing no policy yet", "edit 1.1 New title", "edit 1.1", "archive 1.1", "restore 1.1",
		"evidence 1.1 https://example.org/a.pdf Board paper", "evidence 1.1 javascript:alert(1)", "evidence 1.1 https://ex ample.org",
		"history 1.1 all", "history 1.1 ALL 3", "cycle", "cycle start 2027/28", "cycle start 2027/29", "cycle begin", "cycle start 9999/00",
	} {
		f.Add(s, true)
	}
	st, err := boltstore.Open(filepath.Join(f.TempDir(), "t.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	h := New(Options{Store: store.Checked(st), Frameworks: testFrameworks(), Now: func() time.Time { return now }})
	f.Fuzz(func(t *testing.T, text string, admin bool) {
		r := h.Handle(context.Background(), bot.Request{Workspace: testWS, Channel: "C1", User: "U1", PlatformAdmin: admin, Text: text})
		if r.Text() == "" {
			t.Fatalf("%q: empty reply", text)
		}
		if r.Code != "" && !r.Ephemeral {
			t.Fatalf("%q: error in channel: %+v", text, r)
		}
		if r.Code == framework.EINTERNAL {
			t.Fatalf("%q: internal error", text)
		}
	})
}

func TestFrameworkNoLongerOffered(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "add eds/2 2.9 Custom")
	// The same store, with the custom framework folder emptied.
	h := New(Options{Store: e.st, Frameworks: testFrameworks()[1:]})
	do := func(text string) bot.Reply {
		return h.Handle(context.Background(), bot.Request{Workspace: testWS, User: bob, Text: text})
	}
	if r := do("list 2"); r.Code != "" || !strings.Contains(r.Text(), "eds/2.9") || !strings.Contains(r.Text(), "eds/2.1") {
		t.Errorf("list 2 = %+v", r)
	}
	if r := do("frameworks"); !strings.Contains(r.Text(), "*eds* ✅ imported (no longer offered") {
		t.Errorf("frameworks = %q", r.Text())
	}
	if r := do("show eds/1.1"); r.Code != "" {
		t.Errorf("show = %+v", r)
	}
}
