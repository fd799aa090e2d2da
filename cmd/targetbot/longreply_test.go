package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/teams/teamstest"
)

// On Teams, `history eds/1.1 all` of 200 entries arrives in full: every
// entry can be read, in order, across the cards that answer it.
func TestTeamsLongHistoryIsReachableInFull(t *testing.T) {
	const entries = 200
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	fake.AddMember(teamsAdmin)
	base, stop := serveTeams(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), fake)
	defer func() { _ = stop() }()
	chat := &teamsChat{t: t, fake: fake, url: base}
	chat.channel(teamsAdmin, "import eds")
	for i := 1; i <= entries; i++ {
		chat.personal(teamsAdmin, fmt.Sprintf("update eds/1.1 %d%% entry-%03d %s", i%100, i, strings.Repeat("words ", 80)))
	}
	chat.n++
	a := teamstest.Activity{ID: fmt.Sprintf("17638890%05d", chat.n), Conversation: "a:1chat-" + teamsAdmin.AAD, Type: teamstest.Personal,
		Tenant: teamsTenant, From: teamsAdmin, Text: "history eds/1.1 all"}
	if code := teamstest.Post(t, base+"/teams/messages", fake.JSON(a), fake.Token()); code != 200 {
		t.Fatalf("history: status %d", code)
	}
	var text string
	for deadline := time.Now().Add(20 * time.Second); ; {
		var texts []string
		for _, c := range fake.Calls() {
			if c.Method == "POST" && strings.HasSuffix(c.Path, "/activities/"+a.ID) {
				texts = append(texts, cardTexts(c.Body))
			}
		}
		text = strings.Join(texts, "\n")
		if strings.Contains(text, "entry-001") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	last := 0
	for i := entries; i >= 1; i-- {
		at := strings.Index(text, fmt.Sprintf("entry-%03d", i))
		if at < 0 {
			t.Fatalf("entry %d cannot be read", i)
		}
		if at < last {
			t.Fatalf("entry %d is out of order", i)
		}
		last = at
	}
}
