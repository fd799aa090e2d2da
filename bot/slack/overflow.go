package slack

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// replyTo is where a command's reply belongs: the team, the channel it
// was typed in ("" for none) and the user who typed it.
type replyTo struct {
	team, channel, user string
}

// respondAll posts msgs, the messages of a reply that follow its first
// answer, through responseURL, and the ones past response_url's five
// uses with the bot token (sendOverflow), so no part of a long reply is
// out of reach. Without a bot token the last message that fits says how
// many more there were.
func (a *Adapter) respondAll(ctx context.Context, to replyTo, responseURL string, msgs []message) {
	if len(msgs) > maxResponseURLUses && a.opts.BotToken == "" {
		msgs = capMessages(msgs, maxResponseURLUses)
	}
	head, tail := msgs, []message(nil)
	if len(msgs) > maxResponseURLUses {
		head, tail = msgs[:maxResponseURLUses], msgs[maxResponseURLUses:]
	}
	if !a.respond(ctx, responseURL, head) || len(tail) == 0 {
		return
	}
	if err := a.sendOverflow(ctx, to, tail); err != nil {
		a.log.Error("slack: the rest of a long reply could not be posted", "channel", to.channel, "user", to.user,
			"messages", len(tail), "err", err)
	}
}

// sendOverflow posts msgs with the bot token, in order: an ephemeral
// reply with chat.postEphemeral, so only its user sees it, and a public
// one in the channel. Where that fails (the bot is not in the channel,
// or there is none), it and the rest go to the user by DM.
func (a *Adapter) sendOverflow(ctx context.Context, to replyTo, msgs []message) error {
	for i, msg := range msgs {
		if msg.empty() {
			continue
		}
		if to.channel == "" {
			return a.dmOverflow(ctx, to, msgs[i:])
		}
		var err error
		if msg.ResponseType == slack.ResponseTypeInChannel {
			_, err = a.send(ctx, to.channel, msg, "")
		} else {
			_, err = a.api.PostEphemeralContext(ctx, to.channel, to.user,
				slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
		}
		if err != nil {
			a.log.Warn("slack: posting the rest of a long reply in the channel failed, sending it by DM",
				"channel", to.channel, "user", to.user, "err", err)
			return a.dmOverflow(ctx, to, msgs[i:])
		}
	}
	return nil
}

// dmOverflow posts msgs to the user by DM.
func (a *Adapter) dmOverflow(ctx context.Context, to replyTo, msgs []message) error {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to.user}})
	if err != nil {
		return fmt.Errorf("slack: open DM with %s: %w", to.user, err)
	}
	for i, msg := range msgs {
		if msg.empty() {
			continue
		}
		if _, err := a.send(ctx, ch.ID, msg, ""); err != nil {
			return fmt.Errorf("slack: DM part %d of %d to %s: %w", i+1, len(msgs), to.user, err)
		}
	}
	return nil
}
