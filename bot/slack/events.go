package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// eventSeenTTL is how long an Events API event id is remembered. Slack
// retries an unacknowledged event three times within about an hour.
const eventSeenTTL = time.Hour

// maxHomeBlocks is Slack's block limit for a Home tab view, less the
// header we add.
const maxHomeBlocks = 99

// serveEvent answers POST /slack/events: the url_verification handshake,
// and event callbacks, acknowledged at once and handled afterwards.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readVerified(w, r)
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

// publishHome shows the user's own targets on the app's Home tab: the
// reply to "list mine", run as them.
func (a *Adapter) publishHome(ctx context.Context, team, channel, user string) {
	req := a.request(ctx, team, channel, user, "", "list mine")
	reply := a.handle(ctx, req)
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "My targets", false, false))}
	blocks = append(blocks, renderBlocks(reply.Blocks, maxHomeBlocks)...)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		a.log.Error("slack: views.publish failed", "user", user, "err", err)
	}
}
