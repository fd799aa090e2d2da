package teams

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
)

// Two teams of the test tenant, with their ids as Teams writes them,
// and their workspaces.
const (
	teamA   = "19:EDS-Group@thread.tacv2"
	teamB   = "19:Estates@thread.tacv2"
	wsTeamA = "teams:" + testTenant + "/19:eds-group@thread.tacv2"
	wsTeamB = "teams:" + testTenant + "/19:estates@thread.tacv2"
)

// eve is on no roster the fake Connector knows.
var eve = teamstest.Member{TeamsID: "29:1eve", AAD: "00000000-0000-0000-0000-0000000000e5", Name: "Eve"}

// teamHarness is a harness in the default, team, mode, keeping its
// state in a map.
func teamHarness(t *testing.T, edit func(*Options)) (*harness, *mapState) {
	kept := &mapState{}
	h := newHarness(t, func(o *Options) {
		o.Workspace, o.State = "", kept
		if edit != nil {
			edit(o)
		}
	})
	return h, kept
}

// inTeam is a message from who in a channel of team, mentioning the bot.
func (h *harness) inTeam(id, team, name string, who teamstest.Member, text string) []byte {
	return h.fake.JSON(teamstest.Activity{ID: id, Conversation: "19:general-" + team + ";messageid=1", Type: teamstest.Channel,
		Tenant: testTenant, Team: team, TeamName: name, From: who, Text: "<at>targetbot</at> " + text, MentionBot: true})
}

// chat is a 1:1 message from who.
func (h *harness) chat(id string, who teamstest.Member, text string, value map[string]any) []byte {
	return h.fake.JSON(teamstest.Activity{ID: id, Conversation: "a:1personal-" + who.AAD, Type: teamstest.Personal,
		Tenant: testTenant, From: who, Text: text, Value: value})
}

// send posts activities and waits for their replies.
func (h *harness) send(t *testing.T, bodies ...[]byte) {
	t.Helper()
	for _, b := range bodies {
		if code := h.post(t, b, h.fake.Token()); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	h.drain(t)
}

// last is the last request the handler got.
func (h *harness) last(t *testing.T) bot.Request {
	t.Helper()
	reqs := h.handler.requests()
	if len(reqs) == 0 {
		t.Fatal("no request ran")
	}
	return reqs[len(reqs)-1]
}

// A team's channel is the team's workspace, with every GUID in lower
// case whatever case Teams used (and TEAMS_TENANT_ID is matched the same
// way). A 1:1 chat runs in the user's current workspace: none at first,
// with a Switcher that lists none; then the last team they used the bot
// in; `use` (the Switcher) picks another of their teams, and only one of
// theirs.
func TestChatsFollowTheCurrentTeam(t *testing.T) {
	h, _ := teamHarness(t, func(o *Options) { o.TenantID = strings.ToUpper(testTenant) })
	upper := teamstest.Member{TeamsID: priya.TeamsID, AAD: strings.ToUpper(priya.AAD), Name: priya.Name}
	var act map[string]any
	_ = json.Unmarshal(h.inTeam("1", teamA, "EDS Group", upper, "list"), &act)
	act["channelData"].(map[string]any)["tenant"] = map[string]any{"id": strings.ToUpper(testTenant)}
	body, _ := json.Marshal(act)
	h.send(t, body)
	if r := h.last(t); r.Workspace != wsTeamA || r.User != priya.AAD || r.Switcher != nil || r.Text != "list" || r.UserName != priya.Name {
		t.Fatalf("channel request %+v, want workspace %s as %s with no switcher", r, wsTeamA, priya.AAD)
	}

	h.send(t, h.chat("2", sam, "list", nil))
	r := h.last(t)
	if r.Workspace != "" || r.Switcher == nil {
		t.Fatalf("a chat of a user seen in no team: %+v, want no workspace and a switcher", r)
	}
	if ws, err := r.Switcher.Workspaces(t.Context()); err != nil || len(ws) != 0 {
		t.Errorf("sam's workspaces %v %v, want none", ws, err)
	}

	h.send(t, h.chat("3", priya, "list", nil))
	if r := h.last(t); r.Workspace != wsTeamA {
		t.Fatalf("priya's chat runs in %q, want %s", r.Workspace, wsTeamA)
	}
	h.send(t, h.inTeam("4", teamB, "", priya, "list"), h.chat("5", priya, "list", nil))
	r = h.last(t)
	if r.Workspace != wsTeamB {
		t.Fatalf("after using team B, priya's chat runs in %q", r.Workspace)
	}
	got, err := r.Switcher.Workspaces(t.Context())
	want := []bot.WorkspaceChoice{{ID: wsTeamA, Name: "EDS Group"}, {ID: wsTeamB, Current: true}}
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("workspaces %+v %v, want %+v", got, err, want)
	}
	if err := r.Switcher.Use(t.Context(), wsTeamA); err != nil {
		t.Fatal(err)
	}
	if err := r.Switcher.Use(t.Context(), "teams:"+testTenant+"/19:other@thread.tacv2"); !errors.Is(err, errNotYours) {
		t.Errorf("use of a team never seen: %v", err)
	}
	h.send(t, h.chat("6", priya, "list", nil))
	if r := h.last(t); r.Workspace != wsTeamA {
		t.Errorf("after use, priya's chat runs in %q, want %s", r.Workspace, wsTeamA)
	}
}

