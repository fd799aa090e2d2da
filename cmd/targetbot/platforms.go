package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/discord"
	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/commands"
)

// noPlatformHint says which settings turn a platform on, for serve's
// warning when none is set.
const noPlatformHint = "set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, DISCORD_PUBLIC_KEY (or DISCORD_BOT_TOKEN), or TEAMS_APP_ID and TEAMS_APP_PASSWORD; see the README"

// buildPlatforms builds an adapter for each platform whose credentials
// are set, and adds it to m.Platforms.
func (m *Main) buildPlatforms(h bot.Handler) error {
	for _, build := range []func(bot.Handler) (bot.Platform, error){m.slackPlatform, m.discordPlatform, m.teamsPlatform} {
		p, err := build(h)
		if err != nil {
			return err
		}
		if p != nil {
			m.Platforms = append(m.Platforms, p)
		}
	}
	return nil
}

// warnIncomplete logs a platform's half-configuration, if it has one:
// the one warning that names the missing variable.
func (m *Main) warnIncomplete(platform, problem string) {
	if problem != "" {
		m.Logger.Warn(platform+" is only half configured: "+problem, "platform", platform)
	}
}

// slackIncomplete says which variable a half-configured Slack lacks, or
// "" when its settings are whole (or none is set). Socket Mode without
// SLACK_BOT_TOKEN is an error, not a warning: slack.New refuses it.
func slackIncomplete(c Config) string {
	switch {
	case c.SlackBotToken != "" && c.SlackSigningSecret == "" && c.SlackAppToken == "":
		return "SLACK_BOT_TOKEN is set without SLACK_SIGNING_SECRET, so /slack/commands, /slack/interactions and /slack/events answer 404 and no command reaches the bot: set SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"
	case c.SlackSigningSecret != "" && c.SlackBotToken == "":
		return "SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN, so commands are answered but digests, reminders, forms and admin checks cannot reach Slack: set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-)"
	}
	return ""
}

// slackPlatform is the Slack adapter, or nil when no Slack setting is set.
func (m *Main) slackPlatform(h bot.Handler) (bot.Platform, error) {
	c := m.Config
	if c.SlackSigningSecret == "" && c.SlackAppToken == "" && c.SlackBotToken == "" {
		return nil, nil
	}
	m.warnIncomplete("slack", slackIncomplete(c))
	if c.SlackAppToken != "" && c.SlackBotToken == "" {
		return nil, errors.New("SLACK_APP_TOKEN (Socket Mode) needs SLACK_BOT_TOKEN too: copy the xoxb- token from your Slack app's OAuth page")
	}
	a, err := slack.New(slack.Options{
		SigningSecret: c.SlackSigningSecret,
		BotToken:      c.SlackBotToken,
		AppToken:      c.SlackAppToken,
		APIURL:        c.SlackAPIURL,
		Handler:       h,
		Logger:        m.Logger.With("platform", "slack"),
		Now:           m.Now,
		// Replicas share the store, so a Socket Mode envelope or
		// an event redelivered to another replica still runs once.
		// (A request's replay key is the command layer's to claim.)
		Claim: m.dedupClaim("slack"),
	})
	if err != nil {
		return nil, err // the adapter's errors start "slack:"
	}
	return a, nil
}

// discordIncomplete says which variable a half-configured Discord
// lacks, or "" when its settings are whole (or none is set). A bot token
// alone is whole: interactions arrive over the Gateway. DISCORD_APP_ID
// is for `discord register`, which asks for it itself.
func discordIncomplete(c Config) string {
	switch {
	case c.DiscordPublicKey == "" && c.DiscordBotToken == "" && c.DiscordAppID != "":
		return "DISCORD_APP_ID is set without DISCORD_PUBLIC_KEY or DISCORD_BOT_TOKEN, so Discord is off: set DISCORD_PUBLIC_KEY (HTTP interactions) or DISCORD_BOT_TOKEN (Gateway)"
	case c.DiscordPublicKey != "" && c.DiscordBotToken == "":
		return "DISCORD_PUBLIC_KEY is set without DISCORD_BOT_TOKEN, so commands are answered but digests and reminders cannot be posted: set DISCORD_BOT_TOKEN"
	}
	return ""
}

