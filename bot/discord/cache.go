package discord

import (
	"sync"
	"time"
)

// ttlCache is a small bounded map whose entries expire. When full it
// drops the entry closest to expiry (an expired one, if any), so memory
// stays bounded under any load.
type ttlCache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v   V
	exp time.Time
}

func newTTLCache[V any](max int) *ttlCache[V] {
	return &ttlCache[V]{max: max, m: map[string]ttlEntry[V]{}}
}

func (c *ttlCache[V]) get(k string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(k string, v V, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v, exp)
}

// add stores k unless a live entry exists, and reports whether it did:
// the check-and-set that deduplication needs.
func (c *ttlCache[V]) add(k string, v V, now, exp time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && now.Before(e.exp) {
		return false
	}
	c.putLocked(k, v, exp)
	return true
}

func (c *ttlCache[V]) putLocked(k string, v V, exp time.Time) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		c.evictLocked()
	}
	c.m[k] = ttlEntry[V]{v: v, exp: exp}
}

// evictLocked drops the entry closest to expiry. It is O(n), but only
// runs when the cache is full, which normal traffic never reaches.
func (c *ttlCache[V]) evictLocked() {
	var victim string
	var first time.Time
	for k, e := range c.m {
		if victim == "" || e.exp.Before(first) {
			victim, first = k, e.exp
		}
	}
	delete(c.m, victim)
}
