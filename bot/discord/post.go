package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// messageBody is a message as Discord's REST API takes it, for channel
// posts and webhook follow-ups alike.
type messageBody struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
	// Nonce with EnforceNonce makes Discord drop a repeat of the same
	// post for a few minutes, so a retry never posts twice.
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

func bodyOf(m message, flags discordgo.MessageFlags) messageBody {
	return messageBody{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: mentions(m.Users), Flags: flags}
}

// nonce derives Discord's nonce (at most 25 characters) from a message
// key, and the part number when a long message is split.
func nonce(key string, part int) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(part)))
	return hex.EncodeToString(sum[:])[:25]
}

// Post sends m to its channel, or as a DM to its user. Blocks and Details
// become embeds; any that do not fit in one message follow in more.
func (a *Adapter) Post(ctx context.Context, m bot.Message) error {
	if a.token == "" {
		return errNoToken
	}
	channel, dmGuild := m.Channel, ""
	if channel == "" {
		if m.User == "" {
			return fmt.Errorf("discord: post %q: the message names neither a channel nor a user", m.Key)
		}
		var err error
		if channel, err = a.dmChannel(ctx, m.User); err != nil {
			return fmt.Errorf("discord: post %q: %w", m.Key, err)
		}
		// A click in a DM carries no server: the buttons must.
		dmGuild = strings.TrimPrefix(m.Workspace, "discord:")
	}
	// The nonce drops repeats for a few minutes only: a post resumed
	// after a restart skips the parts another process reached.
	done := resumedParts(m.Resume, channel)
	for i, msg := range render(m.Reply, dmGuild) {
		if i < done {
			continue
		}
		body := bodyOf(msg, 0)
		body.Nonce, body.EnforceNonce = nonce(m.Key, i), m.Key != ""
		path := "channels/" + url.PathEscape(channel) + "/messages"
		if err := a.rest.do(ctx, "POST", path, body, nil, true); err != nil {
			return fmt.Errorf("discord: post %q part %d: %w", m.Key, i+1, err)
		}
		if m.Reached != nil {
			m.Reached(bot.JoinProgress(channel, strconv.Itoa(i+1)))
		}
	}
	return nil
}

// resumedParts is how many parts of a post to channel an earlier
// attempt reported reaching in progress, or 0.
func resumedParts(progress, channel string) int {
	f, ok := bot.SplitProgress(progress, 2)
	if !ok || f[0] != channel {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// dmChannel opens (or finds) the DM channel with a user. Discord returns
// the same channel every time, so the answer is cached.
func (a *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	if id, ok := a.dmChannels.Load(user); ok {
		return id.(string), nil
	}
	var ch struct {
		ID string `json:"id"`
	}
	if err := a.rest.do(ctx, "POST", "users/@me/channels", map[string]string{"recipient_id": user}, &ch, true); err != nil {
		return "", fmt.Errorf("open DM with %s: %w", user, err)
	}
	if ch.ID == "" {
		return "", fmt.Errorf("open DM with %s: no channel id in the answer", user)
	}
	a.dmChannels.Store(user, ch.ID)
	return ch.ID, nil
}
