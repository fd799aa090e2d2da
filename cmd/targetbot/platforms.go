package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/discord"
	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/bot/teams"
)

// platforms are the chat adapters whose credentials are set.
type platforms struct {
	slack   *slack.Adapter
	discord *discord.Adapter
	teams   *teams.Adapter
}

// buildPlatforms builds an adapter for each platform with credentials and
// registers its Poster.
func (m *Main) buildPlatforms(h bot.Handler) error {
	c := m.Config
	if c.SlackSigningSecret != "" || c.SlackAppToken != "" || c.SlackBotToken != "" {
		if c.SlackAppToken != "" && c.SlackBotToken == "" {
			return errors.New("SLACK_APP_TOKEN (Socket Mode) needs SLACK_BOT_TOKEN too: copy the xoxb- token from your Slack app's OAuth page")
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
			return err // the adapter's errors start "slack:"
		}
		m.platforms.slack = a
		if c.SlackBotToken != "" {
			m.Posters["slack"] = a
		}
	}
	if c.DiscordPublicKey != "" || c.DiscordBotToken != "" {
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
			return err // the adapter's errors start "discord:"
		}
		m.platforms.discord = a
		if c.DiscordBotToken != "" {
			m.Posters["discord"] = a
		}
	}
	if c.TeamsAppID != "" || c.TeamsAppPassword != "" {
		a, err := teams.New(teams.Options{
			AppID:       c.TeamsAppID,
			AppPassword: c.TeamsAppPassword,
			TenantID:    c.TeamsTenantID,
			OpenIDURL:   c.TeamsOpenIDURL,
			TokenURL:    c.TeamsTokenURL,
			Handler:     h,
			Logger:      m.Logger.With("platform", "teams"),
			Now:         m.Now,
			State:       m.Store,
		})
		if err != nil {
			return err // the adapter's errors start "teams:"
		}
		m.platforms.teams = a
		m.Posters["teams"] = a
	}
	return nil
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

// routes adds the webhook routes of the platforms that take webhooks.
func (p *platforms) routes(mux *http.ServeMux) {
	if p.slack != nil {
		p.slack.Routes(mux)
	}
	if p.discord != nil {
		p.discord.Routes(mux)
	}
	if p.teams != nil {
		p.teams.Routes(mux)
	}
}

// drain waits for replies still being sent after their request was
// answered (Slack response_url, Discord follow-ups, Teams replies).
func (p *platforms) drain(ctx context.Context, logger *slog.Logger) {
	if p.slack != nil {
		if err := p.slack.Drain(ctx); err != nil {
			logger.Warn("slack replies still in flight at shutdown", "err", err)
		}
	}
	if p.discord != nil {
		if err := p.discord.Drain(ctx); err != nil {
			logger.Warn("discord follow-ups still in flight at shutdown", "err", err)
		}
	}
	if p.teams != nil {
		if err := p.teams.Drain(ctx); err != nil {
			logger.Warn("teams replies still in flight at shutdown", "err", err)
		}
		p.teams.Close()
	}
}

// run starts the platforms' long-lived connections: Slack Socket Mode
// when an app token is set, the Discord Gateway when there is a bot token
// but no public key.
func (p *platforms) run(ctx context.Context, wg *sync.WaitGroup, cfg Config, logger *slog.Logger) {
	if p.slack != nil && cfg.SlackAppToken != "" {
		wg.Go(func() {
			if err := p.slack.RunSocketMode(ctx); err != nil && ctx.Err() == nil {
				logger.Error("slack socket mode stopped", "err", err)
			}
		})
	}
	if p.discord != nil && cfg.DiscordPublicKey == "" && cfg.DiscordBotToken != "" {
		wg.Go(func() {
			if err := p.discord.RunGateway(ctx); err != nil && ctx.Err() == nil {
				logger.Error("discord gateway stopped", "err", err)
			}
		})
	}
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
	if c.DiscordBotToken == "" || c.DiscordAppID == "" {
		return errors.New("discord register needs DISCORD_BOT_TOKEN and DISCORD_APP_ID: copy them from the Discord developer portal")
	}
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr)
	}
	a, err := discord.New(discord.Options{
		PublicKey: c.DiscordPublicKey,
		BotToken:  c.DiscordBotToken,
		AppID:     c.DiscordAppID,
		APIURL:    c.DiscordAPIURL,
		Handler:   bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} }),
		Logger:    m.Logger,
		Now:       m.Now,
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
