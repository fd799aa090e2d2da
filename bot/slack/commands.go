package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// workingText is the interim answer when a command outlasts FollowUpAfter.
const workingText = "Working on it…"

// serveCommand answers POST /slack/commands. The first message of the
// reply is the HTTP answer; the rest follow through response_url once
// the answer is on its way, so they arrive after it.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	body, sig, ok := a.readVerified(w, r, maxCommandBody)
	if !ok {
		return
	}
	cmd, err := parseCommand(body)
	if err != nil {
		a.log.Warn("slack: bad slash command", "err", err)
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	first, rest := a.slashCommand(r.Context(), cmd, signatureKey(sig))
	if first.empty() {
		w.WriteHeader(http.StatusOK) // Slack shows nothing for an empty 200
		return
	}
	writeMessage(w, first)
	if len(rest) > 0 {
		// The answer must reach Slack before the messages that follow it.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		a.followUpLater(r.Context(), commandTo(cmd), cmd.ResponseURL, rest)
	}
}

// maxResponseURLUses is how many times Slack lets a response_url be
// used (within 30 minutes).
const maxResponseURLUses = 5

// commandTo is where a slash command's reply belongs.
func commandTo(cmd slack.SlashCommand) replyTo {
	return replyTo{team: cmd.TeamID, channel: cmd.ChannelID, user: cmd.UserID}
}

// slashCommand runs a slash command and returns the immediate answer and
// the messages that follow it (see respondAll): the reply itself
// when the handler is quick, or an ephemeral "Working on it…" with the
// whole reply following. Rendering, name look-ups included, counts
// towards the deadline.
//
// key is the request's replay key, which the command layer claims (see
// withReplayKey).
func (a *Adapter) slashCommand(ctx context.Context, cmd slack.SlashCommand, key string) (first message, rest []message) {
	run := func(ctx context.Context) []message {
		req := a.request(ctx, cmd.TeamID, cmd.ChannelID, cmd.UserID, cmd.UserName, unwrap(cmd.Text))
		req.ID = cmd.TriggerID
		withReplayKey(&req, key)
		return a.renderReply(ctx, cmd.TeamID, a.handle(ctx, req))
	}
	msgs, ok := runTimed(ctx, a, &a.msgDones, run, func(ctx context.Context, msgs []message) {
		a.respondAll(ctx, commandTo(cmd), cmd.ResponseURL, msgs)
	})
	if !ok {
		return message{ResponseType: slack.ResponseTypeEphemeral, Text: workingText}, nil
	}
	if len(msgs) == 0 {
		return message{}, nil
	}
	return msgs[0], msgs[1:]
}

// renderReply renders a reply that answers a user, Details after Blocks:
// a response_url or an ephemeral message has no thread to put them in.
func (a *Adapter) renderReply(ctx context.Context, team string, r bot.Reply) []message {
	m := a.mentionsFor(ctx, team, r, true)
	msgs := render(r, m)
	for _, d := range renderDetails(r, m) {
		d.ResponseType = responseType(r)
		msgs = append(msgs, d)
	}
	return msgs
}

// capMessages keeps a reply within n messages, where a route allows no
// more (response_url's five uses) and there is no bot token to post the
// rest with. Past that, the last message says how many more there were,
// rather than the reply ending silently.
func capMessages(msgs []message, n int) []message {
	if len(msgs) <= n {
		return msgs
	}
	left := len(msgs) - (n - 1)
	note := fmt.Sprintf("⚠️ %d more messages did not fit: Slack lets the bot answer a command with %d messages at most. Narrow the command to see the rest.", left, n)
	out := append(msgs[:n-1:n-1], message{ResponseType: msgs[0].ResponseType, Text: note, Blocks: []slack.Block{section(note)}})
	return out
}

// runTimed runs work. When it finishes within FollowUpAfter it returns
// its result with ok=true; otherwise it returns ok=false at once and
// hands the result to later when it comes, so callers always meet
// Slack's 3-second deadline.
//
// dones keeps the channels work answers on, for reuse.
func runTimed[T any](ctx context.Context, a *Adapter, dones *donePool[T], work func(context.Context) T, later func(context.Context, T)) (result T, ok bool) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
	a.inflight.Add(1)
	done := dones.get()
	a.workers.Go(func() { done <- work(hctx) })
	timer := a.timers.Get(a.opts.FollowUpAfter)
	defer a.timers.Put(timer)
	select {
	case r := <-done:
		dones.put(done)
		cancel()
		a.inflight.Done()
		return r, true
	case <-timer.C:
		go func() {
			defer a.inflight.Done()
			defer cancel()
			r := <-done
			dones.put(done)
			later(hctx, r)
		}()
		var zero T
		return zero, false
	}
}

// handle calls the handler, turning a panic into an internal error reply:
// handlers run on goroutines net/http does not guard.
func (a *Adapter) handle(ctx context.Context, req bot.Request) bot.Reply {
	// The command's log line is the handler's (serve's instrumented
	// handler): one line per command, not one per layer.
	return bot.SafeHandle(ctx, a.log, "slack", a.opts.Handler, req)
}

// followUp posts a reply to a response_url, which Slack keeps valid for
// 30 minutes and 5 uses, and what does not fit with the bot token.
// replace_original is false so a button's answer never overwrites the
// digest or reminder it was pressed on.
func (a *Adapter) followUp(ctx context.Context, to replyTo, responseURL string, reply bot.Reply) {
	a.respondAll(ctx, to, responseURL, a.renderReply(ctx, to.team, reply))
}

// followUpLater posts msgs after the current answer (see respondAll).
func (a *Adapter) followUpLater(ctx context.Context, to replyTo, responseURL string, msgs []message) {
	if len(msgs) == 0 {
		return
	}
	a.goLater(ctx, func(ctx context.Context) { a.respondAll(ctx, to, responseURL, msgs) })
}

// respond posts msgs to a response_url, in order, stopping at the first
// failure: a later message without the one before it would mislead. It
// reports whether every one was posted.
func (a *Adapter) respond(ctx context.Context, responseURL string, msgs []message) bool {
	for i, msg := range msgs {
		if msg.empty() {
			continue
		}
		if err := a.postResponseURL(ctx, responseURL, msg); err != nil {
			a.log.Error("slack: follow-up failed", "part", i+1, "of", len(msgs), "err", err)
			return false
		}
	}
	return true
}

func (a *Adapter) postResponseURL(ctx context.Context, responseURL string, msg message) error {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("slack: post to response_url: bad url %q", responseURL)
	}
	no := false
	msg.ReplaceOriginal = &no
	body, err := appendMessage(nil, msg)
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

// donePool keeps runTimed's channels for reuse: a channel is made for
// every command, and the allocations per command are a goal
// (docs/PERFORMANCE.md). A channel is put back once its one value has
// been received, so it is empty, and nothing sends on it again.
type donePool[T any] struct{ p sync.Pool }

func (d *donePool[T]) get() chan T {
	if c, ok := d.p.Get().(chan T); ok {
		return c
	}
	return make(chan T, 1)
}

func (d *donePool[T]) put(c chan T) { d.p.Put(c) }
