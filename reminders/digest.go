package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// firstDigestWindow is how far back a channel's first digest looks for
// updates, when it has never had one.
const firstDigestWindow = 7 * 24 * time.Hour

// Digest builds the digest for one channel now, as `digest now` does,
// marks the channel digested if it is subscribed, and returns the digest
// without posting it.
func (s *Scheduler) Digest(ctx context.Context, ws, channel string) (bot.Reply, error) {
	at := s.opts.Now()
	w, err := s.opts.Store.Workspace(ctx, ws)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: %w", ws, err)
	}
	subs, err := s.opts.Store.Subscriptions(ctx, ws)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: %w", ws, err)
	}
	var last time.Time
	for _, sub := range subs {
		if sub.Channel == channel {
			last = sub.LastDigest
		}
	}
	reply, err := s.buildDigest(ctx, ws, w.Location(s.opts.Location), last, at)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := s.opts.Store.MarkDigested(ctx, ws, channel, at); err != nil && framework.ErrorCode(err) != framework.ENOTFOUND {
		return bot.Reply{}, fmt.Errorf("reminders: mark %s %s digested: %w", ws, channel, err)
	}
	return reply, nil
}

// runDigest posts one subscription's digest for fire time f. The reads
// come before the claim, so a read failure leaves the period to retry.
func (s *Scheduler) runDigest(ctx context.Context, sc *schedule, p bot.Poster, fire time.Time, key string, at time.Time, res *Result) error {
	reply, err := s.buildDigest(ctx, sc.ws.ID, sc.loc, sc.sub.LastDigest, at)
	if err != nil {
		return err
	}
	ok, err := s.claim(ctx, sc, fire, key, res)
	if err != nil || !ok {
		return err
	}
	reply.Command = "digest"
	m := bot.Message{Workspace: sc.ws.ID, Channel: sc.sub.Channel, Reply: reply, Key: key}
	if err := p.Post(ctx, m); err != nil {
		res.Errors++
		s.log.Error("posting digest failed", "workspace", sc.ws.ID, "channel", sc.sub.Channel, "key", key, "err", err)
		return nil
	}
	res.Digests++
	if err := s.opts.Store.MarkDigested(ctx, sc.ws.ID, sc.sub.Channel, at); err != nil {
		// The next digest repeats some updates; nothing is lost.
		res.Errors++
		s.log.Warn("marking channel digested failed", "workspace", sc.ws.ID, "channel", sc.sub.Channel, "err", err)
	}
	// Keep the cached subscription in step until the next poll.
	sc.sub.LastDigest = at
	return nil
}

// buildDigest reads the workspace's targets and its updates since last
// (both in round trips that do not grow with their number, fetched
// concurrently) and renders the digest as of at.
func (s *Scheduler) buildDigest(ctx context.Context, ws string, loc *time.Location, last, at time.Time) (bot.Reply, error) {
	since := last
	if since.IsZero() {
		since = at.Add(-firstDigestWindow)
	}
	type updates struct {
		us  []framework.Update
		err error
	}
	uc := make(chan updates, 1)
	go func() {
		us, err := s.opts.Store.UpdatesSince(ctx, ws, since)
		uc <- updates{us, err}
	}()
	ts, terr := s.opts.Store.Targets(ctx, ws)
	u := <-uc
	if terr != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read targets: %w", ws, terr)
	}
	if u.err != nil {
		return bot.Reply{}, fmt.Errorf("reminders: digest %s: read updates: %w", ws, u.err)
	}
	// Updates logged after at belong to the next digest.
	us := u.us[:0:0]
	for _, up := range u.us {
		if !up.Time.After(at) {
			us = append(us, up)
		}
	}
	return renderDigest(digestData{Loc: loc, At: at, Since: since, Targets: ts, Updates: us}), nil
}