// discordPlatform is the Discord adapter, or nil when neither a public
// key nor a bot token is set.
func (m *Main) discordPlatform(h bot.Handler) (bot.Platform, error) {
	c := m.Config
	m.warnIncomplete("discord", discordIncomplete(c))
	if c.DiscordPublicKey == "" && c.DiscordBotToken == "" {
		return nil, nil
	}
	a, err := discord.New(discord.Options{
		PublicKey: c.DiscordPublicKey,
		BotToken:  c.DiscordBotToken,
		AppID:     c.DiscordAppID,
		APIURL:    c.DiscordAPIURL,
		Handler:   h,
		Logger:    m.Logger.With("platform", "discord"),
		Now:       m.Now,
	})
	if err != nil {
		return nil, err // the adapter's errors start "discord:"
	}
	return a, nil
}

// teamsIncomplete says which variables a half-configured Teams lacks,
// or "" when its settings are whole (or none is set). An app id without
// its password, or the reverse, is an error, not a warning: teams.New
// refuses it, naming the missing one.
func teamsIncomplete(c Config) string {
	if c.TeamsTenantID != "" && c.TeamsAppID == "" && c.TeamsAppPassword == "" {
		return "TEAMS_TENANT_ID is set without TEAMS_APP_ID and TEAMS_APP_PASSWORD, so Teams is off: set both from your Azure Bot's app registration"
	}
	return ""
}

// teamsPlatform is the Teams adapter, or nil when neither an app id nor
// an app password is set.
func (m *Main) teamsPlatform(h bot.Handler) (bot.Platform, error) {
	c := m.Config
	m.warnIncomplete("teams", teamsIncomplete(c))
	if c.TeamsAppID == "" && c.TeamsAppPassword == "" {
		return nil, nil
	}
	mode, err := c.TeamsWorkspaceMode()
	if err != nil {
		return nil, err
	}
	a, err := teams.New(teams.Options{
		AppID:       c.TeamsAppID,
		AppPassword: c.TeamsAppPassword,
		TenantID:    c.TeamsTenantID,
		Workspace:   mode,
		OpenIDURL:   c.TeamsOpenIDURL,
		TokenURL:    c.TeamsTokenURL,
		Handler:     h,
		Logger:      m.Logger.With("platform", "teams"),
		Now:         m.Now,
		State:       m.Store,
	})
	if err != nil {
		return nil, err // the adapter's errors start "teams:"
	}
	return a, nil
}

// missingVars names the unset variables among name, value pairs,
// joined with "and": "" when every one is set.
func missingVars(pairs ...string) string {
	var missing []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			missing = append(missing, pairs[i])
		}
	}
	return strings.Join(missing, " and ")
}

// dedupClaim is an adapter's Claim: the store's atomic claim, shared by
// every replica, under the platform's name. The Slack adapter remembers
// Socket Mode envelopes and events with it (and runs a delivery whose
// claim fails rather than drop it). It takes the store now rather than
// reading m.Store later, which Close clears: a delivery after shutdown's
// grace period gets the closed store's error instead of racing Close.
func (m *Main) dedupClaim(platform string) func(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	st := m.Store
	return func(ctx context.Context, key string, ttl time.Duration) (bool, error) {
		return st.Claim(ctx, platform, "dedup:"+key, ttl)
	}
}

// platformNames are the names of m.Platforms, for logs.
func (m *Main) platformNames() []string {
	names := make([]string, 0, len(m.Platforms))
	for _, p := range m.Platforms {
		names = append(names, p.Name())
	}
	return names
}

// posters are the Posters of the platforms that can post, by platform
// name, each counted in the metrics.
func (m *Main) posters() map[string]bot.Poster {
	posters := map[string]bot.Poster{}
	for _, p := range m.Platforms {
		if poster := p.Poster(); poster != nil {
			posters[p.Name()] = m.metrics.countPosts(p.Name(), poster)
		}
	}
	return posters
}

// platformRoutes adds the webhook routes of the platforms that take
// webhooks.
func (m *Main) platformRoutes(mux *http.ServeMux) {
	for _, p := range m.Platforms {
		if r, ok := p.(bot.Router); ok {
			r.Routes(mux)
		}
	}
}

