package redisstore

import (
	"fmt"
	"testing"
	"time"
)

// Update ids keep their form: 12 hex digits of unix ms, 4 of the
// counter, 8 random, so they sort by time as they always have.
func TestIDGenForm(t *testing.T) {
	var g idGen
	at := time.UnixMilli(0x0123456789ab)
	for i := 1; i <= 3; i++ {
		id := g.next(at)
		if want := fmt.Sprintf("%012x%04x", 0x0123456789ab, i); len(id) != 24 || id[:16] != want {
			t.Fatalf("id %q, want it to start %q and be 24 digits", id, want)
		}
	}
	if a, b := g.next(at), g.next(at.Add(time.Millisecond)); a >= b {
		t.Errorf("ids do not sort by time: %q, %q", a, b)
	}
}
