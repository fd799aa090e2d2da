package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot/teams/teamstest"
)

// Each platform whose credentials are set is in the list, in a fixed
// order, and posts when its credentials allow; Close forgets them.
func TestBuildPlatforms(t *testing.T) {
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	slackWebhooks := func(m *Main) { m.Config.SlackSigningSecret = slackSecret }
	slackBot := func(m *Main) { m.Config.SlackBotToken = "xoxb-1" }
	discordWebhooks := func(m *Main) {
		m.Config.DiscordPublicKey = hex.EncodeToString(discordKey.Public().(ed25519.PublicKey))
	}
	discordBot := func(m *Main) { m.Config.DiscordBotToken = "bot-token" }
	teams := func(m *Main) { teamsConfig(m, fake) }
	tests := []struct {
		name           string
		config         []func(*Main)
		names, posters []string
	}{
		{"none", nil, []string{}, []string{}},
		{"slack webhooks only", []func(*Main){slackWebhooks}, []string{"slack"}, []string{}},
		{"slack with a bot token", []func(*Main){slackWebhooks, slackBot}, []string{"slack"}, []string{"slack"}},
		{"discord webhooks only", []func(*Main){discordWebhooks}, []string{"discord"}, []string{}},
		{"discord gateway", []func(*Main){discordBot}, []string{"discord"}, []string{"discord"}},
		{"teams only", []func(*Main){teams}, []string{"teams"}, []string{"teams"}},
		{"all three", []func(*Main){teams, discordWebhooks, discordBot, slackWebhooks, slackBot},
			[]string{"slack", "discord", "teams"}, []string{"discord", "slack", "teams"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
			for _, set := range tt.config {
				set(m)
			}
			if err := m.setup(context.Background(), true); err != nil {
				t.Fatalf("setup: %v\n%s", err, errOut)
			}
			if got := m.platformNames(); !slices.Equal(got, tt.names) {
				t.Errorf("platforms = %q, want %q", got, tt.names)
			}
			if got := slices.Sorted(maps.Keys(m.posters())); !slices.Equal(got, tt.posters) {
				t.Errorf("posters = %q, want %q", got, tt.posters)
			}
			if err := m.Close(); err != nil || len(m.Platforms) != 0 {
				t.Errorf("Close = %v, leaving %d platforms", err, len(m.Platforms))
			}
		})
	}
}

// serve's start-up log names every configured platform, Teams included,
// and warns only when there is none, naming every platform's settings.
func TestServeLogsPlatforms(t *testing.T) {
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	tests := []struct {
		name      string
		teams     bool
		platforms string
		warns     bool
	}{
		{"teams only", true, "platforms=[teams]", false},
		{"none", false, "platforms=[]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
			var logs syncBuffer
			m.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			if tt.teams {
				teamsConfig(m, fake)
			}
			_, stop := runServe(t, m, &logs)
			if err := stop(); err != nil {
				t.Fatalf("serve: %v\n%s", err, logs.String())
			}
			out := logs.String()
			i := strings.Index(out, "msg=serving")
			if i < 0 {
				t.Fatalf("no start-up log:\n%s", out)
			}
			serving, _, _ := strings.Cut(out[i:], "\n")
			if !strings.Contains(serving, tt.platforms) {
				t.Errorf("start-up log %q lacks %q", serving, tt.platforms)
			}
			warned := strings.Contains(out, "no chat platform is configured")
			if warned != tt.warns || warned && !strings.Contains(out, "TEAMS_APP_ID") {
				t.Errorf("warned = %v, want %v:\n%s", warned, tt.warns, out)
			}
		})
	}
}

// A half-configured platform logs one warning naming the variable it
// lacks; a whole one, or none, logs nothing.
func TestHalfConfiguredPlatformsWarn(t *testing.T) {
	fake := teamstest.New(t, teamsAppID, teamsPassword)
	publicKey := hex.EncodeToString(discordKey.Public().(ed25519.PublicKey))
	tests := []struct {
		name   string
		config func(*Main)
		want   string // the variable the warning names; "" for no warning
	}{
		{"slack bot token only", func(m *Main) { m.Config.SlackBotToken = "xoxb-1" }, "SLACK_SIGNING_SECRET"},
		{"slack signing secret only", func(m *Main) { m.Config.SlackSigningSecret = slackSecret }, "SLACK_BOT_TOKEN"},
		{"slack whole", func(m *Main) { m.Config.SlackSigningSecret, m.Config.SlackBotToken = slackSecret, "xoxb-1" }, ""},
		{"slack socket mode", func(m *Main) { m.Config.SlackAppToken, m.Config.SlackBotToken = "xapp-1", "xoxb-1" }, ""},
		{"discord public key only", func(m *Main) { m.Config.DiscordPublicKey = publicKey }, "DISCORD_BOT_TOKEN"},
		{"discord app id only", func(m *Main) { m.Config.DiscordAppID = "1100000000000000001" }, "DISCORD_PUBLIC_KEY"},
		{"discord gateway", func(m *Main) { m.Config.DiscordBotToken = "bot-token" }, ""},
		{"teams tenant only", func(m *Main) { m.Config.TeamsTenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47" }, "TEAMS_APP_ID"},
		{"teams whole", func(m *Main) { teamsConfig(m, fake) }, ""},
		{"none", func(*Main) {}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
			tt.config(m)
			if err := m.setup(context.Background(), true); err != nil {
				t.Fatalf("setup: %v\n%s", err, errOut)
			}
			out := errOut.String()
			warnings := strings.Count(out, "only half configured")
			switch {
			case tt.want == "" && warnings != 0:
				t.Errorf("warned:\n%s", out)
			case tt.want != "" && (warnings != 1 || !strings.Contains(out, tt.want)):
				t.Errorf("%d warnings, want one naming %s:\n%s", warnings, tt.want, out)
			}
		})
	}
}

// `discord register` names the one variable it lacks.
func TestDiscordRegisterNamesMissingVariable(t *testing.T) {
	m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
	m.Config.DiscordBotToken = "bot-token"
	err := m.Run(context.Background(), []string{"discord", "register"})
	if err == nil || !strings.Contains(err.Error(), "needs DISCORD_APP_ID:") {
		t.Errorf("register = %v, want it to name DISCORD_APP_ID alone", err)
	}
}
