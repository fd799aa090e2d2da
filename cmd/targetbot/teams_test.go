package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store/boltstore"
)

const (
	teamsAppID    = "6f1c7e0a-1d2b-4c3d-8e4f-a5b6c7d8e9f0"
	teamsPassword = "client-secret"
	teamsTenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	teamsChannel  = "19:eds-working-group@thread.tacv2"
	// teamsTeam is the team teamstest's channel activities come from,
	// and teamsWS its workspace.
	teamsTeam = "19:team@thread.tacv2"
	teamsWS   = "teams:" + teamsTenant + "/" + teamsTeam
)

var (
	teamsAdmin = teamstest.Member{TeamsID: "29:1amy", AAD: "a0000000-0000-0000-0000-00000000000a", Name: "Amy Admin"}
	teamsOwner = teamstest.Member{TeamsID: "29:1priya", AAD: "b0000000-0000-0000-0000-00000000000b", Name: "Priya Shah"}
)

// teamsConfig points a Main's Teams settings at the fake.
func teamsConfig(m *Main, fake *teamstest.Fake) {
	m.Config.Admins = "teams:" + teamsAdmin.AAD
	m.Config.TeamsAppID = teamsAppID
	m.Config.TeamsAppPassword = teamsPassword
	m.Config.TeamsOpenIDURL = fake.OpenIDURL()
	m.Config.TeamsTokenURL = fake.TokenURL()
}

// serveTeams runs `targetbot serve` with Teams configured, and returns
// its base URL and the function that stops it.
func serveTeams(t *testing.T, storeURL string, fake *teamstest.Fake) (string, func() error) {
	t.Helper()
	m, _, errOut := testMain(t, storeURL, "")
	m.Now = time.Now
	teamsConfig(m, fake)
	return runServe(t, m, errOut)
}

// teamsChat sends activities to a served Main and waits for their replies.
type teamsChat struct {
	t    *testing.T
	fake *teamstest.Fake
	url  string
	n    int
}

// send posts one activity, signed, and returns the texts of the cards
// replying to it.
func (c *teamsChat) send(a teamstest.Activity) string {
	c.t.Helper()
	c.n++
	a.ID = fmt.Sprintf("17638890%05d", c.n)
	a.Tenant = teamsTenant
	if code := teamstest.Post(c.t, c.url+"/teams/messages", c.fake.JSON(a), c.fake.Token()); code != 200 {
		c.t.Fatalf("activity %q: status %d", a.Text, code)
	}
	replies := c.fake.WaitCalls(c.t, 1, func(call teamstest.Call) bool {
		return call.Method == "POST" && strings.HasSuffix(call.Path, "/activities/"+a.ID)
	})
	var texts []string
	for _, r := range replies {
		if r.Auth != "Bearer "+c.fake.AccessToken() {
			c.t.Errorf("reply authorised with %q", r.Auth)
		}
		texts = append(texts, cardTexts(r.Body))
	}
	return strings.Join(texts, "\n")
}

// personal is a 1:1 message from who.
func (c *teamsChat) personal(who teamstest.Member, text string) string {
	return c.send(teamstest.Activity{Conversation: "a:1chat-" + who.AAD, Type: teamstest.Personal, From: who, Text: text})
}

// channel is a channel message from who that @mentions the bot.
func (c *teamsChat) channel(who teamstest.Member, text string, mentions ...teamstest.Member) string {
	return c.send(teamstest.Activity{Conversation: teamsChannel + ";messageid=1763889000000", Type: teamstest.Channel,
		From: who, Text: "<at>" + teamstest.BotName + "</at> " + text, MentionBot: true, Mentions: mentions})
}

// cardTexts joins every "text" and "title" string in a card, with card
// markdown's backslash escapes undone, so tests can look for what a
// reader sees.
func cardTexts(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "text" || k == "title") {
					for i := 0; i < len(s); i++ {
						if s[i] == '\\' && i+1 < len(s) {
							i++
						}
						b.WriteByte(s[i])
					}
					b.WriteByte('\n')
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
	return b.String()
}

// nextMonday9 is the first Monday 09:00 in London at least two days from
// now: a digest and reminder time after anything the served bot records.
func nextMonday9(t *testing.T) time.Time {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	d := time.Now().In(loc).Add(48 * time.Hour)
	at := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
	for at.Weekday() != time.Monday || !at.After(d) {
		at = time.Date(at.Year(), at.Month(), at.Day()+1, 9, 0, 0, 0, loc)
	}
	return at
}

