package slack

import (
	"context"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// replayTTL is how long an accepted signature is remembered. A request
// is accepted while its timestamp is within maxSkew of our clock either
// way, so one first seen when its timestamp was maxSkew ahead stays
// acceptable for twice maxSkew; the minute on top covers replicas whose
// clocks differ.
const replayTTL = 2*maxSkew + time.Minute

// replayedText answers a request seen before: whoever sent it again
// learns only that.
const replayedText = "This request was already received and handled, so it was not run again."

// accept reports whether the request whose replay key is key may run:
// true the first time the key is seen on any replica, within replayTTL.
// Otherwise it returns the reply to answer with instead. An empty key
// (Socket Mode, where Slack's envelope ids deduplicate) always runs.
//
// If the shared claim fails the request is refused, not run: a signed
// request is accepted once (DESIGN 13), and a retry from the user is a
// new request with a new signature.
func (a *Adapter) accept(ctx context.Context, key string) (bot.Reply, bool) {
	if key == "" {
		return bot.Reply{}, true
	}
	won, err := a.seen.First(ctx, key, replayTTL)
	if err != nil {
		a.log.Error("slack: could not check a request for replay, refusing it", "err", err)
		r := bot.Say(bot.UncheckedText, true)
		r.Code = framework.EUNAVAILABLE
		return r, false
	}
	if !won {
		a.log.Warn("slack: refused a replayed request", "key", key)
		r := bot.Say(replayedText, true)
		r.Code = framework.ECONFLICT
		return r, false
	}
	return bot.Reply{}, true
}

// signatureKey is the replay key of a verified request: its signature,
// which covers its body and timestamp. Hex digits verify in either case,
// so the key is in one case: otherwise "v0=AB…" would replay "v0=ab…".
func signatureKey(sig string) string { return "sig:" + strings.ToLower(sig) }