// What the adapter knows of users and teams is in adapter state, so a
// restart or another replica has it: a new adapter on the same state
// runs priya's chat in her team, and names it.
func TestMembershipsSurviveRestart(t *testing.T) {
	h, kept := teamHarness(t, nil)
	h.send(t, h.inTeam("1", teamA, "EDS Group", priya, "list"))
	h2 := newHarness(t, func(o *Options) { o.Workspace, o.State = WorkspaceTeam, kept })
	h2.send(t, h2.chat("2", priya, "list", nil))
	r := h2.last(t)
	got, err := r.Switcher.Workspaces(t.Context())
	if r.Workspace != wsTeamA || err != nil || len(got) != 1 || got[0].Name != "EDS Group" {
		t.Errorf("after a restart: workspace %q, choices %+v %v", r.Workspace, got, err)
	}
}

// A card names the workspace it was made for. Pressed in a chat, it runs
// there for a member (seen in the team, or on its roster) whatever their
// current workspace is; anyone else is refused, privately, and nothing
// runs. In a channel, a card of another workspace is refused too.
func TestCardsRunOnlyForMembers(t *testing.T) {
	h, _ := teamHarness(t, nil)
	h.send(t, h.inTeam("1", teamA, "", priya, "list"), h.inTeam("2", teamB, "", sam, "list"), h.inTeam("3", teamA, "", eve, "list"))
	ran := len(h.handler.requests())
	card := func(ws string) map[string]any {
		return map[string]any{"command": "update eds/1.1 done", "workspace": ws}
	}

	h.send(t, h.chat("10", priya, "", card(wsTeamA)))
	if r := h.last(t); r.Workspace != wsTeamA || r.Text != "update eds/1.1 done" {
		t.Errorf("priya's card for her team ran %+v", r)
	}
	// priya is on team B's roster, as the Connector says.
	h.send(t, h.chat("11", priya, "", card(wsTeamB)))
	if r := h.last(t); r.Workspace != wsTeamB {
		t.Errorf("a card of a team priya is on the roster of ran in %q", r.Workspace)
	}
	ran += 2
	before := len(activities(h.fake.Calls()))
	for _, forged := range [][]byte{
		h.chat("12", eve, "", card(wsTeamB)), // on no roster
		h.chat("13", eve, "", card("teams:"+testTenant+"/19:unknown@thread.tacv2")),
		h.chat("14", eve, "", card("teams:11111111-2222-3333-4444-555555555555/"+"19:eds-group@thread.tacv2")), // another tenant
		h.fake.JSON(teamstest.Activity{ID: "15", Conversation: "19:general-a;messageid=1", Type: teamstest.Channel, Tenant: testTenant,
			Team: teamA, From: priya, Value: card(wsTeamB)}), // another team's card in this team's channel
	} {
		h.send(t, forged)
	}
	if n := len(h.handler.requests()); n != ran {
		t.Errorf("%d forged cards ran", n-ran)
	}
	replies := activities(h.fake.Calls())[before:]
	if len(replies) != 4 {
		t.Fatalf("%d refusals, want 4", len(replies))
	}
	for _, c := range replies {
		if !strings.Contains(cardTexts(c.Body), "not a member") {
			t.Errorf("refusal %s", cardTexts(c.Body))
		}
	}
}

