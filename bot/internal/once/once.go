// Package once tells an adapter whether it sees a key (a Slack Socket
// Mode envelope or Events API event id) for the first time: across every
// replica through the store's claim when there is one, or in this
// process alone when there is not. (A request's replay key is the
// command layer's to claim: bot.Request.Once.)
package once

import (
	"context"
	"time"

	"github.com/targetbot/targetbot/bot/internal/ttlcache"
)

// Claim takes key for ttl across replicas, reporting whether this call
// took it: the store's atomic claim (Redis SET NX with a TTL).
type Claim func(ctx context.Context, key string, ttl time.Duration) (bool, error)

// Keys remembers keys for a while.
type Keys struct {
	claim Claim
	now   func() time.Time
	local *ttlcache.Cache[struct{}]
}

// New returns Keys that ask claim, or, when claim is nil, remember keys
// in this process (at most 10,000 at once).
func New(claim Claim, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{claim: claim, now: now, local: ttlcache.New[struct{}](10000)}
}

// First reports whether key is new within ttl, and takes it. An error
// means the shared claim could not be asked: the caller decides whether
// to refuse (a request) or run (a platform's redelivery).
func (k *Keys) First(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if k.claim != nil {
		return k.claim(ctx, key, ttl)
	}
	now := k.now()
	return k.local.Add(key, struct{}{}, now, now.Add(ttl)), nil
}
