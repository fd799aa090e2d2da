package teams

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/framework"
)

// A 1:1 message is a command, with or without "/target" or "target"; the
// reply reaches the Connector as a reply to the activity, with the
// client-credentials token, which is fetched once and reused.
func TestPersonalMessageRunsAndReplies(t *testing.T) {
	h := newHarness(t, nil)
	for i, text := range []string{"update eds/1.1 40%", "/target update eds/1.1 40%", "Target update eds/1.1 40%", " target\u00a0update eds/1.1 40% "} {
		id := string(rune('1' + i))
		if code := h.post(t, h.personal(id, text), h.fake.Token()); code != 200 {
			t.Fatalf("%q: status %d", text, code)
		}
	}
	h.drain(t)
	reqs := h.handler.requests()
	if len(reqs) != 4 {
		t.Fatalf("ran %d commands, want 4", len(reqs))
	}
	for i, r := range reqs {
		// Each carries its activity's id as its replay key.
		want := bot.Request{Workspace: "teams:" + testTenant, Channel: "a:1personal-priya", User: priya.AAD, UserName: priya.Name, Text: "update eds/1.1 40%",
			Once: "activity:a:1personal-priya:" + string(rune('1'+i)), OnceFor: replayTTL}
		r.ID = ""
		if !reflect.DeepEqual(r, want) {
			t.Errorf("request %+v, want %+v", r, want)
		}
	}
	acts := activities(h.fake.Calls())
	if len(acts) != 4 {
		t.Fatalf("%d replies, want 4: %+v", len(acts), h.fake.Calls())
	}
	// Replies are delivered after each activity is answered, concurrently,
	// so they may reach the Connector in any order; each must answer its
	// own activity, and every activity must be answered.
	answered := map[string]bool{}
	for _, c := range acts {
		id, ok := strings.CutPrefix(c.Path, "/v3/conversations/a:1personal-priya/activities/")
		if !ok {
			t.Errorf("reply posted to %s", c.Path)
		}
		if c.Body["replyToId"] != id {
			t.Errorf("reply %s has replyToId %v, want %s", c.Path, c.Body["replyToId"], id)
		}
		answered[id] = true
		if c.Auth != "Bearer "+h.fake.AccessToken() {
			t.Errorf("reply authorised with %q", c.Auth)
		}
		att := c.Body["attachments"].([]any)[0].(map[string]any)
		if att["contentType"] != cardContentType || !strings.Contains(cardTexts(att), "update eds/1.1 40%") {
			t.Errorf("reply is not the card: %v", c.Body)
		}
	}
	if want := map[string]bool{"1": true, "2": true, "3": true, "4": true}; !reflect.DeepEqual(answered, want) {
		t.Errorf("activities answered %v, want %v", answered, want)
	}
	if n := h.fake.TokenRequests(); n != 1 {
		t.Errorf("token fetched %d times, want once", n)
	}
}

// In a channel, only a message that @mentions the bot is a command; the
// mention is removed, and the channel is the conversation without its
// thread. The reply goes in the thread.
func TestChannelNeedsMention(t *testing.T) {
	h := newHarness(t, nil)
	if code := h.post(t, h.channel("10", "update eds/1.1 40%", false), h.fake.Token()); code != 200 {
		t.Fatalf("unmentioned: %d", code)
	}
	h.drain(t)
	if len(h.handler.requests()) != 0 || len(h.fake.Calls()) != 0 {
		t.Fatalf("an unmentioned channel message ran: %v %v", h.handler.requests(), h.fake.Calls())
	}
	if code := h.post(t, h.channel("11", "<at>targetbot</at> update eds/1.1 40%", true), h.fake.Token()); code != 200 {
		t.Fatalf("mentioned: %d", code)
	}
	h.drain(t)
	reqs := h.handler.requests()
	if len(reqs) != 1 || reqs[0].Text != "update eds/1.1 40%" || reqs[0].Channel != "19:general@thread.tacv2" {
		t.Fatalf("requests %+v", reqs)
	}
	acts := activities(h.fake.Calls())
	if len(acts) != 1 || acts[0].Path != "/v3/conversations/19:general@thread.tacv2;messageid=1699999999999/activities/11" {
		t.Fatalf("replies %+v", acts)
	}
}

