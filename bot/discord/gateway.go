package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// RunGateway receives interactions over the Gateway, for deployments with
// no public URL, and handles them as the HTTP endpoint does, answering
// through the session. discordgo reconnects and resumes by itself. It
// returns when ctx ends.
func (a *Adapter) RunGateway(ctx context.Context) error {
	if a.token == "" {
		return errNoToken
	}
	remove := a.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		a.onInteraction(ctx, s, ic)
	})
	defer remove()
	if err := a.session.Open(); err != nil {
		return fmt.Errorf("discord: open gateway: %w", err)
	}
	<-ctx.Done()
	if err := a.session.Close(); err != nil {
		return fmt.Errorf("discord: close gateway: %w", err)
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
