package slack

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestManifest(t *testing.T) {
	out, err := Manifest("https://bot.example.org/", false)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("manifest is not YAML: %v\n%s", err, out)
	}
	if m.DisplayInformation.Name == "" || m.Features.BotUser.DisplayName == "" {
		t.Error("missing display information or bot user")
	}
	// Reminder DMs show in the Messages tab, which answers nothing typed
	// in it, so it is read-only.
	if !m.Features.AppHome.HomeTabEnabled || !m.Features.AppHome.MessagesTabEnabled || !m.Features.AppHome.MessagesTabReadOnlyEnabled {
		t.Errorf("app home %+v: want the Home tab, and a read-only Messages tab", m.Features.AppHome)
	}
	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("slash commands %+v", m.Features.SlashCommands)
	}
	c := m.Features.SlashCommands[0]
	if c.Command != "/target" || c.URL != "https://bot.example.org/slack/commands" || !c.ShouldEscape || c.UsageHint == "" || c.Description == "" {
		t.Errorf("slash command %+v", c)
	}
	for _, s := range []string{"commands", "chat:write", "im:write", "users:read"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, s) {
			t.Errorf("scope %s missing", s)
		}
	}
	if !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "https://bot.example.org/slack/interactions" {
		t.Errorf("interactivity %+v", m.Settings.Interactivity)
	}
	if m.Settings.EventSubscriptions.RequestURL != "https://bot.example.org/slack/events" || !slices.Equal(m.Settings.EventSubscriptions.BotEvents, []string{"app_home_opened"}) {
		t.Errorf("events %+v", m.Settings.EventSubscriptions)
	}
	if m.Settings.SocketModeEnabled {
		t.Error("socket mode on")
	}
	// The raw YAML uses Slack's key names.
	var raw map[string]any
	_ = yaml.Unmarshal([]byte(out), &raw)
	home := raw["features"].(map[string]any)["app_home"].(map[string]any)
	if home["messages_tab_read_only_enabled"] != true {
		t.Errorf("app_home %v: messages_tab_read_only_enabled is not true", home)
	}
	settings := raw["settings"].(map[string]any)
	if _, ok := settings["socket_mode_enabled"]; !ok {
		t.Error("socket_mode_enabled key missing")
	}

	sock, err := Manifest("", true)
	if err != nil {
		t.Fatal(err)
	}
	var ms manifest
	_ = yaml.Unmarshal([]byte(sock), &ms)
	if !ms.Settings.SocketModeEnabled || ms.Features.SlashCommands[0].URL != "" {
		t.Errorf("socket mode manifest %+v", ms.Settings)
	}
	for _, bad := range []string{"", "not a url", "ftp://x"} {
		if _, err := Manifest(bad, false); err == nil {
			t.Errorf("Manifest(%q) accepted", bad)
		}
	}
}