// Cards the adapter renders name the workspace of their reply or post.
func TestCardsNameTheirWorkspace(t *testing.T) {
	h, _ := teamHarness(t, nil)
	h.handler.reply = func(r bot.Request) bot.Reply {
		return bot.Reply{Blocks: []bot.Block{{Text: "eds/1.1", Buttons: []bot.Button{{Label: "Done", Command: "update eds/1.1 done"}, {Label: "Update", Command: "update eds/1.1", Form: true}}}}}
	}
	h.send(t, h.inTeam("1", teamA, "", priya, "show eds/1.1"))
	body, _ := json.Marshal(activities(h.fake.Calls())[0].Body)
	if n := strings.Count(string(body), `"workspace":"`+wsTeamA+`"`); n != 2 {
		t.Errorf("%d actions name the workspace, want the button and the form's submit: %s", n, body)
	}
}

// installer is a Handler that greets, as commands' does.
type installer struct {
	*recorder
	mu  sync.Mutex
	got []bot.Request
}

func (i *installer) Installed(_ context.Context, r bot.Request) bot.Reply {
	i.mu.Lock()
	i.got = append(i.got, r)
	i.mu.Unlock()
	return bot.Say("Hello, team: type help", false)
}

// Adding the bot to a team asks the Handler for its welcome, with the
// installer as the user, once however often Teams delivers it, and posts
// it in the team's General channel. A Handler that greets no one is
// left alone.
func TestInstallWelcomes(t *testing.T) {
	inst := &installer{recorder: &recorder{}}
	h, _ := teamHarness(t, func(o *Options) { o.Handler = inst })
	h.handler = inst.recorder
	body := h.fake.Installed("1", testTenant, teamA, "EDS Group", priya)
	h.send(t, body, body)
	if len(inst.got) != 1 || inst.got[0].Workspace != wsTeamA || inst.got[0].User != priya.AAD || inst.got[0].UserName != priya.Name {
		t.Fatalf("Installed called with %+v", inst.got)
	}
	acts := activities(h.fake.Calls())
	if len(acts) != 1 || acts[0].Path != "/v3/conversations/"+teamA+"/activities" || !strings.Contains(cardTexts(acts[0].Body), "Hello, team") {
		t.Fatalf("welcome posts %+v", acts)
	}
	// The installer's chats now run in the team.
	h.send(t, h.chat("2", priya, "list", nil))
	if r := h.last(t); r.Workspace != wsTeamA {
		t.Errorf("the installer's chat runs in %q", r.Workspace)
	}

	// Added in a 1:1 chat, the bot greets there, and the request names
	// no workspace: installing privately makes no one an admin.
	var act map[string]any
	_ = json.Unmarshal(h.chat("3", sam, "", nil), &act)
	act["type"], act["membersAdded"] = "conversationUpdate", []any{map[string]any{"id": "28:" + testAppID}}
	delete(act, "text")
	body, _ = json.Marshal(act)
	h.send(t, body)
	if len(inst.got) != 2 || inst.got[1].Workspace != "" || inst.got[1].User != sam.AAD {
		t.Fatalf("Installed in a chat called with %+v", inst.got)
	}
	acts = activities(h.fake.Calls())
	if last := acts[len(acts)-1]; last.Path != "/v3/conversations/a:1personal-"+sam.AAD+"/activities" || !strings.Contains(cardTexts(last.Body), "Hello") {
		t.Errorf("chat welcome %+v", last)
	}

	plain, _ := teamHarness(t, nil)
	plain.send(t, plain.fake.Installed("1", testTenant, teamA, "EDS Group", priya))
	if n := len(activities(plain.fake.Calls())); n != 0 {
		t.Errorf("a handler without a welcome: %d posts", n)
	}
}

