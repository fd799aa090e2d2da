package slack

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// The manifest's shape, after Slack's app manifest reference. Field order
// here is the order in the YAML, which keeps it readable.
type manifest struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description,omitempty"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []manifestCommand `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url,omitempty"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url,omitempty"`
		} `yaml:"interactivity"`
		OrgDeployEnabled  bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled bool `yaml:"socket_mode_enabled"`
		TokenRotation     bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

type manifestCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// Manifest returns a Slack app manifest (YAML) for targetbot served at
// baseURL: the /target command, interactivity, App Home, events and the
// bot scopes it needs. With socketMode, Slack delivers everything over
// the socket; the request URLs are still included when baseURL is set.
// should_escape is true so mentions arrive as <@U123> ids, not names.
func Manifest(baseURL string, socketMode bool) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if base == "" && !socketMode {
		return "", errors.New("slack: manifest: a base URL is required without socket mode: pass --url https://your.host")
	}
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return "", fmt.Errorf("slack: manifest: bad base URL %q: use an absolute URL such as https://targetbot.example.org", baseURL)
		}
	}
	at := func(path string) string {
		if base == "" {
			return ""
		}
		return base + path
	}
	var m manifest
	m.DisplayInformation.Name = "targetbot"
	m.DisplayInformation.Description = "Track frameworks, objectives and targets, and log progress from Slack."
	m.DisplayInformation.LongDescription = "targetbot lets teams track frameworks of objectives and targets, such as the NHS Equality Delivery System, " +
		"and log progress with /target commands. It posts digests on a schedule and reminds owners whose targets are overdue. " +
		"Try /target help to start."
	m.DisplayInformation.BackgroundColor = "#005eb8"
	m.Features.AppHome.HomeTabEnabled = true
	// Reminders arrive as DMs, which live in the Messages tab, but the
	// bot answers nothing typed there (commands are /target): read-only
	// says so, instead of inviting messages that go unanswered.
	m.Features.AppHome.MessagesTabEnabled = true
	m.Features.AppHome.MessagesTabReadOnlyEnabled = true
	m.Features.BotUser.DisplayName = "targetbot"
	m.Features.BotUser.AlwaysOnline = true
	m.Features.SlashCommands = []manifestCommand{{
		Command:      "/target",
		URL:          at("/slack/commands"),
		Description:  "Track targets and log progress",
		UsageHint:    "update eds/1.1 40% on-track Held two listening events",
		ShouldEscape: true,
	}}
	m.OAuthConfig.Scopes.Bot = []string{"commands", "chat:write", "im:write", "users:read"}
	m.Settings.EventSubscriptions.RequestURL = at("/slack/events")
	m.Settings.EventSubscriptions.BotEvents = []string{"app_home_opened"}
	m.Settings.Interactivity.IsEnabled = true
	m.Settings.Interactivity.RequestURL = at("/slack/interactions")
	m.Settings.SocketModeEnabled = socketMode
	out, err := yaml.Marshal(&m)
	if err != nil {
		return "", fmt.Errorf("slack: manifest: %w", err)
	}
	return string(out), nil
}
