package reminders

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrReplay is CheckPast's refusal: at is before a schedule's last run.
var ErrReplay = errors.New("a time before a schedule's last run")

// CheckPast refuses, with an error wrapping ErrReplay that names the
// channel, a RunDue at an instant before a digest's last run: run then,
// it would post an old period again once its claim has expired, or post
// periods out of order, and move the channel's last digest back.
// Reminder runs keep no time of their own; their claims hold them to
// once a period. RunDue itself does not call it, since a replay may be
// meant (run-schedules --replay).
func (s *Scheduler) CheckPast(ctx context.Context, at time.Time) error {
	subs, err := s.opts.Store.AllSubscriptions(ctx)
	if err != nil {
		return fmt.Errorf("reminders: read subscriptions: %w", err)
	}
	for _, sub := range subs {
		if sub.LastDigest.After(at) {
			return fmt.Errorf("%w: the digest of %s in %s last ran at %s", ErrReplay, sub.Channel, sub.Workspace, sub.LastDigest.UTC().Format(time.RFC3339))
		}
	}
	return nil
}
