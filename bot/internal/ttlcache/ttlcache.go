// Package ttlcache is the small bounded, expiring map the platform
// adapters keep per process: user look-ups, seen request ids, post
// progress.
package ttlcache

import (
	"sync"
	"time"
)

// Cache is a small bounded map whose entries expire. When full it
// drops the entry closest to expiry (an expired one, if any), so memory
// stays bounded under any load.
type Cache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]entry[V]
}

type entry[V any] struct {
	v   V
	exp time.Time
}

// New returns a Cache that holds at most max entries.
func New[V any](max int) *Cache[V] {
	return &Cache[V]{max: max, m: map[string]entry[V]{}}
}

// Get returns k's value while it has not expired at now.
func (c *Cache[V]) Get(k string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v under k until exp.
func (c *Cache[V]) Put(k string, v V, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v, exp)
}

// Add stores k unless a live entry exists, and reports whether it did:
// the check-and-set that deduplication needs.
func (c *Cache[V]) Add(k string, v V, now, exp time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && now.Before(e.exp) {
		return false
	}
	c.putLocked(k, v, exp)
	return true
}

func (c *Cache[V]) putLocked(k string, v V, exp time.Time) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		c.evictLocked()
	}
	c.m[k] = entry[V]{v: v, exp: exp}
}

// evictLocked drops the entry closest to expiry. It is O(n), but only
// runs when the cache is full, which normal traffic never reaches.
func (c *Cache[V]) evictLocked() {
	var victim string
	var first time.Time
	for k, e := range c.m {
		if victim == "" || e.exp.Before(first) {
			victim, first = k, e.exp
		}
	}
	delete(c.m, victim)
}
