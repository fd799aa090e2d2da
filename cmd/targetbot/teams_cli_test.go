package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// `targetbot teams manifest` writes the app package, its menus drawn
// from the verb table.
func TestTeamsManifestCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app.zip")
	m, stdout, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
	if err := m.Run(context.Background(), []string{"teams", "manifest", "--app-id", teamsAppID, "--out", out}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), out) {
		t.Errorf("stdout %q does not say where the package went", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var manifest map[string]any
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if f.Name == "manifest.json" {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			if err := json.Unmarshal(data, &manifest); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !names["manifest.json"] || !names["color.png"] || !names["outline.png"] {
		t.Fatalf("package holds %v", names)
	}
	verbs := map[string]string{}
	for _, v := range commands.Verbs() {
		verbs[v.Name] = bot.PlainText(v.Summary)
	}
	botDef := manifest["bots"].([]any)[0].(map[string]any)
	for _, l := range botDef["commandLists"].([]any) {
		cmds := l.(map[string]any)["commands"].([]any)
		if len(cmds) == 0 || len(cmds) > 10 {
			t.Errorf("a command list of %d", len(cmds))
		}
		for _, c := range cmds {
			c := c.(map[string]any)
			summary, ok := verbs[c["title"].(string)]
			desc := strings.TrimSuffix(c["description"].(string), "…")
			if !ok || !strings.HasPrefix(summary, desc) {
				t.Errorf("menu entry %v is not from the verb table", c)
			}
		}
	}

	for _, args := range [][]string{{"teams"}, {"teams", "manifest"}, {"teams", "manifest", "--app-id", "nope"}} {
		m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
		if err := m.Run(context.Background(), args); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

func TestTeamsConfig(t *testing.T) {
	env := map[string]string{"TEAMS_APP_ID": teamsAppID, "TEAMS_APP_PASSWORD": "pw", "TEAMS_TENANT_ID": teamsTenant, "TARGETBOT_ADMINS": "teams:" + teamsAdmin.AAD}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.TeamsAppID != teamsAppID || c.TeamsAppPassword != "pw" || c.TeamsTenantID != teamsTenant ||
		c.TeamsOpenIDURL != "https://login.botframework.com/v1/.well-known/openidconfiguration" ||
		c.TeamsTokenURL != "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token" {
		t.Errorf("config %+v", c)
	}
	if admins, err := c.AdminList(); err != nil || len(admins) != 1 {
		t.Errorf("admins %v %v", admins, err)
	}
	// A Teams object id is a GUID, in lower case whatever case it is set in.
	c.Admins = "teams:" + strings.ToUpper(teamsAdmin.AAD) + ",slack:U0ABC"
	if admins, err := c.AdminList(); err != nil || strings.Join(admins, ",") != "teams:"+teamsAdmin.AAD+",slack:U0ABC" {
		t.Errorf("admins %v %v", admins, err)
	}
	// TEAMS_WORKSPACE is team or tenant, team by default; anything else
	// is refused before anything starts, in one line naming it.
	for in, want := range map[string]teams.WorkspaceMode{"": teams.WorkspaceTeam, "team": teams.WorkspaceTeam, "tenant": teams.WorkspaceTenant} {
		env["TEAMS_WORKSPACE"] = in
		c := ConfigFromEnv(func(k string) string { return env[k] })
		if got, err := c.TeamsWorkspaceMode(); got != want || err != nil {
			t.Errorf("TEAMS_WORKSPACE=%q: %q %v", in, got, err)
		}
	}
	badDB := filepath.Join(t.TempDir(), "t.db")
	if st, err := boltstore.Open(badDB, nil); err != nil { // run-schedules needs a store that exists
		t.Fatal(err)
	} else if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	bad, _, _ := testMain(t, "bolt:"+badDB, "")
	teamsConfig(bad, teamstest.New(t, teamsAppID, teamsPassword))
	bad.Config.TeamsWorkspace = "trust"
	err := bad.Run(context.Background(), []string{"run-schedules", "--allow-future", "--at", "2026-11-23T09:00:00Z"})
	if err == nil || !strings.Contains(err.Error(), `TEAMS_WORKSPACE "trust" must be team`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("run-schedules with TEAMS_WORKSPACE=trust: %v", err)
	}
	// An app id without its password fails before anything starts, in
	// one line that says what to set.
	url := "bolt:" + filepath.Join(t.TempDir(), "t.db")
	runConsole(t, url, "help\n") // run-schedules refuses a store that does not exist
	m, _, _ := testMain(t, url, "")
	m.Config.TeamsAppID = teamsAppID
	err = m.Run(context.Background(), []string{"run-schedules", "--allow-future", "--at", "2026-11-23T09:00:00Z"})
	if err == nil || !strings.Contains(err.Error(), "TEAMS_APP_PASSWORD") || strings.Contains(err.Error(), "\n") {
		t.Errorf("run-schedules without TEAMS_APP_PASSWORD: %v", err)
	}
}

// The Teams adapter and the stores' upgrade of what earlier releases
// kept outside the store name the service URL's key alike.
func TestTeamsServiceURLKey(t *testing.T) {
	if teams.ServiceURLKey != store.TeamsServiceURLKey {
		t.Fatalf("teams.ServiceURLKey %q, store.TeamsServiceURLKey %q", teams.ServiceURLKey, store.TeamsServiceURLKey)
	}
}

// A store satisfies what the adapters take their state through.
var _ bot.StateStore = store.Store(nil)

// Two replicas on one Redis: Teams delivers the same activity to both,
// and it runs once (DESIGN 13).
func TestTeamsReplayAcrossReplicasOnRedis(t *testing.T) {
	redisURL := redistest.Start(t)
	prefix := redistest.Prefix(t)
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	var bases []string
	for range 2 {
		m, _, errOut := testMain(t, redisURL, "")
		m.Now, m.RedisPrefix, m.Config.Addr = time.Now, prefix, "127.0.0.1:0"
		teamsConfig(m, fake)
		listening := make(chan string, 1)
		m.OnListen = func(addr string) { listening <- addr }
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, []string{"serve"}) }()
		t.Cleanup(func() { cancel(); <-done })
		select {
		case addr := <-listening:
			bases = append(bases, "http://"+addr)
		case err := <-done:
			t.Fatalf("serve: %v\n%s", err, errOut)
		}
	}
	body := fake.JSON(teamstest.Activity{ID: "1763889000777", Conversation: teamsChannel, Type: teamstest.Channel, Tenant: teamsTenant, From: teamsAdmin,
		Text: "<at>" + teamstest.BotName + "</at> import eds", MentionBot: true})
	for _, base := range bases {
		if code := teamstest.Post(t, base+"/teams/messages", body, fake.Token()); code != 200 {
			t.Fatalf("delivery: %d", code)
		}
	}
	fake.WaitCalls(t, 1, func(c teamstest.Call) bool { return strings.HasSuffix(c.Path, "/activities/1763889000777") })
	time.Sleep(200 * time.Millisecond) // a second reply, if there were one, would be on its way
	n := 0
	for _, c := range fake.Calls() {
		if strings.HasSuffix(c.Path, "/activities/1763889000777") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d replies to one activity delivered twice, want 1", n)
	}
}
