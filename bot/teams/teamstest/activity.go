package teamstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// BotName is the bot's display name in activities and mentions.
const BotName = "targetbot"

// Conversation types, as Teams names them.
const (
	Personal  = "personal"
	Channel   = "channel"
	GroupChat = "groupChat"
)

// Activity describes an inbound message. JSON fills in the rest the way
// Teams does.
type Activity struct {
	ID           string
	Conversation string // conversation id; a channel's carries ";messageid=…"
	Type         string // Personal, Channel or GroupChat
	Tenant       string
	Team         string // a channel's team id (channelData.team.id); default "19:team@thread.tacv2"
	TeamName     string // the team's name, as Teams sends it in some activities
	From         Member
	Text         string // as typed; put "<at>targetbot</at>" in it to mention the bot
	MentionBot   bool   // add the bot's mention entity
	Mentions     []Member
	Value        map[string]any // a card's Action.Submit data and inputs
	ServiceURL   string         // default the fake's
}

// JSON is the activity as Teams posts it to the messaging endpoint.
func (f *Fake) JSON(a Activity) []byte {
	if a.ServiceURL == "" {
		a.ServiceURL = f.ServiceURL()
	}
	bot := map[string]any{"id": "28:" + f.AppID, "name": BotName}
	var entities []any
	if a.MentionBot {
		entities = append(entities, map[string]any{"type": "mention", "text": "<at>" + BotName + "</at>", "mentioned": bot})
	}
	for _, m := range a.Mentions {
		entities = append(entities, map[string]any{"type": "mention", "text": "<at>" + m.Name + "</at>",
			"mentioned": map[string]any{"id": m.TeamsID, "name": m.Name}})
	}
	entities = append(entities, map[string]any{"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web", "timezone": "Europe/London"})
	conv := map[string]any{"id": a.Conversation, "conversationType": a.Type, "tenantId": a.Tenant}
	channelData := map[string]any{"tenant": map[string]any{"id": a.Tenant}}
	if a.Type == Channel {
		team := a.Team
		if team == "" {
			team = "19:team@thread.tacv2"
		}
		conv["isGroup"] = true
		channelData["teamsTeamId"] = team
		channelData["team"] = map[string]any{"id": team}
		if a.TeamName != "" {
			channelData["team"].(map[string]any)["name"] = a.TeamName
		}
		channelData["channel"] = map[string]any{"id": "19:general@thread.tacv2"}
	}
	act := map[string]any{
		"type": "message", "id": a.ID, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"localTimestamp": time.Now().Format(time.RFC3339Nano), "serviceUrl": a.ServiceURL, "channelId": "msteams",
		"from":         map[string]any{"id": a.From.TeamsID, "name": a.From.Name, "aadObjectId": a.From.AAD},
		"conversation": conv, "recipient": bot, "textFormat": "plain", "locale": "en-GB",
		"entities": entities, "channelData": channelData,
	}
	if a.Text != "" {
		act["text"] = a.Text
	}
	if a.Value != nil {
		act["value"] = a.Value
		act["replyToId"] = "1700000000001"
	}
	body, err := json.Marshal(act)
	if err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	return body
}

// Installed is the conversationUpdate Teams sends when who adds the bot
// to a team: membersAdded names the bot, in the team's General channel,
// whose conversation id is the team's id.
func (f *Fake) Installed(id, tenant, team, teamName string, who Member) []byte {
	var act map[string]any
	if err := json.Unmarshal(f.JSON(Activity{ID: id, Conversation: team, Type: Channel, Tenant: tenant, Team: team, TeamName: teamName, From: who}), &act); err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	act["type"] = "conversationUpdate"
	act["membersAdded"] = []any{map[string]any{"id": "28:" + f.AppID}}
	act["channelData"].(map[string]any)["eventType"] = "teamMemberAdded"
	delete(act, "text")
	body, err := json.Marshal(act)
	if err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	return body
}

// Execute is the invoke Teams sends when who presses a card's
// Action.Execute with data, in conversation conv.
func (f *Fake) Execute(id, tenant, conv, convType string, who Member, data map[string]any) []byte {
	var act map[string]any
	if err := json.Unmarshal(f.JSON(Activity{ID: id, Conversation: conv, Type: convType, Tenant: tenant, From: who}), &act); err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	act["type"] = "invoke"
	act["name"] = "adaptiveCard/action"
	act["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "run", "data": data}, "trigger": "manual"}
	body, err := json.Marshal(act)
	if err != nil {
		panic(fmt.Sprintf("teamstest: %v", err))
	}
	return body
}

// Post sends an activity to a messaging endpoint with a bearer token
// ("" sends no Authorization header) and returns the status code.
func Post(t testing.TB, endpoint string, body []byte, token string) int {
	t.Helper()
	code, _ := PostBody(t, endpoint, body, token)
	return code
}

// PostBody is Post, returning the answer's body too: an invoke's
// response.
func PostBody(t testing.TB, endpoint string, body []byte, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", endpoint, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}
