package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/targetbot/targetbot/bot/internal/linkstate"
)

// envelopeSeenTTL is how long a Socket Mode envelope id is remembered.
const envelopeSeenTTL = time.Hour

// maxAckSize keeps an ack under Socket Mode's 20 KB limit, past which
// Slack silently drops it; bigger replies go through response_url.
const maxAckSize = 19 * 1024

// RunSocketMode connects to Slack over Socket Mode and serves slash
// commands, interactions and events through the same code as HTTP, until
// ctx ends. socketmode reconnects by itself.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.opts.AppToken == "" {
		return errors.New("slack: socket mode: no app token: set SLACK_APP_TOKEN")
	}
	client := socketmode.New(a.client)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.socket.Down(linkstate.ErrNotConnected)
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			a.socket.Down(errors.New("slack: socket mode closed: shutting down"))
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			err = fmt.Errorf("slack: socket mode: %w", err)
			a.socket.Down(err)
			return err
		case evt := <-client.Events:
			switch evt.Type {
			case socketmode.EventTypeConnected:
				a.socket.Up()
				a.log.Info("slack: socket mode connected")
			case socketmode.EventTypeConnecting:
				a.socket.Down(errors.New("slack: socket mode connecting"))
			case socketmode.EventTypeDisconnect:
				a.socket.Down(errors.New("slack: socket mode disconnected; reconnecting"))
			case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
				a.socket.Down(fmt.Errorf("slack: socket mode %s: %v", evt.Type, evt.Data))
				a.log.Warn("slack: socket mode trouble", "type", evt.Type, "data", fmt.Sprint(evt.Data))
			case socketmode.EventTypeIncomingError:
				a.log.Warn("slack: socket mode trouble", "type", evt.Type, "data", fmt.Sprint(evt.Data))
			case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
				if evt.Request == nil {
					continue
				}
				req := *evt.Request
				go func() {
					payload, after := a.envelope(ctx, req)
					if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
						a.log.Error("slack: socket mode ack failed", "envelope", req.EnvelopeID, "err", err)
					}
					if after != nil {
						after()
					}
				}()
			}
		}
	}
}

// envelope handles one Socket Mode request and returns the ack payload
// (nil for a bare ack), and what to do once it is acknowledged (nil for
// nothing): post the rest of a long reply. An envelope whose id was seen before, here or on
// another replica, is acknowledged without running anything again. A
// retry of one that never ran (its first delivery was lost) does run;
// Events API retries carry new envelope ids, and are recognised by their
// event id in eventsAPI.
func (a *Adapter) envelope(ctx context.Context, req socketmode.Request) (payload any, after func()) {
	if req.EnvelopeID != "" && !a.first(ctx, "envelope:"+req.EnvelopeID, envelopeSeenTTL) {
		a.log.Info("slack: ignoring redelivered envelope", "envelope", req.EnvelopeID, "retry", req.RetryAttempt, "reason", req.RetryReason)
		return nil, nil
	}
	switch req.Type {
	case socketmode.RequestTypeSlashCommands:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(req.Payload, &cmd); err != nil || cmd.TeamID == "" || cmd.UserID == "" {
			a.log.Warn("slack: bad socket mode slash command", "err", err)
			return nil, nil
		}
		first, rest := a.slashCommand(ctx, cmd, "")
		if first.empty() {
			return nil, nil
		}
		if b, err := json.Marshal(first); err == nil && len(b) > maxAckSize {
			// Too big to ack: every message follows.
			msgs := append([]message{first}, rest...)
			return message{ResponseType: slack.ResponseTypeEphemeral, Text: workingText},
				func() { a.followUpLater(ctx, commandTo(cmd), cmd.ResponseURL, msgs) }
		}
		return first, func() { a.followUpLater(ctx, commandTo(cmd), cmd.ResponseURL, rest) }
	case socketmode.RequestTypeInteractive:
		var ic slack.InteractionCallback
		if err := json.Unmarshal(req.Payload, &ic); err != nil || ic.Team.ID == "" || ic.User.ID == "" {
			a.log.Warn("slack: bad socket mode interaction", "err", err)
			return nil, nil
		}
		if resp := a.interaction(ctx, ic, ""); resp != nil {
			return resp, nil
		}
		return nil, nil
	case socketmode.RequestTypeEventsAPI:
		if err := a.eventsAPI(ctx, req.Payload); err != nil {
			a.log.Warn("slack: bad socket mode event", "err", err)
		}
		return nil, nil
	}
	return nil, nil
}