// runPlatforms starts the platforms' long-lived connections (Slack Socket
// Mode, the Discord Gateway) on wg, until ctx ends. Each adapter knows
// whether it has one; one that has not returns at once.
func (m *Main) runPlatforms(ctx context.Context, wg *sync.WaitGroup) {
	for _, p := range m.Platforms {
		r, ok := p.(bot.Runner)
		if !ok {
			continue
		}
		wg.Go(func() {
			if err := r.Run(ctx); err != nil && ctx.Err() == nil {
				m.Logger.Error("platform connection stopped", "platform", p.Name(), "err", err)
			}
		})
	}
}

// platformsDown says which platforms' long-lived connections (the
// Discord Gateway, Slack Socket Mode) are down, and why, one line each:
// "" while every one is up, or none is configured.
func (m *Main) platformsDown() string {
	var lines []string
	for _, p := range m.Platforms {
		if h, ok := p.(bot.HealthChecker); ok {
			if err := h.Health(); err != nil {
				lines = append(lines, p.Name()+": "+err.Error())
			}
		}
	}
	return strings.Join(lines, "\n")
}

// drainPlatforms waits for replies still being sent after their request
// was answered (Slack response_url, Discord follow-ups, Teams replies),
// but not past ctx's deadline.
func (m *Main) drainPlatforms(ctx context.Context) {
	for _, p := range m.Platforms {
		if d, ok := p.(bot.Drainer); ok {
			if err := d.Drain(ctx); err != nil {
				m.Logger.Warn("platform replies still in flight at shutdown", "platform", p.Name(), "err", err)
			}
		}
	}
}

// closePlatforms closes the platforms that hold something open (the
// Teams adapter's refresh of signing keys), and forgets them all.
func (m *Main) closePlatforms() error {
	var errs []error
	for _, p := range m.Platforms {
		if c, ok := p.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", p.Name(), err))
			}
		}
	}
	m.Platforms = nil
	return errors.Join(errs...)
}

func (m *Main) runSlack(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "manifest" {
		return errors.New(`usage: targetbot slack manifest --url BASE_URL [--socket-mode]`)
	}
	fs := m.flagSet("slack manifest")
	url := fs.String("url", "", "the public base URL targetbot serves on, e.g. https://targetbot.example.org (required unless --socket-mode)")
	socket := fs.Bool("socket-mode", false, "use Socket Mode instead of request URLs")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if *url == "" && !*socket {
		return errors.New("slack manifest needs --url BASE_URL (or --socket-mode), for example --url https://targetbot.example.org")
	}
	base := ""
	if *url != "" {
		var err error
		if base, err = baseURL("--url", *url); err != nil {
			return err
		}
	}
	out, err := slack.Manifest(base, *socket)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(m.Stdout, out)
	return err
}

func (m *Main) runDiscord(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "register" {
		return errors.New(`usage: targetbot discord register [--guild ID]`)
	}
	fs := m.flagSet("discord register")
	guild := fs.String("guild", "", "register in this server only (instant), instead of globally")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	c := m.Config
	if missing := missingVars("DISCORD_BOT_TOKEN", c.DiscordBotToken, "DISCORD_APP_ID", c.DiscordAppID); missing != "" {
		return errors.New("discord register needs " + missing + ": copy it from the Discord developer portal")
	}
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr)
	}
	a, err := discord.New(discord.Options{
		PublicKey: c.DiscordPublicKey,
		BotToken:  c.DiscordBotToken,
		AppID:     c.DiscordAppID,
		APIURL:    c.DiscordAPIURL,
		// Registration reads only the command language; nothing is run.
		Handler: struct {
			bot.Handler
			commands.Language
		}{bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} }), commands.Language{}},
		Logger: m.Logger,
		Now:    m.Now,
	})
	if err != nil {
		return err
	}
	if err := a.Register(ctx, *guild); err != nil {
		return fmt.Errorf("discord register: %w", err)
	}
	where := "globally (it may take up to an hour to appear)"
	if *guild != "" {
		where = "in server " + *guild
	}
	fmt.Fprintln(m.Stdout, "registered /target", where)
	return nil
}
