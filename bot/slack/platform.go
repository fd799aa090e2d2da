package slack

import (
	"context"
	"errors"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/linkstate"
)

var (
	_ bot.Platform      = (*Adapter)(nil)
	_ bot.Router        = (*Adapter)(nil)
	_ bot.Runner        = (*Adapter)(nil)
	_ bot.Drainer       = (*Adapter)(nil)
	_ bot.HealthChecker = (*Adapter)(nil)
)

// Name is "slack", the platform of Slack workspaces ("slack:T0123").
func (a *Adapter) Name() string { return "slack" }

// Poster is the adapter, or nil without a bot token: posting goes
// through the Web API, which needs one.
func (a *Adapter) Poster() bot.Poster {
	if a.opts.BotToken == "" {
		return nil
	}
	return a
}

// Run serves Socket Mode until ctx ends when an app token is set (see
// RunSocketMode), and returns nil at once when none is: the adapter then
// takes requests through Routes only.
func (a *Adapter) Run(ctx context.Context) error {
	if a.opts.AppToken == "" {
		return nil
	}
	return a.RunSocketMode(ctx)
}

// Health is nil while Socket Mode is connected, or when no app token is
// set (the adapter then uses no long-lived connection), and otherwise
// says why it is not.
func (a *Adapter) Health() error {
	if a.opts.AppToken == "" {
		return nil
	}
	if err := a.socket.Err(); err != nil {
		if errors.Is(err, linkstate.ErrNotConnected) {
			return errors.New("slack: socket mode not connected yet")
		}
		return err
	}
	return nil
}
