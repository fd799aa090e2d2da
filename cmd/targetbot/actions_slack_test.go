package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// An action plan on Slack, end to end: an action added under eds-2022/2B
// and linked to an equality objective, updated, overdue, its owner
// reminded by a Slack DM whose "done" button marks it done, the report's
// action plan showing it, and the next cycle's EDS summary listing it as
// completed in the cycle before.
func TestActionPlanOnSlack(t *testing.T) {
	db := filepath.Join(t.TempDir(), "targetbot.db")
	const ws, owner = "slack:T1", "U777"
	seed(t, db, ws, "C1", "import eds-2022", "import nhse-2024-26", "assign eds-2022/2B <@U777>",
		"action add eds-2022/2B Run a listening event due 2026-11-01 objective nhse-2024-26/1.1",
		"action update eds-2022/2B#1 40% on-track venue booked")

	slack := &fakeAPI{}
	srv := slack.server(t, func(path string, n int) string {
		if strings.HasSuffix(path, "conversations.open") {
			return `{"ok":true,"channel":{"id":"D777"}}`
		}
		return `{"ok":true,"channel":"D777","ts":"1700000000.000001"}`
	})
	m, _, errOut := testMain(t, "bolt:"+db, "")
	m.Config.SlackBotToken = "xoxb-test"
	m.Config.SlackAPIURL = srv.URL + "/api/"
	m.Now = func() time.Time { return fixedNow.Add(time.Hour) }
	if err := m.Run(context.Background(), []string{"run-schedules", "--at", "2026-11-23T09:00:00Z"}); err != nil {
		t.Fatalf("run-schedules: %v\n%s", err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	var dm string
	for _, c := range slack.recorded() {
		if strings.HasSuffix(c.path, "chat.postMessage") && c.form.Get("channel") == "D777" {
			dm += c.form.Get("blocks")
		}
	}
	if !strings.Contains(dm, "eds-2022/2B#1") {
		t.Fatalf("the owner's reminder DM does not name the overdue action: %s", dm)
	}
	// The DM's buttons are the action's: pressing "done" runs its
	// command as the owner, as the Slack adapter does.
	if !strings.Contains(dm, "action done eds-2022/2B#1") {
		t.Fatalf("the DM has no button marking the action done: %s", dm)
	}
	runAs(t, db, ws, owner, "action done eds-2022/2B#1 held on 20 November")

	out, _ := mustRunReport(t, db, "--workspace", ws, "--framework", "eds-2022", "--format", "csv")
	if !strings.Contains(out, "eds-2022/2B#1") || !strings.Contains(out, "nhse-2024-26/1.1") || !strings.Contains(out, ",done,") {
		t.Errorf("the report's action plan lacks the done action:\n%s", out)
	}
	seed(t, db, ws, "C1", "cycle start 2027/28")
	summary, _ := mustRunReport(t, db, "--workspace", ws, "--framework", "eds-2022", "--template", "summary")
	i := strings.Index(summary, "Completed actions from 2026/27")
	if i < 0 || !strings.Contains(summary[i:], "Run a listening event") {
		t.Errorf("the next cycle's summary does not list the action as completed:\n%s", summary)
	}
}

// runAs runs one command in a workspace as user, straight through the
// command layer, as a platform would after a button press.
func runAs(t *testing.T, dbPath, ws, user, line string) {
	t.Helper()
	st, err := boltstore.Open(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { return fixedNow.Add(2 * time.Hour) }})
	if r := h.Handle(context.Background(), bot.Request{Workspace: ws, User: user, Text: line}); r.Code != "" {
		t.Fatalf("%s as %s: %q failed: %s", ws, user, line, r.Text())
	}
}

// mustRunReport runs `targetbot report` on the bolt file.
func mustRunReport(t *testing.T, dbPath string, args ...string) (string, string) {
	t.Helper()
	m, out, errOut := testMain(t, "bolt:"+dbPath, "")
	m.Now = func() time.Time { return fixedNow.Add(3 * time.Hour) }
	if err := m.Run(context.Background(), append([]string{"report"}, args...)); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}
