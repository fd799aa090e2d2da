package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store/boltstore"
)

// panelReply is what one platform showed for one command or button
// press: the text a reader sees, whether only the sender sees it, and
// the reply's buttons by the command each runs, as the platform's press
// of it needs them.
type panelReply struct {
	text    string
	private bool
	// public is true where the platform cannot answer privately (a Teams
	// channel: Teams offers bots no ephemeral messages), so private is
	// not asked of it.
	public  bool
	buttons map[string]any
}

// panelChat is one platform's chat with a served Main, as the panel
// scenario drives it: people by their platform ids, what they type and
// the buttons they press.
type panelChat struct {
	ws              string
	admin, outsider string
	members         [3]string
	mention         func(user string) string
	say             func(user, text string) panelReply
	press           func(user string, button any) panelReply
	// names is how the agreement's record names the members, where the
	// platform gives their names ("" where it does not).
	names string
}

// panelScenario is issue 23's end-to-end panel on one platform: three
// members and a guest on eds-2022/2; votes by button and by command; a
// member changes their vote; the tally; a non-member's press refused
// privately, changing nothing; the agreed grade; and the history of 2B
// with every vote and the agreed grade.
func panelScenario(t *testing.T, c panelChat) {
	t.Helper()
	want := func(step string, r panelReply, private bool, parts ...string) {
		t.Helper()
		if r.private != private && !r.public {
			t.Errorf("%s: private = %v, want %v:\n%s", step, r.private, private, r.text)
		}
		for _, p := range parts {
			if !strings.Contains(r.text, p) {
				t.Errorf("%s: reply lacks %q:\n%s", step, p, r.text)
			}
		}
	}
	want("import", c.say(c.admin, "import eds-2022"), false, "eds-2022")
	open := c.say(c.admin, "panel open eds-2022/2")
	want("panel open", open, false, "opened a panel on", "eds-2022/2B")
	developing, achieving := open.buttons["vote eds-2022/2B developing"], open.buttons["vote eds-2022/2B achieving"]
	if developing == nil || achieving == nil {
		t.Fatalf("the panel's card has no vote buttons for 2B: %v", open.buttons)
	}
	mentions := make([]string, len(c.members))
	for i, m := range c.members {
		mentions[i] = c.mention(m)
	}
	want("panel add", c.say(c.admin, "panel add eds-2022/2 "+strings.Join(mentions, " ")), false, "added")
	want("panel guest", c.say(c.admin, "panel guest eds-2022/2 trade-union Pat Jones"), false, "Pat Jones")

	// A non-member's press is refused, privately, and records nothing.
	c.say(c.outsider, "panel eds-2022/2") // they have used the bot here
	want("a non-member's press", c.press(c.outsider, developing), true, "only members of the panel")

	// Votes by button and by command; the third member changes theirs.
	want("a member's press", c.press(c.members[0], developing), true, "Your vote on", "eds-2022/2B", "developing")
	want("a member's vote", c.say(c.members[1], "vote eds-2022/2B achieving the survey shows it"), true, "Your vote on")
	want("a press, to change", c.press(c.members[2], achieving), true, "achieving")
	want("a changed vote", c.say(c.members[2], "vote eds-2022/2B developing on reflection"), true, "developing")
	want("a guest's vote", c.say(c.admin, "vote eds-2022/2B developing for Pat Jones too few surveyed"), true, "Pat Jones")

	want("the tally", c.say(c.members[0], "panel eds-2022/2"), true,
		"4 votes", "developing 3", "achieving 1", "Median", "developing to achieving", "Pat Jones (trade-union)")
	want("panel agree", c.say(c.admin, "panel agree eds-2022/2B developing"), false, "agreed grade of", "developing")
	hist := c.say(c.members[1], "history eds-2022/2B")
	want("history", hist, true, "opened the panel on", "voted", "changed their vote to", "(was achieving)", "on reflection",
		"entered", "Pat Jones", "vote", "recorded the panel's agreed grade", "rated", "agreed by the panel on eds-2022/2")
	if c.names != "" && !strings.Contains(hist.text, c.names) {
		t.Errorf("history: the agreement's record does not name the members as the workspace knows them (%q):\n%s", c.names, hist.text)
	}
	if strings.Count(hist.text, " voted ") != 3 {
		t.Errorf("history: want 3 first votes (the non-member's press is not one):\n%s", hist.text)
	}

}

