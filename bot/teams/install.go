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

// installed greets a team the bot was just added to: the Handler, when
// it is a bot.Installer, makes the installer (the activity's sender)
// the workspace's first admin when it has none, and words the welcome,
// which is posted in the conversation the bot was added in. A 1:1 or
// group chat is no workspace of its own, so adding the bot there greets
// no one: the user's first message gets its answer.
func (a *Adapter) installed(ctx context.Context, ws string, fixed bool, act *activity) {
	inst, ok := a.opts.Handler.(bot.Installer)
	if !ok || !fixed || act.ChannelData.Team.ID == "" || !act.addsBot() {
		return
	}
	user := act.From.AADObjectID
	if user == "" {
		a.log.Warn("teams: the bot was added to a team by a sender without an AAD object id; no welcome", "workspace", ws)
		return
	}
	// Teams redelivers what it got no answer for: greet once.
	key := "install:" + ws + ":" + act.ID
	if !a.posted.Add(key, postState{}, a.now(), a.now().Add(replayTTL)) {
		return
	}
	a.seeUser(ctx, act.tenant(), user, ws, true)
	req := bot.Request{Workspace: ws, Channel: act.channel(), User: user, UserName: act.From.Name, ID: first(bot.RequestID(ctx), act.ID)}
	a.goLater(ctx, func(ctx context.Context) {
		var reply bot.Reply
		bot.Recover(ctx, a.log, "teams: the welcome panicked", func() { reply = inst.Installed(ctx, req) })
		if len(reply.Blocks) == 0 {
			return
		}
		if err := a.Post(ctx, bot.Message{Workspace: ws, Channel: act.channel(), Reply: reply}); err != nil {
			a.log.Error("teams: welcome failed", "workspace", ws, "conversation", act.channel(), "err", err)
		}
	})
}
