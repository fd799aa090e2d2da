package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/targetbot/targetbot/bot"
)

// eventSeenTTL is how long an Events API event id is remembered. Slack
// retries an unacknowledged event three times within about an hour.
const eventSeenTTL = time.Hour

// serveEvent answers POST /slack/events: the url_verification handshake,
// and event callbacks, acknowledged at once and handled afterwards.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	// Events are deduplicated by event id, which Slack keeps across its
	// retries (eventsAPI), so the signature is not needed here.
	body, _, ok := a.readVerified(w, r, maxEventBody)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad event payload", http.StatusBadRequest)
		return
	}
	if outer.Type == slackevents.URLVerification {
		writeJSON(w, map[string]string{"challenge": outer.Challenge})
		return
	}
	if err := a.eventsAPI(r.Context(), body); err != nil {
		a.log.Warn("slack: bad event", "err", err)
		http.Error(w, "bad event payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// eventsAPI handles an Events API payload from HTTP or Socket Mode. It
// returns quickly: the work runs after the acknowledgement.
func (a *Adapter) eventsAPI(ctx context.Context, payload []byte) error {
	ev, err := slackevents.ParseEvent(payload, slackevents.OptionNoVerifyToken())
	if err != nil {
		return fmt.Errorf("slack: parse event: %w", err)
	}
	// Slack keeps an event's id across its retries, whichever replica
	// they reach.
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		if !a.first(ctx, "event:"+cb.EventID, eventSeenTTL) {
			a.log.Info("slack: ignoring duplicate event", "event_id", cb.EventID)
			return nil
		}
	}
	var home *slackevents.AppHomeOpenedEvent
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		home = e
	case slackevents.AppHomeOpenedEvent:
		home = &e
	}
	if home != nil && home.Tab == "home" && home.User != "" && ev.TeamID != "" {
		team := ev.TeamID
		a.goLater(ctx, func(ctx context.Context) { a.publishHome(ctx, team, home.Channel, home.User) })
	}
	return nil
}

// homeCommand is what the Home tab shows: the user's own targets.
const homeCommand = "list mine"

// publishHome shows the user's own targets on the app's Home tab: the
// reply to "list mine", run as them.
func (a *Adapter) publishHome(ctx context.Context, team, channel, user string) {
	req := a.request(ctx, team, channel, user, "", homeCommand)
	reply := a.handle(ctx, req)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: homeBlocks(reply)}}
	if _, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		a.log.Error("slack: views.publish failed", "user", user, "err", err)
	}
}

// homeBlocks renders a reply for the Home tab: a header, then the reply
// rendered as for a message. The tab is one view of at most
// maxHomeBlocks blocks and cannot be split, and it is held to a
// message's text budget too, since Slack does not document a view's.
// When the reply needs more, the tab shows what fits and says which
// command shows the rest. Only its owner sees the tab, so user
// references are live, and views notify no one.
func homeBlocks(reply bot.Reply) []slack.Block {
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "My targets", false, false))}
	note := "⚠️ Your list is longer than the Home tab can show: `/target " + homeCommand + "` shows all of it."
	groups := renderGroups(append(append([]bot.Block(nil), reply.Blocks...), reply.Details...), liveMentions)
	lim := limits{blocks: maxHomeBlocks - len(blocks), chars: maxMessageChars}
	fit := pack(groups, lim)
	if len(fit) > 1 {
		// Pack again with room for the note.
		lim.blocks--
		lim.chars -= slackLen(note)
		fit = append(pack(groups, lim)[:1], []piece{{block: section(note)}})
	}
	for _, ps := range fit {
		for _, p := range ps {
			blocks = append(blocks, p.block)
		}
	}
	return blocks
}
