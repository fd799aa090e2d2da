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
