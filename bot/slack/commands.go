package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// workingText is the interim answer when a command outlasts FollowUpAfter.
const workingText = "Working on it…"

// serveCommand answers POST /slack/commands.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	cmd, err := parseCommand(body)
	if err != nil {
		a.log.Warn("slack: bad slash command", "err", err)
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	msg := a.slashCommand(r.Context(), cmd)
	if msg.empty() {
		w.WriteHeader(http.StatusOK) // Slack shows nothing for an empty 200
		return
	}
	writeJSON(w, msg)
}

// parseCommand parses a verified slash-command form body with slack-go's
// parser, on a request rebuilt from the bytes we already read.
func parseCommand(body []byte) (slack.SlashCommand, error) {
	r, err := http.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	if err != nil {
		return slack.SlashCommand{}, fmt.Errorf("slack: parse command: %w", err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		return slack.SlashCommand{}, fmt.Errorf("slack: parse command: %w", err)
	}
	if cmd.TeamID == "" || cmd.UserID == "" {
		return slack.SlashCommand{}, errors.New("slack: parse command: team_id and user_id are required")
	}
	return cmd, nil
}

// slashCommand runs a slash command and returns the immediate answer:
// the reply itself when the handler is quick, or an ephemeral "Working
// on it…" with the reply following through response_url.
func (a *Adapter) slashCommand(ctx context.Context, cmd slack.SlashCommand) message {
	build := func(ctx context.Context) bot.Request {
		req := a.request(ctx, cmd.TeamID, cmd.ChannelID, cmd.UserID, cmd.UserName, unescapeCommand(cmd.Text))
		req.ID = cmd.TriggerID
		return req
	}
	reply, ok := a.runTimed(ctx, build, func(ctx context.Context, reply bot.Reply) {
		a.followUp(ctx, cmd.ResponseURL, reply)
	})
	if !ok {
		return message{ResponseType: slack.ResponseTypeEphemeral, Text: workingText}
	}
	return render(reply)
}

// runTimed runs the handler on the request build makes. When the reply
// comes within FollowUpAfter it returns it with ok=true; otherwise it
// returns ok=false at once and hands the reply to later when it comes,
// so callers always meet Slack's 3-second deadline.
func (a *Adapter) runTimed(ctx context.Context, build func(context.Context) bot.Request, later func(context.Context, bot.Reply)) (reply bot.Reply, ok bool) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
	a.inflight.Add(1)
	done := make(chan bot.Reply, 1)
	go func() { done <- a.handle(hctx, build(hctx)) }()
	timer := time.NewTimer(a.opts.FollowUpAfter)
	defer timer.Stop()
	select {
	case r := <-done:
		cancel()
		a.inflight.Done()
		return r, true
	case <-timer.C:
		go func() {
			defer a.inflight.Done()
			defer cancel()
			later(hctx, <-done)
		}()
		return bot.Reply{}, false
	}
}

// handle calls the handler, turning a panic into an internal error reply:
// handlers run on goroutines net/http does not guard.
func (a *Adapter) handle(ctx context.Context, req bot.Request) (reply bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("slack: handler panicked", "panic", p, "stack", string(debug.Stack()), "workspace", req.Workspace, "user", req.User)
			reply = bot.Failed()
		}
	}()
	start := time.Now()
	reply = a.opts.Handler.Handle(ctx, req)
	a.log.Info("slack: handled", "workspace", req.Workspace, "user", req.User, "command", reply.Command,
		"code", reply.Code, "duration", time.Since(start), "id", req.ID)
	return reply
}

// followUp posts a reply to a response_url, which Slack keeps valid for 30
// minutes and 5 uses. replace_original is false so a button's answer
// never overwrites the digest or reminder it was pressed on.
func (a *Adapter) followUp(ctx context.Context, responseURL string, reply bot.Reply) {
	if render(reply).empty() {
		return
	}
	if err := a.postResponseURL(ctx, responseURL, render(reply)); err != nil {
		a.log.Error("slack: follow-up failed", "err", err)
	}
}

func (a *Adapter) postResponseURL(ctx context.Context, responseURL string, msg message) error {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("slack: post to response_url: bad url %q", responseURL)
	}
	no := false
	msg.ReplaceOriginal = &no
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("slack: post to response_url: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("slack: post to response_url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("slack: post to response_url: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("slack: post to response_url: status %s", resp.Status)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
