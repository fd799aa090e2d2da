package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/store/boltstore"
)

// Two trusts' teams on one tenant (NHSmail), for TestTeamsTwoTeamsOfOneTenant.
const (
	trustTeamA = "19:Trust-A-EDS@thread.tacv2"
	trustTeamB = "19:trust-b-edi@thread.tacv2"
	trustWSA   = "teams:" + teamsTenant + "/19:trust-a-eds@thread.tacv2"
	trustWSB   = "teams:" + teamsTenant + "/" + trustTeamB
)

// bob is in trust B only, and on no roster the fake Connector shows.
var teamsBob = teamstest.Member{TeamsID: "29:1bob", AAD: "c0000000-0000-0000-0000-00000000000c", Name: "Bob Brown"}

// inTrust is a channel message of team, mentioning the bot.
func (c *teamsChat) inTrust(team, teamName string, who teamstest.Member, text string) string {
	return c.send(teamstest.Activity{Conversation: "19:general-" + team + ";messageid=1763889000000", Type: teamstest.Channel,
		Team: team, TeamName: teamName, From: who, Text: "<at>" + teamstest.BotName + "</at> " + text, MentionBot: true})
}

// install adds the bot to team as who, and returns the welcome posted in
// the team's General channel.
func (c *teamsChat) install(team, teamName string, who teamstest.Member) string {
	c.t.Helper()
	c.n++
	if code := teamstest.Post(c.t, c.url+"/teams/messages", c.fake.Installed(time.Now().Format("150405.000000000"), teamsTenant, team, teamName, who), c.fake.Token()); code != 200 {
		c.t.Fatalf("install: status %d", code)
	}
	posts := c.fake.WaitCalls(c.t, 1, func(call teamstest.Call) bool {
		return call.Method == "POST" && call.Path == "/v3/conversations/"+team+"/activities"
	})
	return cardTexts(posts[0].Body)
}

// Issue 21's end to end: two teams of one tenant are two workspaces. The
// bot's installer in each is its first admin; each team sees only its
// own targets; a 1:1 chat runs in the team its user last used the bot
// in, and follows `use`; a card naming a team runs for its members only.
func TestTeamsTwoTeamsOfOneTenant(t *testing.T) {
	db := filepath.Join(t.TempDir(), "targetbot.db")
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	fake.AddMember(teamsAdmin)
	m, _, errOut := testMain(t, "bolt:"+db, "")
	m.Now = time.Now
	teamsConfig(m, fake)
	m.Config.Admins = "" // admins come from installing the bot
	base, stop := runServe(t, m, errOut)
	chat := &teamsChat{t: t, fake: fake, url: base}
	amy, bob, carol := teamsAdmin, teamsBob, teamsOwner

	steps := []struct {
		name      string
		reply     func() string
		want, not []string
	}{
		{"install in A", func() string { return chat.install(trustTeamA, "Trust A EDS", amy) }, []string{"first admin"}, nil},
		{"install in B", func() string { return chat.install(trustTeamB, "Trust B EDI", bob) }, []string{"first admin"}, nil},
		{"A imports", func() string { return chat.inTrust(trustTeamA, "", amy, "import eds") }, []string{"18"}, nil},
		{"A updates", func() string { return chat.inTrust(trustTeamA, "", amy, "update eds/1.1 40% on-track Trust A's note") }, []string{"40%"}, nil},
		{"B sees none of A's", func() string { return chat.inTrust(trustTeamB, "", bob, "show eds/1.1") }, []string{"nothing is imported here yet"}, []string{"Trust A's note"}},
		{"B imports", func() string { return chat.inTrust(trustTeamB, "", bob, "import eds") }, []string{"18"}, nil},
		{"B updates", func() string { return chat.inTrust(trustTeamB, "", bob, "update eds/1.1 10% at-risk Trust B's note") }, []string{"10%"}, nil},
		{"A sees its own", func() string { return chat.inTrust(trustTeamA, "", amy, "show eds/1.1") }, []string{"40%", "Trust A's note"}, []string{"Trust B's note"}},
		{"A's members are not admins", func() string { return chat.inTrust(trustTeamA, "", carol, "digest here") }, []string{"admin"}, nil},
		{"amy in B", func() string { return chat.inTrust(trustTeamB, "", amy, "show eds/1.1") }, []string{"10%"}, nil},
		{"amy's chat follows B", func() string { return chat.personal(amy, "show eds/1.1") }, []string{"10%", "Trust B's note"}, nil},
		{"use lists", func() string { return chat.personal(amy, "use") }, []string{"1. **Trust A EDS**", "2. **Trust B EDI** (this chat's now)"}, nil},
		{"use 7", func() string { return chat.personal(amy, "use 7") }, []string{"no workspace 7"}, nil},
		{"use by name", func() string { return chat.personal(amy, "use trust a eds") }, []string{"Trust A EDS"}, nil},
		{"amy's chat follows use", func() string { return chat.personal(amy, "show eds/1.1") }, []string{"40%", "Trust A's note"}, []string{"Trust B's note"}},
		{"use 2", func() string { return chat.personal(amy, "use 2") }, []string{"Trust B EDI"}, nil},
		{"bob's chat is in B", func() string { return chat.personal(bob, "show eds/1.1") }, []string{"10%"}, nil},
		{"bob's forged card for A", func() string {
			return chat.send(teamstest.Activity{Conversation: "a:1chat-" + bob.AAD, Type: teamstest.Personal, From: bob,
				Value: map[string]any{"command": "update eds/1.1 done", "workspace": trustWSA}})
		}, []string{"not a member"}, nil},
		{"amy's card for A from a chat in B", func() string {
			return chat.send(teamstest.Activity{Conversation: "a:1chat-" + amy.AAD, Type: teamstest.Personal, From: amy,
				Value: map[string]any{"command": "update eds/1.1 50%", "workspace": trustWSA}})
		}, []string{"50%"}, nil},
	}
	for _, s := range steps {
		got := s.reply()
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply lacks %q:\n%s", s.name, w, got)
			}
		}
		for _, w := range s.not {
			if strings.Contains(got, w) {
				t.Errorf("%s: reply shows %q:\n%s", s.name, w, got)
			}
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st, err := boltstore.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for ws, want := range map[string]int{trustWSA: 50, trustWSB: 10} {
		tg, err := st.Target(context.Background(), ws, "eds/1.1")
		if err != nil || tg.Progress != want {
			t.Errorf("%s eds/1.1 at %d%% (%v), want %d%%", ws, tg.Progress, err, want)
		}
		w, err := st.Workspace(context.Background(), ws)
		if err != nil || len(w.Admins) != 1 {
			t.Errorf("%s admins %+v (%v), want its installer", ws, w.Admins, err)
		}
	}
}

