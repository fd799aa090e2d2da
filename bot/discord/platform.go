package discord

import (
	"context"

	"github.com/targetbot/targetbot/bot"
)

var (
	_ bot.Platform      = (*Adapter)(nil)
	_ bot.Router        = (*Adapter)(nil)
	_ bot.Runner        = (*Adapter)(nil)
	_ bot.Drainer       = (*Adapter)(nil)
	_ bot.HealthChecker = (*Adapter)(nil)
)

// Name is "discord", the platform of Discord workspaces ("discord:81234").
func (a *Adapter) Name() string { return "discord" }

// Poster is the adapter, or nil without a bot token: posting is a REST
// call, which needs one.
func (a *Adapter) Poster() bot.Poster {
	if a.token == "" {
		return nil
	}
	return a
}

// Run receives interactions over the Gateway until ctx ends (see
// RunGateway) when the adapter has a bot token and no public key. With a
// public key, interactions come to Routes' endpoint instead, and Run
// returns nil at once, as it does without a bot token.
func (a *Adapter) Run(ctx context.Context) error {
	if a.publicKey != nil || a.token == "" {
		return nil
	}
	return a.RunGateway(ctx)
}
