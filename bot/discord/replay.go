package discord

import (
	"context"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// replayTTL is how long an interaction id is remembered. A request
// verifies while its timestamp is within SignatureWindow of our clock
// either way, so one first seen when its timestamp was a window ahead
// stays verifiable for two windows; the minute on top covers replicas
// whose clocks differ.
const replayTTL = 2*SignatureWindow + time.Minute

// replayedText answers an interaction seen before. It goes back as an
// ephemeral message (type 4, flags 64): Discord accepts that answer to
// every interaction that runs something (commands, buttons, forms),
// shows it only to the user, and says why nothing happened; a bare
// acknowledgement (type 6) is valid for buttons and forms only, and
// would leave a slash command "not responding".
const replayedText = "This interaction was already received and handled, so it was not run again."

// accept reports whether the interaction id may run: true the first time
// it is seen on any replica, within replayTTL. Otherwise it returns the
// reply to answer with instead.
//
// If the shared claim fails the interaction is refused, not run: a
// signed request is accepted once (DESIGN 13), and the user's retry is
// a new interaction with a new id.
func (a *Adapter) accept(ctx context.Context, id string) (bot.Reply, bool) {
	if id == "" {
		// Discord gives every interaction an id; without one, a repeat
		// could not be told from the first.
		r := bot.Say("Discord did not say which interaction this is, so nothing was done: try again.", true)
		r.Code = framework.EINVALID
		return r, false
	}
	won, err := a.seen.First(ctx, "interaction:"+id, replayTTL)
	if err != nil {
		a.log.ErrorContext(ctx, "discord: could not check an interaction for replay, refusing it", "id", id, "err", err)
		r := bot.Say(bot.UncheckedText, true)
		r.Code = framework.EUNAVAILABLE
		return r, false
	}
	if !won {
		a.log.WarnContext(ctx, "discord: refused a repeated interaction", "id", id)
		r := bot.Say(replayedText, true)
		r.Code = framework.ECONFLICT
		return r, false
	}
	return bot.Reply{}, true
}
