package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/wait"
)

// postKeyTTL is how long a posted Key is remembered. Schedulers retry
// within minutes; a day covers any retry of the same digest or reminder.
const postKeyTTL = 24 * time.Hour

// maxSendAttempts bounds retries of one chat.postMessage.
const maxSendAttempts = 4

// maxRetryAfter caps one wait on Slack's Retry-After, so a huge value
// cannot stall a scheduler run indefinitely.
const maxRetryAfter = time.Minute

// postState is how far a keyed message got: the channel, the ts of the
// first message, how many top-level messages and thread parts were
// posted, and the rendered messages themselves, so a retry resumes with
// exactly the messages the first attempt split the reply into instead
// of posting anything twice or leaving a gap.
type postState struct {
	channel string
	ts      string
	tops    int
	parts   int
	done    bool
	top     []message // kept only while part of them is posted
	thread  []message
}

// progress is st as Message.Reached reports it: where the post goes and
// how much of it is posted, without the rendered messages.
func (st *postState) progress() string {
	return bot.JoinProgress(st.channel, st.ts, strconv.Itoa(st.tops), strconv.Itoa(st.parts))
}

// resume sets st from a progress another process reported, when it is
// one; the rendered messages are left for Post to render.
func (st *postState) resume(progress string) {
	f, ok := bot.SplitProgress(progress, 4)
	if !ok {
		return
	}
	tops, err1 := strconv.Atoi(f[2])
	parts, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || f[0] == "" || tops < 0 || parts < 0 || (tops > 0) != (f[1] != "") {
		return
	}
	st.channel, st.ts, st.tops, st.parts = f[0], f[1], tops, parts
}

// Post posts a message to a channel, or DMs a user through
// conversations.open. Its Blocks are the message: one, or as many
// consecutive ones as Slack's limits need. Its Details go as replies in
// the first message's thread, split the same way. Posting a Key again
// after success does nothing; after a partial failure it posts only what
// is missing, in this process or, through Message.Resume, in another.
func (a *Adapter) Post(ctx context.Context, m bot.Message) error {
	if (m.Channel == "") == (m.User == "") {
		return fmt.Errorf("slack: post: exactly one of channel and user must be set (channel %q, user %q)", m.Channel, m.User)
	}
	var st postState
	if m.Key != "" {
		// Two concurrent Posts of one Key (two replicas' retries meeting
		// in one process) must not both see "not posted yet".
		unlock := a.keys.Lock(m.Key)
		defer unlock()
		if prev, ok := a.posted.Get(m.Key, a.opts.Now()); ok {
			if prev.done {
				a.log.Info("slack: post already delivered, skipping", "key", m.Key, "ts", prev.ts)
				return nil
			}
			st = prev
		}
		if st.channel == "" {
			// Another process got this far before it stopped: the
			// messages are rendered afresh, and only the rest is posted.
			st.resume(m.Resume)
		}
	}
	save := func() {
		if m.Key == "" {
			return
		}
		saved := st
		if st.tops == 0 {
			// Nothing is posted yet, so a retry may render afresh; the
			// messages are kept only where a retry must continue them.
			saved.top, saved.thread = nil, nil
		}
		a.posted.Put(m.Key, saved, a.opts.Now().Add(postKeyTTL))
		if m.Reached != nil {
			m.Reached(st.progress())
		}
	}
	if st.top == nil {
		ms := a.mentionsFor(ctx, teamOf(m.Workspace), m.Reply, true)
		st.top, st.thread = render(m.Reply, ms), renderDetails(m.Reply, ms)
		for i := range st.top {
			st.top[i].ResponseType = "" // a response_url field, not chat.postMessage's
		}
		if len(st.top) == 0 && len(st.thread) == 0 {
			return nil // nothing to say
		}
		if len(st.top) == 0 {
			// A thread needs a message to hang from.
			st.top, st.thread = st.thread[:1], st.thread[1:]
		}
	}
	if st.channel == "" {
		st.channel = m.Channel
		if st.channel == "" {
			ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{m.User}})
			if err != nil {
				return fmt.Errorf("slack: post: open DM with %s: %w", m.User, err)
			}
			st.channel = ch.ID
		}
	}
	for i, msg := range st.top {
		if i < st.tops {
			continue
		}
		ts, err := a.send(ctx, st.channel, msg, "")
		if err != nil {
			save()
			return fmt.Errorf("slack: post message %d of %d to %s: %w", i+1, len(st.top), st.channel, err)
		}
		if i == 0 {
			st.ts = ts
		}
		st.tops = i + 1
		save()
	}
	for i, part := range st.thread {
		if i < st.parts {
			continue
		}
		if _, err := a.send(ctx, st.channel, part, st.ts); err != nil {
			save()
			return fmt.Errorf("slack: post thread part %d of %d to %s: %w", i+1, len(st.thread), st.channel, err)
		}
		st.parts = i + 1
		save()
	}
	st.done = true
	st.top, st.thread = nil, nil
	save()
	return nil
}

// send posts one message, paced per channel, retrying only when Slack
// certainly did not post it: a 429, or a connection that was refused.
func (a *Adapter) send(ctx context.Context, channel string, msg message, threadTS string) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var err error
	for attempt := 1; attempt <= maxSendAttempts; attempt++ {
		if err := a.pacer.wait(ctx, channel, a.opts.PostInterval); err != nil {
			return "", err
		}
		var ts string
		_, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		if err == nil {
			return ts, nil
		}
		var pause time.Duration
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			pause = min(max(rl.RetryAfter, 100*time.Millisecond), maxRetryAfter)
		case errors.Is(err, syscall.ECONNREFUSED):
			pause = time.Duration(attempt) * 500 * time.Millisecond
		default:
			return "", err
		}
		if attempt == maxSendAttempts {
			break
		}
		a.log.Warn("slack: post will be retried", "channel", channel, "wait", pause, "attempt", attempt, "err", err)
		if err := wait.Sleep(ctx, pause); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("gave up after %d attempts: %w", maxSendAttempts, err)
}

// pacer spaces posts to one channel PostInterval apart, Slack's
// documented limit for chat.postMessage.
type pacer struct {
	mu   sync.Mutex
	next map[string]time.Time
}

func (p *pacer) wait(ctx context.Context, channel string, every time.Duration) error {
	p.mu.Lock()
	now := time.Now()
	if len(p.next) > 1000 {
		for ch, t := range p.next {
			if t.Before(now) {
				delete(p.next, ch)
			}
		}
	}
	at := p.next[channel]
	if at.Before(now) {
		at = now
	}
	p.next[channel] = at.Add(every)
	p.mu.Unlock()
	return wait.Sleep(ctx, time.Until(at))
}