// Teams end to end, through the real Main: signed activities drive the
// verbs in a channel of a team and in 1:1 chats, which run in the team
// their users used the bot in; forged ones change nothing; "digest
// here" in the channel and run-schedules post the digest there exactly
// once, its details in the digest's thread, and DM the overdue owner a
// card with buttons; pressing them updates the target.
func TestTeamsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "targetbot.db")
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	fake.AddMember(teamsAdmin)
	fake.AddMember(teamsOwner)
	at := nextMonday9(t)
	due := at.AddDate(0, 0, -1).Format("2006-01-02")

	base, stop := serveTeams(t, "bolt:"+db, fake)
	chat := &teamsChat{t: t, fake: fake, url: base}
	steps := []struct {
		name  string
		reply func() string
		want  []string
	}{
		{"help", func() string { return chat.personal(teamsOwner, "help") }, []string{"update <target>"}},
		{"no team yet", func() string { return chat.personal(teamsAdmin, "/target import eds") }, []string{"team channel first"}},
		{"import", func() string { return chat.channel(teamsAdmin, "/target import eds") }, []string{"18"}},
		{"list", func() string { return chat.channel(teamsOwner, "list eds/1") }, []string{"eds/1.1", "eds/1.2"}},
		{"update", func() string {
			return chat.personal(teamsOwner, "target update eds/1.1 40% on-track Held two listening events")
		}, []string{"40%", "Held two listening events"}},
		{"assign by mention", func() string { return chat.channel(teamsAdmin, "assign eds/1.1 <at>Priya Shah</at>", teamsOwner) }, []string{"Priya Shah"}},
		{"due", func() string { return chat.channel(teamsAdmin, "due eds/1.1 "+due) }, []string{due}},
		{"show", func() string { return chat.personal(teamsOwner, "show eds/1.1") }, []string{"Services are commissioned", "Priya Shah", "Held two listening events"}},
		{"not an admin", func() string { return chat.personal(teamsOwner, "digest here") }, []string{"admin"}},
		{"digest here", func() string { return chat.channel(teamsAdmin, "digest here") }, []string{"on Mondays at 09:00"}},
	}
	for _, s := range steps {
		got := s.reply()
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply lacks %q:\n%s", s.name, w, got)
			}
		}
	}
	// A channel message that does not mention the bot is not a command.
	quiet := teamstest.Activity{ID: "x1", Conversation: teamsChannel, Type: teamstest.Channel, Tenant: teamsTenant, From: teamsOwner, Text: "update eds/1.1 90%"}
	if code := teamstest.Post(t, base+"/teams/messages", fake.JSON(quiet), fake.Token()); code != 200 {
		t.Errorf("unmentioned channel message: %d", code)
	}
	// Forged activities are refused and change nothing.
	forged := fake.JSON(teamstest.Activity{ID: "x2", Conversation: "a:1", Type: teamstest.Personal, Tenant: teamsTenant, From: teamsOwner, Text: "update eds/1.1 90%"})
	claims := fake.Claims()
	claims["aud"] = "00000000-0000-0000-0000-000000000000"
	for name, tok := range map[string]string{"wrong audience": fake.Sign(claims), "no token": "", "alg none": teamstest.SignWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, fake.Key().ID, fake.Claims())} {
		if code := teamstest.Post(t, base+"/teams/messages", forged, tok); code != 401 {
			t.Errorf("%s: status %d, want 401", name, code)
		}
	}
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, `targetbot_requests_total{command="update",outcome="ok",platform="teams"} 1`) {
		t.Errorf("/metrics does not count the Teams update:\n%s", body)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	checkTarget(t, db, func(tg framework.Target) {
		if tg.Progress != 40 || tg.Owner != teamsOwner.AAD || string(tg.Due) != due {
			t.Errorf("eds/1.1 = %d%% owner %q due %q, want 40%%, %s, %s", tg.Progress, tg.Owner, tg.Due, teamsOwner.AAD, due)
		}
	})
	if got := adapterState(t, db, teamsWS, teams.ServiceURLKey); got != fake.ServiceURL() {
		t.Fatalf("the store keeps the service URL %q, want %q", got, fake.ServiceURL())
	}
	if _, err := os.Stat(db + ".teams.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file beside the store: %v", err)
	}

	// Digests and reminders, from another process: run-schedules.
	before := len(fake.Calls())
	for range 2 {
		m, _, errOut := testMain(t, "bolt:"+db, "")
		teamsConfig(m, fake)
		// Run as an external cron would, at the time: --allow-future
		// reaches 7 days, and at may be 9 days away.
		m.Now = func() time.Time { return at }
		if err := m.Run(context.Background(), []string{"run-schedules", "--at", at.UTC().Format(time.RFC3339)}); err != nil {
			t.Fatalf("run-schedules: %v\n%s", err, errOut)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	calls := fake.Calls()[before:]
	var digest, created, dm []teamstest.Call
	for _, c := range calls {
		switch {
		case c.Method == "POST" && c.Path == "/v3/conversations/"+teamsChannel+"/activities":
			digest = append(digest, c)
		case c.Method == "POST" && c.Path == "/v3/conversations":
			created = append(created, c)
		case c.Method == "POST" && c.Path == "/v3/conversations/a:dm-"+teamsOwner.AAD+"/activities":
			dm = append(dm, c)
		}
	}
	if len(digest) != 1 {
		t.Fatalf("digest headlines posted %d times, want exactly once; calls: %+v", len(digest), calls)
	}
	thread := ""
	for _, c := range calls {
		// The details are replies in the digest's thread, which Teams
		// names by the channel and the digest's message id.
		if strings.HasPrefix(c.Path, "/v3/conversations/"+teamsChannel+";messageid=") {
			thread += cardTexts(c.Body)
		}
	}
	if !strings.Contains(cardTexts(digest[0].Body), "Digest") || !strings.Contains(thread, "eds/1.1") || !strings.Contains(thread, "Overdue") {
		t.Errorf("digest headline or thread lacks the overdue target:\n%s\n---\n%s", cardTexts(digest[0].Body), thread)
	}
	if len(created) == 0 || created[0].Body["tenantId"] != teamsTenant || !strings.Contains(fmt.Sprint(created[0].Body["members"]), teamsOwner.AAD) {
		t.Fatalf("1:1 chat with the owner not created: %+v", created)
	}
	if len(dm) != 1 {
		t.Fatalf("reminder DMs %d, want 1", len(dm))
	}
	card := dm[0].Body["attachments"].([]any)[0].(map[string]any)["content"]
	cardJSON, _ := json.Marshal(card)
	for _, want := range []string{`"Action.Submit"`, `"update eds/1.1 done"`, `"snooze eds/1.1 7d"`, `"Action.ShowCard"`} {
		if !strings.Contains(string(cardJSON), want) {
			t.Errorf("reminder card lacks %s: %s", want, cardJSON)
		}
	}

	// The owner presses the reminder's buttons: the form first, then done.
	base, stop = serveTeams(t, "bolt:"+db, fake)
	chat.url = base
	form, done := submitData(t, card)
	form["progress-"+form["form"].(string)] = "60"
	form["note-"+form["form"].(string)] = "survey out"
	dmConv := "a:dm-" + teamsOwner.AAD
	if got := chat.send(teamstest.Activity{Conversation: dmConv, Type: teamstest.Personal, From: teamsOwner, Value: form}); !strings.Contains(got, "60%") {
		t.Errorf("form submit reply: %s", got)
	}
	if got := chat.send(teamstest.Activity{Conversation: dmConv, Type: teamstest.Personal, From: teamsOwner, Value: done}); !strings.Contains(got, "done") {
		t.Errorf("done reply: %s", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	checkTarget(t, db, func(tg framework.Target) {
		if tg.Status != framework.Done || tg.Progress != 100 {
			t.Errorf("after the buttons eds/1.1 is %s at %d%%, want done at 100%%", tg.Status, tg.Progress)
		}
	})
}

// submitData finds the reminder card's update form Save data and its
// "Mark … done" button data.
func submitData(t *testing.T, card any) (form, done map[string]any) {
	t.Helper()
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "Action.Submit" {
				d := v["data"].(map[string]any)
				switch {
				case d["form"] != nil && form == nil:
					form = d
				case d["command"] == "update eds/1.1 done" && done == nil:
					done = d
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(card)
	if form == nil || done == nil {
		t.Fatalf("no form or done button in %v", card)
	}
	return form, done
}

// adapterState reads one adapter-state value of ws from the bbolt file db.
func adapterState(t *testing.T, db, ws, key string) string {
	t.Helper()
	st, err := boltstore.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.AdapterState(context.Background(), ws, key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func checkTarget(t *testing.T, db string, check func(framework.Target)) {
	t.Helper()
	st, err := boltstore.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tg, err := st.Target(context.Background(), teamsWS, "eds/1.1")
	if err != nil {
		t.Fatal(err)
	}
	check(tg)
}