// A mention of another user becomes a user reference by their AAD object
// id, looked up once through the Connector.
func TestMentionedUserBecomesReference(t *testing.T) {
	h := newHarness(t, nil)
	act := teamstest.Activity{ID: "20", Conversation: "19:general@thread.tacv2;messageid=1", Type: teamstest.Channel,
		Tenant: testTenant, From: priya, MentionBot: true, Mentions: []teamstest.Member{sam},
		Text: "<at>targetbot</at> assign eds/1.1 <at>Sam Jones</at>"}
	for _, id := range []string{"20", "21"} {
		act.ID = id
		if code := h.post(t, h.fake.JSON(act), h.fake.Token()); code != 200 {
			t.Fatal(code)
		}
	}
	h.drain(t)
	reqs := h.handler.requests()
	if len(reqs) != 2 || reqs[0].Text != "assign eds/1.1 <@"+sam.AAD+">" || reqs[1].Text != reqs[0].Text {
		t.Fatalf("requests %+v", reqs)
	}
	lookups := 0
	for _, c := range h.fake.Calls() {
		if c.Method == "GET" && strings.HasSuffix(c.Path, "/members/"+sam.TeamsID) {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("looked Sam up %d times, want once", lookups)
	}
}

// A card button's Action.Submit runs its command as the person who
// pressed it, in their own workspace; the update form's answers reach
// the command layer as named arguments, those of their own form only.
func TestCardSubmit(t *testing.T) {
	h := newHarness(t, nil)
	submit := func(id string, value map[string]any) {
		t.Helper()
		body := h.fake.JSON(teamstest.Activity{ID: id, Conversation: "a:1personal-sam", Type: teamstest.Personal,
			Tenant: testTenant, From: sam, Value: value})
		if code := h.post(t, body, h.fake.Token()); code != 200 {
			t.Fatal(code)
		}
	}
	submit("30", map[string]any{"command": "update eds/1.1 done"})
	submit("31", map[string]any{"command": "update eds/1.1", "form": "2", "progress-2": "60", "status-2": "at-risk", "note-2": "on-track by March", "progress-1": "5"})
	submit("32", map[string]any{"command": "update eds/1.1", "form": "1", "progress-1": "", "status-1": "", "note-1": ""})
	submit("33", map[string]any{"unrelated": "value"})
	h.drain(t)
	var got []string
	for _, r := range h.handler.requests() {
		if r.User != sam.AAD || r.Workspace != "teams:"+testTenant {
			t.Errorf("ran as %s in %s", r.User, r.Workspace)
		}
		got = append(got, describe(r))
	}
	want := []string{"update eds/1.1 done", "update note=on-track by March progress=60 status=at-risk target=eds/1.1", "update target=eds/1.1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("commands %q, want %q", got, want)
	}
}

// The same activity delivered twice, to one replica or two, carries one
// replay key to the command layer, which runs it once and refuses the
// redelivery (bot.Reply.Replayed); the adapter answers the first
// delivery only. (commands TestReplayedRequestRunsOnce, with the store's
// claim, and cmd/targetbot's Teams tests on Redis cover the refusing.)
func TestRedeliveryIsAnsweredOnce(t *testing.T) {
	var mu sync.Mutex
	ran := map[string]bool{}
	refuse := func(r bot.Request) bot.Reply {
		mu.Lock()
		defer mu.Unlock()
		if r.Once == "" {
			t.Errorf("request %q carries no replay key", r.Text)
		}
		if ran[r.Once] {
			reply := bot.Say("this request was already received and handled, so it was not run again", true)
			reply.Code, reply.Replayed = framework.ECONFLICT, true
			return reply
		}
		ran[r.Once] = true
		return bot.Say("updated", false)
	}
	h1 := newHarness(t, nil)
	h2 := newHarness(t, nil)
	h1.handler.reply, h2.handler.reply = refuse, refuse
	body := h1.personal("40", "update eds/1.1 40%")
	token := h1.fake.Token()
	for range 2 {
		if code := h1.post(t, body, token); code != 200 {
			t.Fatalf("delivery: %d", code)
		}
	}
	// The second replica's fake shares nothing with the first; the same
	// activity id and conversation is the same activity.
	body2 := h2.personal("40", "update eds/1.1 40%")
	if code := h2.post(t, body2, h2.fake.Token()); code != 200 {
		t.Fatalf("delivery to the other replica: %d", code)
	}
	h1.drain(t)
	h2.drain(t)
	reqs := append(h1.handler.requests(), h2.handler.requests()...)
	if len(reqs) != 3 || reqs[0].Once != reqs[1].Once || reqs[1].Once != reqs[2].Once || reqs[0].OnceFor < replayTTL {
		t.Errorf("requests %+v: want three with one replay key, kept %v", reqs, replayTTL)
	}
	if n := len(activities(h1.fake.Calls())) + len(activities(h2.fake.Calls())); n != 1 {
		t.Errorf("%d replies, want one", n)
	}
}

// A handler that panics is answered with the internal-error reply, and
// the process lives on.
func TestHandlerPanic(t *testing.T) {
	h := newHarness(t, nil)
	h.handler.reply = func(bot.Request) bot.Reply { panic("boom") }
	if code := h.post(t, h.personal("50", "list"), h.fake.Token()); code != 200 {
		t.Fatal(code)
	}
	h.drain(t)
	acts := activities(h.fake.Calls())
	if len(acts) != 1 || !strings.Contains(cardTexts(acts[0].Body), "something went wrong") {
		t.Fatalf("replies %+v", acts)
	}
}

// Activities that are not messages (the bot added to a team, a reaction)
// run nothing, but teach the adapter the workspace's service URL.
func TestConversationUpdateLearnsServiceURL(t *testing.T) {
	kept := &mapState{}
	h := newHarness(t, func(o *Options) { o.State = kept })
	var act map[string]any
	_ = json.Unmarshal(h.personal("60", ""), &act)
	act["type"] = "conversationUpdate"
	act["membersAdded"] = []any{map[string]any{"id": "28:" + testAppID}}
	body, _ := json.Marshal(act)
	if code := h.post(t, body, h.fake.Token()); code != 200 {
		t.Fatal(code)
	}
	if len(h.handler.requests()) != 0 {
		t.Fatal("a conversation update ran a command")
	}
	if u, _ := kept.AdapterState(t.Context(), "teams:"+testTenant, ServiceURLKey); u != h.fake.ServiceURL() {
		t.Errorf("kept service URL %v, want %s", u, h.fake.ServiceURL())
	}
}

// mapState is a bot.StateStore in a sync.Map, keyed by workspace and key.
type mapState struct{ m sync.Map }

var _ bot.StateStore = (*mapState)(nil)

func (s *mapState) PutAdapterState(_ context.Context, ws, key, value string) error {
	if value == "" {
		s.m.Delete([2]string{ws, key})
	} else {
		s.m.Store([2]string{ws, key}, value)
	}
	return nil
}

func (s *mapState) AdapterState(_ context.Context, ws, key string) (string, error) {
	v, _ := s.m.Load([2]string{ws, key})
	str, _ := v.(string)
	return str, nil
}
