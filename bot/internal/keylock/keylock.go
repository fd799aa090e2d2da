// Package keylock serialises work per key: the adapters' posters hold a
// message's Key while they post it, so a retry of the same message waits
// for the first attempt instead of racing it.
package keylock

import "sync"

// Locks is a set of per-key mutexes. The zero value is ready to use;
// entries live only while someone holds or waits for them.
type Locks struct {
	mu sync.Mutex
	m  map[string]*lock
}

type lock struct {
	mu   sync.Mutex
	refs int
}

// Lock takes key's lock, waiting for it if needed, and returns the
// function that releases it.
func (k *Locks) Lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*lock{}
	}
	l := k.m[key]
	if l == nil {
		l = &lock{}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