// Issue 23's panel end to end on Slack, Discord and Teams, through one
// served Main: signed Slack requests, Discord interactions signed with
// Ed25519, and Teams activities with Bot Framework JWTs; each platform
// its own workspace.
func TestPanelEndToEndOnEveryPlatform(t *testing.T) {
	db := filepath.Join(t.TempDir(), "targetbot.db")
	hooks, discordAPI := &fakeAPI{}, &fakeAPI{}
	hookSrv := hooks.server(t, func(string, int) string { return `{"ok":true}` })
	discordSrv := discordAPI.server(t, func(string, int) string { return `{"id":"1300000000000000001"}` })
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	people := []teamstest.Member{teamsAdmin, teamsOwner,
		{TeamsID: "29:1bob", AAD: "c0000000-0000-0000-0000-00000000000c", Name: "Bob Burns"},
		{TeamsID: "29:1cat", AAD: "d0000000-0000-0000-0000-00000000000d", Name: "Cat Cole"},
		{TeamsID: "29:1dan", AAD: "e0000000-0000-0000-0000-00000000000e", Name: "Dan Dale"}}
	for _, p := range people {
		fake.AddMember(p)
	}
	m, _, errOut := testMain(t, "bolt:"+db, "")
	m.Now = time.Now
	teamsConfig(m, fake)
	m.Config.Admins = "slack:UADMIN,discord:555000111,teams:" + teamsAdmin.AAD
	m.Config.SlackSigningSecret = slackSecret
	m.Config.DiscordPublicKey = hex.EncodeToString(discordKey.Public().(ed25519.PublicKey))
	m.Config.DiscordAppID = "1100000000000000001"
	m.Config.DiscordAPIURL = discordSrv.URL + "/api/v9"
	base, stop := runServe(t, m, errOut)

	defer func() {
		if t.Failed() {
			t.Log(errOut.String())
		}
	}()
	t.Run("slack", func(t *testing.T) {
		panelScenario(t, slackPanelChat(t, base, hookSrv.URL, hooks))
	})
	t.Run("discord", func(t *testing.T) {
		panelScenario(t, discordPanelChat(t, base, discordAPI))
	})
	t.Run("teams", func(t *testing.T) {
		panelScenario(t, teamsPanelChat(t, base, fake, people))
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st, err := boltstore.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, ws := range []string{"slack:T1", "discord:81234", teamsWS} {
		tg, err := st.Target(context.Background(), ws, "eds-2022/2B")
		if err != nil || tg.Rating != framework.Developing {
			t.Errorf("2B in %s = %q, %v; want developing, the agreed grade", ws, tg.Rating, err)
		}
	}
}

// replyStrings are the strings a reader sees in a platform's JSON
// reply (every string but ids, urls and styles), one a line, and the
// buttons: each button's command, with what pressing it takes.
func replyStrings(v any, button func(map[string]any) (string, any)) (string, map[string]any) {
	var b strings.Builder
	buttons := map[string]any{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if cmd, press := button(v); cmd != "" {
				buttons[cmd] = press
			}
			for k, x := range v {
				if s, ok := x.(string); ok && k != "custom_id" && k != "action_id" && k != "style" && k != "url" && k != "type" && k != "value" {
					b.WriteString(s + "\n")
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String(), buttons
}

// slackPanelChat drives the Slack workspace T1: slash commands and
// block_actions, signed with the signing secret; a press's reply comes
// through its response_url.
func slackPanelChat(t *testing.T, base, hookURL string, hooks *fakeAPI) panelChat {
	slackButton := func(m map[string]any) (string, any) {
		if m["type"] == "button" {
			cmd, _ := m["value"].(string)
			return cmd, m
		}
		return "", nil
	}
	post := func(path, body string) map[string]any {
		t.Helper()
		now := time.Now()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("X-Slack-Signature", slack.Sign(slackSecret, now.Unix(), []byte(body)))
		code, r := doJSON(t, req)
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		return r
	}
	var presses atomic.Int64
	return panelChat{
		ws: "slack:T1", admin: "UADMIN", outsider: "U0DAN", members: [3]string{"U0AMY", "U0BOB", "U0CAT"},
		mention: func(u string) string { return "<@" + u + ">" },
		say: func(user, text string) panelReply {
			r := post("/slack/commands", slackForm("T1", user, text))
			s, buttons := replyStrings(r, slackButton)
			return panelReply{text: s, private: r["response_type"] == "ephemeral", buttons: buttons}
		},
		press: func(user string, button any) panelReply {
			n := presses.Add(1)
			before := len(hooks.recorded())
			btn := button.(map[string]any)
			payload, _ := json.Marshal(map[string]any{
				"type": "block_actions", "user": map[string]any{"id": user, "team_id": "T1"}, "team": map[string]any{"id": "T1"},
				"api_app_id": "A0KRD7HC3", "trigger_id": fmt.Sprintf("1.2.%d", n),
				"channel":      map[string]any{"id": "C0LAN2Q65", "name": "eds-team"},
				"container":    map[string]any{"type": "message", "message_ts": "1548261231.000200", "channel_id": "C0LAN2Q65"},
				"response_url": hookURL + "/actions/T1/" + strconv.FormatInt(n, 10),
				"actions": []any{map[string]any{"action_id": btn["action_id"], "block_id": "b", "value": btn["value"], "type": "button",
					"action_ts": fmt.Sprintf("1548426417.%06d", n)}},
			})
			post("/slack/interactions", url.Values{"payload": {string(payload)}}.Encode())
			deadline := time.Now().Add(5 * time.Second)
			for len(hooks.recorded()) == before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			calls := hooks.recorded()
			if len(calls) == before {
				t.Fatalf("no reply to the press of %v", btn["value"])
			}
			r := calls[len(calls)-1].json
			s, _ := replyStrings(r, slackButton)
			return panelReply{text: s, private: r["response_type"] == "ephemeral"}
		},
	}
}

// discordPanelChat drives the Discord server 81234: /target
// interactions with named options (the EDS verbs in their group) and
// button presses, signed with Ed25519; a reply longer than the response
// follows through the fake API's webhook.
func discordPanelChat(t *testing.T, base string, api *fakeAPI) panelChat {
	discordButton := func(m map[string]any) (string, any) {
		if id, ok := m["custom_id"].(string); ok && strings.HasPrefix(id, "cmd:") {
			return strings.TrimPrefix(id, "cmd:"), id
		}
		return "", nil
	}
	var ids atomic.Int64
	send := func(ix map[string]any) panelReply {
		t.Helper()
		n := ids.Add(1)
		token := fmt.Sprintf("panel-token-%d", n)
		ix["id"] = strconv.FormatInt(1250000000000000000+n, 10)
		ix["application_id"], ix["token"] = "1100000000000000001", token
		ix["guild_id"], ix["channel_id"] = "81234", "90001"
		body, _ := json.Marshal(ix)
		code, r := postDiscord(t, base, body, time.Now(), false)
		if code != 200 {
			t.Fatalf("interaction: status %d", code)
		}
		data, _ := r["data"].(map[string]any)
		flags, _ := data["flags"].(float64)
		s, buttons := replyStrings(data, discordButton)
		// Follow-ups (a deferred answer, or the rest of a long one).
		time.Sleep(50 * time.Millisecond)
		for _, c := range api.recorded() {
			if strings.Contains(c.path, "/webhooks/1100000000000000001/"+token) && c.json != nil {
				more, mb := replyStrings(c.json, discordButton)
				s += more
				for k, v := range mb {
					buttons[k] = v
				}
				if f, _ := c.json["flags"].(float64); f == 64 {
					flags = 64
				}
			}
		}
		return panelReply{text: s, private: int(flags)&64 != 0, buttons: buttons}
	}
	member := func(user string) map[string]any {
		return map[string]any{"permissions": "0", "user": map[string]any{"id": user, "username": "u" + user}}
	}
	return panelChat{
		ws: "discord:81234", admin: "555000111", outsider: "555000999", members: [3]string{"555000201", "555000202", "555000203"},
		mention: func(u string) string { return "<@" + u + ">" },
		say: func(user, text string) panelReply {
			verb, rest, _ := strings.Cut(text, " ")
			words := strings.Fields(rest)
			opts := map[string]any{}
			switch verb {
			case "import":
				opts["framework"] = rest
			case "panel":
				opts["action"] = words[0]
				if len(words) > 1 {
					opts["rest"] = strings.Join(words[1:], " ")
				}
			case "vote":
				opts["target"], opts["grade"] = words[0], words[1]
				if len(words) > 2 {
					opts["reason"] = strings.Join(words[2:], " ")
				}
			case "history":
				opts["target"] = words[0]
			}
			var options []any
			for k, v := range opts {
				options = append(options, map[string]any{"name": k, "type": 3, "value": v})
			}
			sub := map[string]any{"name": verb, "type": 1, "options": options}
			if verb == "panel" || verb == "vote" {
				sub = map[string]any{"name": "eds", "type": 2, "options": []any{sub}}
			}
			return send(map[string]any{"type": 2, "member": member(user),
				"data": map[string]any{"id": "1150000000000000001", "name": "target", "type": 1, "options": []any{sub}}})
		},
		press: func(user string, button any) panelReply {
			return send(map[string]any{"type": 3, "member": member(user),
				"data":    map[string]any{"component_type": 2, "custom_id": button},
				"message": map[string]any{"id": "1200000000000000100", "channel_id": "90001"}})
		},
	}
}

// teamsPanelChat drives the Teams team: channel messages that mention
// the bot, and card presses (Action.Submit) in the channel, or in the
// presser's 1:1 chat for a private answer; every activity carries a
// Bot Framework JWT.
func teamsPanelChat(t *testing.T, base string, fake *teamstest.Fake, people []teamstest.Member) panelChat {
	byAAD := map[string]teamstest.Member{}
	for _, p := range people {
		byAAD[p.AAD] = p
	}
	teamsButton := func(m map[string]any) (string, any) {
		if m["type"] == "Action.Submit" {
			if d, ok := m["data"].(map[string]any); ok {
				if cmd, ok := d["command"].(string); ok {
					return cmd, d
				}
			}
		}
		return "", nil
	}
	var n atomic.Int64
	send := func(a teamstest.Activity) panelReply {
		t.Helper()
		a.ID = fmt.Sprintf("17639990%05d", n.Add(1))
		a.Tenant = teamsTenant
		if code := teamstest.Post(t, base+"/teams/messages", fake.JSON(a), fake.Token()); code != 200 {
			t.Fatalf("activity %q: status %d", a.Text, code)
		}
		mine := func(c teamstest.Call) bool {
			return c.Method == "POST" && strings.HasSuffix(c.Path, "/activities/"+a.ID)
		}
		got := fake.WaitCalls(t, 1, mine)
		// A reply of several cards is posted card by card: wait until
		// no more come.
		for {
			time.Sleep(100 * time.Millisecond)
			more := fake.WaitCalls(t, 1, mine)
			if len(more) == len(got) {
				break
			}
			got = more
		}
		var texts []string
		buttons := map[string]any{}
		for _, c := range got {
			_, bs := replyStrings(c.Body, teamsButton)
			texts = append(texts, cardTexts(c.Body))
			for k, v := range bs {
				buttons[k] = v
			}
		}
		return panelReply{text: strings.Join(texts, "\n"), private: a.Type == teamstest.Personal, public: a.Type == teamstest.Channel, buttons: buttons}
	}
	inChannel := func(user, text string) teamstest.Activity {
		return teamstest.Activity{Conversation: teamsChannel + ";messageid=1763889000000", Type: teamstest.Channel, From: byAAD[user], Text: text}
	}
	return panelChat{
		ws: teamsWS, admin: teamsAdmin.AAD, outsider: people[4].AAD, members: [3]string{teamsOwner.AAD, people[2].AAD, people[3].AAD},
		names:   "members Priya Shah, Bob Burns, Cat Cole",
		mention: func(u string) string { return "<at>" + byAAD[u].Name + "</at>" },
		say: func(user, text string) panelReply {
			a := inChannel(user, "<at>"+teamstest.BotName+"</at> "+text)
			a.MentionBot = true
			for _, p := range people {
				if strings.Contains(text, "<at>"+p.Name+"</at>") {
					a.Mentions = append(a.Mentions, p)
				}
			}
			return send(a)
		},
		press: func(user string, button any) panelReply {
			if user == people[4].AAD {
				// The outsider presses the card forwarded to their 1:1
				// chat: the refusal is theirs alone.
				return send(teamstest.Activity{Conversation: "a:1chat-" + user, Type: teamstest.Personal, From: byAAD[user], Value: button.(map[string]any)})
			}
			a := inChannel(user, "")
			a.Value = button.(map[string]any)
			return send(a)
		},
	}
}
