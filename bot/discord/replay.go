package discord

import (
	"time"

	"github.com/targetbot/targetbot/bot"
)

// replayTTL is how long an interaction id is remembered. A request
// verifies while its timestamp is within SignatureWindow of our clock
// either way, so one first seen when its timestamp was a window ahead
// stays verifiable for two windows; the minute on top covers replicas
// whose clocks differ.
const replayTTL = 2*SignatureWindow + time.Minute

// withReplayKey gives req the interaction's id as its replay key, for
// the command layer to claim (bot.Request.Once): in the command's own
// write when it has one, so the check costs no round trip of its own,
// and before it runs otherwise. An interaction seen before, on any
// replica, is refused there with an ephemeral "already handled", which
// Discord accepts as the answer to every interaction that runs something
// (type 4, flags 64: a bare acknowledgement, type 6, would leave a slash
// command "not responding"); one whose claim the store cannot take is
// refused too, as a signed request is accepted once (DESIGN 13).
//
// Discord gives every interaction an id; without one, a repeat could not
// be told from the first, so it is refused here.
func withReplayKey(req *bot.Request, id string) (bot.Reply, bool) {
	if id == "" {
		r := bot.Say("Discord did not say which interaction this is, so nothing was done: try again.", true)
		r.Code = bot.CodeInvalid
		return r, false
	}
	req.Once, req.OnceFor = "interaction:"+id, replayTTL
	return bot.Reply{}, true
}
