package keylock

import (
	"sync"
	"testing"
)

func TestLocksSerialisePerKey(t *testing.T) {
	var k Locks
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			unlock := k.Lock("a")
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		})
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d held key a at once", most)
	}
	if len(k.m) != 0 {
		t.Errorf("%d entries left after every unlock", len(k.m))
	}
	// Different keys do not wait for each other.
	ua := k.Lock("a")
	ub := k.Lock("b")
	ua()
	ub()
}
