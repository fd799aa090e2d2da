package commands

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/reminders"
)

// posts records what the scheduler posts.
type posts struct {
	mu   sync.Mutex
	msgs []bot.Message
}

func (p *posts) Post(_ context.Context, m bot.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	return nil
}

// TestActionDoneWhen is the story end to end: an action added
// under eds-2022/2B and linked to an equality objective, updated, overdue
// and its owner reminded by DM with the action's buttons, marked done,
// and shown in the report's action plan.
func TestActionDoneWhen(t *testing.T) {
	e := builtinEnv(t)
	e.ok(adminUser, "people set @UAMY Amy Khan | EDI lead")
	e.ok(adminUser, "action add eds-2022/2B Run a staff network listening event @UAMY due 2026-12-01 objective nhse-2024-26/1.1")
	e.ok(amy, "action update eds-2022/2B#1 40% on-track venue booked")

	// A week past due, the reminder run DMs Amy.
	e.now = time.Date(2026, 12, 8, 9, 0, 30, 0, time.UTC)
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rec := &posts{}
	s := reminders.New(reminders.Options{Store: e.st, Posters: map[string]bot.Poster{"slack": rec}, Location: time.UTC,
		Now: func() time.Time { return e.now }, Frameworks: fws})
	if _, err := s.RunDue(context.Background(), e.now); err != nil {
		t.Fatal(err)
	}
	var dm *bot.Message
	for i := range rec.msgs {
		if rec.msgs[i].User == amy {
			dm = &rec.msgs[i]
		}
	}
	if dm == nil {
		t.Fatalf("no reminder DM to Amy; posted %+v", rec.msgs)
	}
	last := dm.Reply.Blocks[len(dm.Reply.Blocks)-1]
	if !strings.Contains(dm.Reply.Text(), "eds-2022/2B#1") || len(last.Buttons) != 3 {
		t.Fatalf("Amy's DM: %q buttons %+v", dm.Reply.Text(), last.Buttons)
	}
	// Its buttons are commands: pressing "Mark done" runs action done.
	r := e.ok(amy, last.Buttons[2].Command)
	contain(t, "done button", r.Text(), "done on 2026-12-08")

	rep, err := report.Build(context.Background(), e.st, report.Request{Workspace: testWS, Frameworks: []string{"eds-2022"}}, report.Options{Frameworks: fws, Now: e.now})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.Render(&b, "md"); err != nil {
		t.Fatal(err)
	}
	contain(t, "report", b.String(), "Action plan", "eds-2022/2B#1 Run a staff network listening event", "nhse-2024-26/1.1", "Amy Khan, EDI lead", "done on 2026-12-08")
	if got := rep.CompletedIn("2026-04-01", "2027-03-31"); len(got) != 1 {
		t.Errorf("completed in 2026/27: %+v", got)
	}
}
