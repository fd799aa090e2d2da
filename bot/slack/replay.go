package slack

import (
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// replayTTL is how long an accepted signature is remembered. A request
// is accepted while its timestamp is within maxSkew of our clock either
// way, so one first seen when its timestamp was maxSkew ahead stays
// acceptable for twice maxSkew; the minute on top covers replicas whose
// clocks differ.
const replayTTL = 2*maxSkew + time.Minute

// withReplayKey gives req its replay key, key, for the command layer to claim
// (bot.Request.Once): in the command's own write when it has one, so
// the check costs no round trip of its own, and before it runs
// otherwise. A signed request is accepted once (DESIGN 13): a replay,
// on any replica, is refused there, and so is a request whose claim the
// store cannot take. An empty key (Socket Mode, where Slack's envelope
// ids deduplicate) asks for no claim.
func withReplayKey(req *bot.Request, key string) {
	if key != "" {
		req.Once, req.OnceFor = key, replayTTL
	}
}

// signatureKey is the replay key of a verified request: its signature,
// which covers its body and timestamp. Hex digits verify in either case,
// so the key is in one case: otherwise "v0=AB…" would replay "v0=ab…".
func signatureKey(sig string) string { return "sig:" + strings.ToLower(sig) }
