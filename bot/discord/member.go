package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// A button in a DM names its server in its custom id ("cmd@<guild>:…"),
// and Discord says nothing about the presser's place in that server: a
// reminder sent last year still has working buttons. So before a button
// or form from a DM acts, the presser must still be a member there.

// notMemberText refuses a DM button pressed by someone who has left the
// server it belongs to.
const notMemberText = "You are no longer a member of that server, so this button no longer works."

// memberUnknownText refuses a DM button when membership cannot be checked.
const memberUnknownText = "targetbot could not check that you are still a member of that server, so nothing was done: try again shortly."

// memberYesTTL is the longest a "yes, a member" answer is trusted. It
// spares Discord a look-up per click in a burst (a form button, then
// its submission), and it is all the time a button keeps working after
// its presser leaves the server. A "no" is trusted for MemberCacheTTL:
// a former member's clicks cost nothing, and one who rejoins waits that
// long at most.
const memberYesTTL = 10 * time.Second

// isMember reports whether user is a member of guild, asking Discord
// (GET /guilds/{guild}/members/{user}) at most once per memberYesTTL
// while they are, and once per MemberCacheTTL while they are not. A 404
// means they are not: they left, were removed, or the bot itself was.
// Any other failure is an error, and is not remembered.
func (a *Adapter) isMember(ctx context.Context, guild, user string) (bool, error) {
	if guild == "" || user == "" {
		return false, nil // no one, or nowhere: ".../members/" would list them all
	}
	key := guild + "/" + user
	if ok, hit := a.members.Get(key, a.now()); hit {
		return ok, nil
	}
	if a.token == "" {
		return false, errNoToken
	}
	// The session's own request, as Session.GuildMember makes it, within
	// the same rate-limit bucket; GuildMember itself dereferences a nil
	// member when the answer is not a JSON object (discordgo v0.29.0), and
	// only the status matters here.
	_, err := a.session.RequestWithBucketID(http.MethodGet, discordgo.EndpointGuildMember(guild, user), nil,
		discordgo.EndpointGuildMember(guild, ""), discordgo.WithContext(ctx))
	var rest *discordgo.RESTError
	switch {
	case err == nil:
	case errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusNotFound:
	default:
		return false, fmt.Errorf("discord: is %s a member of %s: %w", user, guild, err)
	}
	member := err == nil
	ttl := a.memberTTL
	if member {
		ttl = min(ttl, memberYesTTL)
	}
	a.members.Put(key, member, a.now().Add(ttl))
	return member, nil
}

// stillMember checks the presser of a button or form in a DM against the
// server it names. It returns ok=true to go on, or the reply to answer
// with instead. Interactions in a server need no check: Discord sends
// them only from members.
func (a *Adapter) stillMember(ctx context.Context, ix *discordgo.Interaction, req bot.Request) (bot.Reply, bool) {
	if ix.GuildID != "" || (ix.Type != discordgo.InteractionMessageComponent && ix.Type != discordgo.InteractionModalSubmit) {
		return bot.Reply{}, true
	}
	guild := strings.TrimPrefix(req.Workspace, "discord:")
	member, err := a.isMember(ctx, guild, req.User)
	if err != nil {
		a.log.WarnContext(ctx, "discord: could not check membership for a DM button", "guild", guild, "user", req.User, "err", err)
		r := bot.Say(memberUnknownText, true)
		r.Code = bot.CodeUnavailable
		return r, false
	}
	if !member {
		a.log.InfoContext(ctx, "discord: refused a DM button from a former member", "guild", guild, "user", req.User)
		r := bot.Say(notMemberText, true)
		r.Code = bot.CodeForbidden
		return r, false
	}
	return bot.Reply{}, true
}

// mayOpenForm reports whether a form button pressed in a DM may open its
// form. A form must open within Discord's 3 s and cannot be deferred, so
// the check gets DeferAfter; when it cannot answer, the form opens all
// the same, since its submission is checked again (stillMember) before
// anything runs.
func (a *Adapter) mayOpenForm(ctx context.Context, guild, user string) bool {
	ctx, cancel := context.WithTimeout(ctx, a.deferAfter)
	defer cancel()
	member, err := a.isMember(ctx, guild, user)
	return member || err != nil
}
