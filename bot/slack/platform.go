package slack

import (
	"context"

	"github.com/targetbot/targetbot/bot"
)

var (
	_ bot.Platform = (*Adapter)(nil)
	_ bot.Router   = (*Adapter)(nil)
	_ bot.Runner   = (*Adapter)(nil)
	_ bot.Drainer  = (*Adapter)(nil)
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
