package discord

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// run hands a command to the Handler and answers the interaction. If the
// handler answers within DeferAfter, the reply is the response (type 4).
// Otherwise the interaction is acknowledged with a deferred response
// (type 5) and the reply follows through the interaction webhook.
//
// Whether a reply is ephemeral is known only once the handler answers, but
// a deferred response must choose first. It chooses ephemeral for query
// verbs (their answers always are) and public for the rest (a logged
// update is posted in the channel); when the reply turns out otherwise,
// for example an error from update, the follow-up is sent with the right
// visibility and the placeholder is deleted.
func (a *Adapter) run(ctx context.Context, ix *discordgo.Interaction, req bot.Request, query bool, respond responder) error {
	if req.User == "" {
		return respond(ctx, notice("Discord did not say who you are, so nothing was done: try again."))
	}
	// In a DM, buttons in the reply must carry the server.
	dmGuild := ""
	if ix.GuildID == "" {
		dmGuild = strings.TrimPrefix(req.Workspace, "discord:")
	}
	done := make(chan bot.Reply, 1)
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		hctx, cancel := detach(ctx)
		defer cancel()
		done <- a.execute(hctx, ix, req)
	}()

	timer := time.NewTimer(a.deferAfter)
	defer timer.Stop()
	select {
	case reply := <-done:
		msgs := render(reply, dmGuild)
		if err := respond(ctx, messageResponse(msgs[0], ephemeral(reply))); err != nil {
			return err
		}
		if len(msgs) > 1 {
			a.background.Add(1)
			go func() {
				defer a.background.Done()
				fctx, cancel := detach(ctx)
				defer cancel()
				waitAnswered(fctx)
				a.sendRest(fctx, ix, msgs[1:], ephemeral(reply))
			}()
		}
		return nil
	case <-timer.C:
	}

	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if query {
		deferred.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := respond(ctx, deferred); err != nil {
		return err
	}
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		fctx, cancel := detach(ctx)
		defer cancel()
		reply := <-done
		waitAnswered(fctx)
		a.followUp(fctx, ix, reply, query, dmGuild)
	}()
	return nil
}

// execute runs req once (withReplayKey), and only for a user it may run
// for: a DM button pressed by someone who has left its server
// (stillMember) is answered without running. The check may wait on
// Discord, so it counts towards DeferAfter like the command itself.
func (a *Adapter) execute(ctx context.Context, ix *discordgo.Interaction, req bot.Request) bot.Reply {
	if reply, ok := withReplayKey(&req, ix.ID); !ok {
		return reply
	}
	if reply, ok := a.stillMember(ctx, ix, req); !ok {
		return reply
	}
	return a.handle(ctx, req)
}

// handle runs the Handler, turning a panic into an internal error reply
// so one bad command cannot take the process down.
func (a *Adapter) handle(ctx context.Context, req bot.Request) bot.Reply {
	return bot.SafeHandle(ctx, a.log, "discord", a.handler, req)
}

// ephemeral reports whether a reply is for the asker alone: queries and
// every error.
func ephemeral(r bot.Reply) bool { return r.Ephemeral || r.Code != "" }

func messageResponse(m message, eph bool) *discordgo.InteractionResponse {
	d := &discordgo.InteractionResponseData{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: mentions(m.Users),
	}
	if eph {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
}

// followUp delivers a deferred reply: it edits the placeholder when the
// visibility matches, and otherwise posts a new follow-up and deletes it.
func (a *Adapter) followUp(ctx context.Context, ix *discordgo.Interaction, reply bot.Reply, deferredEphemeral bool, dmGuild string) {
	msgs := render(reply, dmGuild)
	eph := ephemeral(reply)
	hook := a.webhook(ix)
	var err error
	if eph == deferredEphemeral {
		err = a.rest.do(ctx, "PATCH", hook+"/messages/@original", bodyOf(msgs[0], 0), nil, false)
	} else {
		var flags discordgo.MessageFlags
		if eph {
			flags = discordgo.MessageFlagsEphemeral
		}
		if err = a.rest.do(ctx, "POST", hook, bodyOf(msgs[0], flags), nil, false); err == nil {
			err = a.rest.do(ctx, "DELETE", hook+"/messages/@original", nil, nil, false)
		}
	}
	if err != nil {
		a.log.ErrorContext(ctx, "discord: follow-up failed", "id", ix.ID, "err", err)
		return
	}
	a.sendRest(ctx, ix, msgs[1:], eph)
}

// sendRest posts the rest of a long reply as follow-ups, in order and
// with the first message's visibility. A follow-up cannot be deduplicated,
// so one that may have reached Discord is not retried, and the rest are
// not sent out of order after it.
func (a *Adapter) sendRest(ctx context.Context, ix *discordgo.Interaction, msgs []message, eph bool) {
	var flags discordgo.MessageFlags
	if eph {
		flags = discordgo.MessageFlagsEphemeral
	}
	hook := a.webhook(ix)
	for i, m := range msgs {
		if err := a.rest.do(ctx, "POST", hook, bodyOf(m, flags), nil, false); err != nil {
			a.log.ErrorContext(ctx, "discord: follow-up failed", "id", ix.ID, "part", i+2, "of", len(msgs)+1, "err", err)
			return
		}
	}
}

type answeredKey struct{}

// withAnswered returns ctx carrying a channel that answered closes once
// the interaction's response has gone back over HTTP. Discord refuses
// follow-ups to an interaction it has not seen answered, so they wait.
func withAnswered(ctx context.Context) (_ context.Context, answered func()) {
	ch := make(chan struct{})
	var once sync.Once
	return context.WithValue(ctx, answeredKey{}, ch), func() { once.Do(func() { close(ch) }) }
}

// waitAnswered waits until the response to ctx's interaction has been
// sent, or ctx ends. Through the Gateway, responding is a REST call that
// has returned by now, so there is nothing to wait for.
func waitAnswered(ctx context.Context) {
	ch, _ := ctx.Value(answeredKey{}).(chan struct{})
	if ch == nil {
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// webhook is the interaction's webhook path, relative to the API base.
func (a *Adapter) webhook(ix *discordgo.Interaction) string {
	return fmt.Sprintf("webhooks/%s/%s", url.PathEscape(first(ix.AppID, a.appID)), url.PathEscape(ix.Token))
}
