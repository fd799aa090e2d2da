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

// checkBlocks fails unless every block fits Slack's 3000 characters of
// section text and, together, the blocks hold every wanted string.
func checkBlocks(t *testing.T, what string, blocks []bot.Block, want []string) {
	t.Helper()
	var all strings.Builder
	for i, b := range blocks {
		if n := utf8.RuneCountInString("*" + b.Title + "*\n" + b.Text); n > maxBlockText {
			t.Errorf("%s: block %d has %d characters, over %d", what, i, n, maxBlockText)
		}
		all.WriteString(b.Title + "\n" + b.Text + "\n")
	}
	for _, s := range want {
		if !strings.Contains(all.String(), s) {
			t.Errorf("%s: blocks lack %q", what, s)
		}
	}
	if len(blocks) > 50 {
		t.Errorf("%s: %d blocks, over Slack's 50", what, len(blocks))
	}
}

func TestBigListsSplitIntoBlocksThatFit(t *testing.T) {
	e := newEnv(t, []*framework.Framework{bigFramework(300)})
	e.ok(adminUser, "import big")
	r := e.ok(bob, "list")
	var want []string
	for i := 1; i <= 300; i++ {
		want = append(want, fmt.Sprintf("`big/1.%d`", i))
	}
	checkBlocks(t, "list", r.Blocks, want)
	if !strings.Contains(r.Text, "`big/1.300`") {
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
	if strings.Contains(r.Text, "eds/1.1") {
		t.Errorf("list mine with no user listed unowned targets: %q", r.Text)
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
			case r.Code != framework.ECONFLICT || !strings.Contains(r.Text, "already undone"):
				t.Errorf("losing undo = %s %q", r.Code, r.Text)
			}
		}
		if ok != 1 {
			t.Fatalf("%d undos succeeded, want 1: %+v", ok, replies)
		}
	}
}