// An Action.Execute runs as a submitted card would, and the invoke is
// answered with an Adaptive Card invoke response: the reply's first
// line, or an error for data that is not ours.
func TestActionExecuteAnswers(t *testing.T) {
	h, _ := teamHarness(t, nil)
	h.send(t, h.inTeam("1", teamA, "", priya, "list"))
	for _, tt := range []struct {
		data       map[string]any
		status     float64
		typ, value string
	}{
		{map[string]any{"command": "update eds/1.1 done", "workspace": wsTeamA}, 200, invokeMessage, "ran update eds/1.1 done"},
		{map[string]any{"other": "app"}, 400, invokeError, "not one of targetbot's"},
		{nil, 400, invokeError, "not one of targetbot's"},
	} {
		code, body := teamstest.PostBody(t, h.endpoint, h.fake.Execute("9", testTenant, "a:1personal-priya", teamstest.Personal, priya, tt.data), h.fake.Token())
		var res map[string]any
		if err := json.Unmarshal(body, &res); code != 200 || err != nil {
			t.Fatalf("invoke answered %d %q", code, body)
		}
		if res["statusCode"] != tt.status || res["type"] != tt.typ || !strings.Contains(string(body), tt.value) {
			t.Errorf("invoke %v answered %s", tt.data, body)
		}
	}
	h.drain(t)
	if r := h.last(t); r.Text != "update eds/1.1 done" || r.Workspace != wsTeamA {
		t.Errorf("Action.Execute ran %+v", r)
	}
}

// The bot's mention is removed wherever it is: words before it are
// addressed to people, so the command is what follows it, or, when
// nothing does, what came before.
func TestCommandAroundTheMention(t *testing.T) {
	bot0 := account{ID: "28:" + testAppID, Name: "targetbot"}
	samAt := &account{ID: sam.TeamsID, Name: sam.Name, AADObjectID: sam.AAD}
	for _, tt := range []struct{ text, want string }{
		{"<at>targetbot</at> show eds/1.1", "show eds/1.1"},
		{"please <at>targetbot</at> show eds/1.1", "show eds/1.1"},
		{"please <at>targetbot</at>\u00a0show eds/1.1 ", "show eds/1.1"},
		{"show eds/1.1 <at>targetbot</at>", "show eds/1.1"},
		{"<at>Sam Jones</at> fyi <at>targetbot</at> list mine", "list mine"},
		{"hey <at>targetbot</at> assign eds/1.1 <at>Sam Jones</at>", "assign eds/1.1 <@" + sam.AAD + ">"},
		{"<at>targetbot</at> target help", "help"},
	} {
		act := &activity{Text: tt.text, Recipient: bot0, Conversation: conversation{ConversationType: "channel"},
			Entities: []entity{{Type: "mention", Text: "<at>targetbot</at>", Mentioned: &bot0}, {Type: "mention", Text: "<at>Sam Jones</at>", Mentioned: samAt}}}
		got, ok := act.commandText(func(who account) string { return bot.User(who.AADObjectID) })
		if !ok || got != tt.want {
			t.Errorf("%q: command %q %v, want %q", tt.text, got, ok, tt.want)
		}
	}
}