// An older release's tenant workspace moves to its team, as the README
// says: served in tenant mode, then `workspace rename`, then served in
// the default team mode, the team sees what the tenant had.
func TestTeamsMoveTenantWorkspaceToTeam(t *testing.T) {
	db := filepath.Join(t.TempDir(), "targetbot.db")
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	fake.AddMember(teamsAdmin)
	serve := func(mode string) (*teamsChat, func() error) {
		m, _, errOut := testMain(t, "bolt:"+db, "")
		m.Now = time.Now
		teamsConfig(m, fake)
		m.Config.TeamsWorkspace = mode
		base, stop := runServe(t, m, errOut)
		return &teamsChat{t: t, fake: fake, url: base}, stop
	}
	chat, stop := serve("tenant")
	for _, text := range []string{"import eds", "update eds/1.1 40% on-track Tenant-era note"} {
		if got := chat.personal(teamsAdmin, text); strings.Contains(got, "team channel first") {
			t.Fatalf("tenant mode %q: %s", text, got)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	to := "teams:" + teamsTenant + "/" + teamsTeam
	m, out, errOut := testMain(t, "bolt:"+db, "")
	if err := m.Run(context.Background(), []string{"workspace", "rename", "--from", "teams:" + teamsTenant, "--to", to}); err != nil {
		t.Fatalf("rename: %v\n%s", err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("rename: %s", out)
	chat, stop = serve("")
	chat.n = 100 // new activity ids: the fake keeps the first run's replies
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	if got := chat.channel(teamsAdmin, "show eds/1.1"); !strings.Contains(got, "40%") || !strings.Contains(got, "Tenant-era note") {
		t.Errorf("the team after the move shows:\n%s", got)
	}
	if got := chat.personal(teamsAdmin, "show eds/1.1"); !strings.Contains(got, "Tenant-era note") {
		t.Errorf("a chat after the move shows:\n%s", got)
	}
}
