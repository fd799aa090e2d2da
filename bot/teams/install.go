package teams

import (
	"context"

	"github.com/targetbot/targetbot/bot"
)

// addsBot reports whether a conversationUpdate adds the bot itself.
func (act *activity) addsBot() bool {
	for _, m := range act.MembersAdded {
		if m.ID != "" && m.ID == act.Recipient.ID {
			return true
		}
	}
	return false
}

// installed greets a team or chat the bot was just added to, with the
// welcome the Handler words when it is a bot.Installer. In a team, the
// installer (the activity's sender) is the user of the request in the
// team's workspace, and the Handler makes them its first admin when it
// has none; the welcome is posted in the channel the bot was added in.
// A 1:1 or group chat is no workspace of its own: its request names
// none, so adding the bot privately makes no one an admin, and the
// welcome is posted in the chat.
func (a *Adapter) installed(ctx context.Context, ws string, fixed bool, act *activity) {
	inst, ok := a.opts.Handler.(bot.Installer)
	if !ok || !act.addsBot() {
		return
	}
	team := fixed && act.ChannelData.Team.ID != ""
	if !team {
		ws = ""
	}
	user := act.From.AADObjectID
	if user == "" && team {
		a.log.Warn("teams: the bot was added to a team by a sender without an AAD object id; no welcome", "workspace", ws)
		return
	}
	// Teams redelivers what it got no answer for: greet once.
	key := "install:" + act.Conversation.ID + ":" + act.ID
	if !a.posted.Add(key, postState{}, a.now(), a.now().Add(replayTTL)) {
		return
	}
	if team {
		a.seeUser(ctx, act.tenant(), user, ws, true)
	}
	req := bot.Request{Workspace: ws, Channel: act.channel(), User: user, UserName: act.From.Name, ID: first(bot.RequestID(ctx), act.ID)}
	a.goLater(ctx, func(ctx context.Context) {
		var reply bot.Reply
		bot.Recover(ctx, a.log, "teams: the welcome panicked", func() { reply = inst.Installed(ctx, req) })
		if len(reply.Blocks) == 0 {
			return
		}
		var err error
		if team {
			err = a.Post(ctx, bot.Message{Workspace: ws, Channel: act.channel(), Reply: reply})
		} else {
			err = a.postChat(ctx, act, reply)
		}
		if err != nil {
			a.log.Error("teams: welcome failed", "workspace", ws, "conversation", act.channel(), "err", err)
		}
	})
}

// postChat posts a reply in a chat, unprompted, one activity per card.
func (a *Adapter) postChat(ctx context.Context, act *activity, r bot.Reply) error {
	env := &renderEnv{names: a.userNames(ctx, tenantWorkspace(act.tenant()), act.ServiceURL, act.Conversation.ID, r), notify: notifySet(r), lang: a.lang}
	top, details := env.render(r)
	summary := summaryOf(env, r)
	for _, c := range append(top, details...) {
		// A post may have posted when its answer is lost: not repeatable.
		if err := a.conn.do(ctx, "POST", act.ServiceURL, conversationPath(act.Conversation.ID, ""), a.outgoing(act.Conversation.ID, c, summary), nil, false); err != nil {
			return err
		}
	}
	return nil
}
