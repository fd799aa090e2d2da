package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot/internal/linkstate"
	"github.com/targetbot/targetbot/bot/internal/wait"
)

// maxGatewayRetry caps the wait between attempts to open the Gateway.
const maxGatewayRetry = 2 * time.Minute

// errGatewayDropped is the Gateway's state between a dropped connection
// and discordgo's reconnection.
var errGatewayDropped = errors.New("discord: gateway connection dropped; reconnecting")

// RunGateway receives interactions over the Gateway, for deployments with
// no public URL, and handles them as the HTTP endpoint does, answering
// through the session. A Gateway that fails to open is opened again,
// with a growing wait, until it opens or ctx ends; once open, discordgo
// reconnects and resumes by itself after a drop. Health says which state
// it is in. RunGateway returns when ctx ends.
func (a *Adapter) RunGateway(ctx context.Context) error {
	if a.token == "" {
		return errNoToken
	}
	a.gateway.Down(linkstate.ErrNotConnected)
	for _, remove := range []func(){
		a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) { a.onInteraction(ctx, s, ic) }),
		a.session.AddHandler(func(*discordgo.Session, *discordgo.Connect) { a.gateway.Up() }),
		a.session.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
			if ctx.Err() == nil {
				a.gateway.Down(errGatewayDropped)
			}
		}),
	} {
		defer remove()
	}
	for attempt := 0; ; attempt++ {
		err := a.session.Open()
		if err == nil {
			break
		}
		err = fmt.Errorf("discord: open gateway: %w", err)
		a.gateway.Down(err)
		retry := linkstate.Backoff(attempt, a.gatewayRetry, maxGatewayRetry)
		a.log.Warn("discord: the gateway did not open; trying again", "in", retry, "attempt", attempt+1, "err", err)
		if wait.Sleep(ctx, retry) != nil {
			return nil
		}
	}
	a.gateway.Up()
	a.log.Info("discord: gateway connected")
	<-ctx.Done()
	a.gateway.Down(errors.New("discord: gateway closed: shutting down"))
	if err := a.session.Close(); err != nil {
		return fmt.Errorf("discord: close gateway: %w", err)
	}
	return nil
}

// Health is nil while the Gateway is connected, or when the adapter does
// not use it (a public key set, or no bot token), and otherwise says why
// it is not.
func (a *Adapter) Health() error {
	if a.publicKey != nil || a.token == "" {
		return nil
	}
	if err := a.gateway.Err(); err != nil {
		if errors.Is(err, linkstate.ErrNotConnected) {
			return errors.New("discord: gateway not connected yet")
		}
		return err
	}
	return nil
}

// onInteraction is the Gateway's InteractionCreate handler.
func (a *Adapter) onInteraction(ctx context.Context, s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	respond := func(rctx context.Context, resp *discordgo.InteractionResponse) error {
		return s.InteractionRespond(ic.Interaction, resp, discordgo.WithContext(rctx))
	}
	if err := a.interact(ctx, ic.Interaction, respond); err != nil {
		a.log.WarnContext(ctx, "discord: gateway interaction failed", "id", ic.ID, "type", ic.Type, "err", err)
	}
}