// A digest in a team's channel, and a reminder from it, reach the
// team's service URL; the reminder makes its team the owner's current
// workspace, so that what they type back runs there.
func TestReminderMakesItsTeamCurrent(t *testing.T) {
	h, kept := teamHarness(t, nil)
	_ = kept.PutAdapterState(t.Context(), wsTeamB, ServiceURLKey, h.fake.ServiceURL())
	h.send(t, h.inTeam("1", teamA, "", sam, "list"))
	if err := h.adapter.Post(t.Context(), bot.Message{Workspace: wsTeamB, User: sam.AAD, Reply: bot.Say("⏰ due", false), Key: "r1"}); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls()
	if c := calls[len(calls)-2]; c.Path != "/v3/conversations" || c.Body["tenantId"] != testTenant {
		t.Fatalf("1:1 chat created with %+v", c)
	}
	h.send(t, h.chat("2", sam, "list", nil))
	if r := h.last(t); r.Workspace != wsTeamB {
		t.Errorf("after a reminder from team B, sam's chat runs in %q", r.Workspace)
	}
}

func TestParseWorkspaceMode(t *testing.T) {
	for in, want := range map[string]WorkspaceMode{"": WorkspaceTeam, "team": WorkspaceTeam, " Tenant ": WorkspaceTenant} {
		if got, err := ParseWorkspaceMode(in); got != want || err != nil {
			t.Errorf("ParseWorkspaceMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseWorkspaceMode("org"); err == nil || !strings.Contains(err.Error(), "TEAMS_WORKSPACE") {
		t.Errorf("ParseWorkspaceMode(org): %v", err)
	}
	if _, err := New(Options{AppID: "a", AppPassword: "p", Handler: &recorder{}, Workspace: "org"}); err == nil {
		t.Error("New took workspace mode org")
	}
}

// A link's destination is the stored URL but for what would end it.
func TestLinkDestKeepsTheURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://nhs.uk/a_b*c~d?e=f_g&h=%20":  "https://nhs.uk/a_b*c~d?e=f_g&h=%20",
		"https://en.wikipedia.org/wiki/A_(b)": "https://en.wikipedia.org/wiki/A_(b)",
		"https://x.uk/a)b(":                   "https://x.uk/a%29b%28",
		"https://x.uk/a b<c>`d\\e[f]":         "https://x.uk/a%20b%3Cc%3E%60d%5Ce%5Bf%5D",
	} {
		if got := linkDest(in); got != want {
			t.Errorf("linkDest(%q) = %q, want %q", in, got, want)
		}
	}
}

// Teams tells the bot who joins and leaves a team: a member added is a
// member at once, and one removed is no longer: their chats stop running
// in the team, and its cards stop running for them.
func TestMembersLeaving(t *testing.T) {
	h, _ := teamHarness(t, nil)
	h.send(t, h.inTeam("1", teamA, "", eve, "list"))
	update := func(id, field string, who teamstest.Member) []byte {
		var act map[string]any
		_ = json.Unmarshal(h.inTeam(id, teamA, "", priya, ""), &act)
		act["type"] = "conversationUpdate"
		act[field] = []any{map[string]any{"id": who.TeamsID, "aadObjectId": strings.ToUpper(who.AAD)}}
		delete(act, "text")
		b, _ := json.Marshal(act)
		return b
	}
	h.send(t, update("2", "membersAdded", sam))
	h.send(t, h.chat("3", sam, "list", nil))
	if r := h.last(t); r.Workspace != wsTeamA {
		t.Errorf("a member added runs their chat in %q", r.Workspace)
	}
	h.send(t, update("4", "membersRemoved", eve))
	h.send(t, h.chat("5", eve, "list", nil))
	if r := h.last(t); r.Workspace != "" {
		t.Errorf("a member removed still runs their chat in %q", r.Workspace)
	}
	ran := len(h.handler.requests())
	h.send(t, h.chat("6", eve, "", map[string]any{"command": "update eds/1.1 done", "workspace": wsTeamA}))
	if len(h.handler.requests()) != ran {
		t.Error("a member removed ran the team's card")
	}
}
