package bot

import (
	"testing"
	"time"
)

// A timer that fired, unread, before it was put back must not fire
// again at once when it is handed out again.
func TestTimerPoolHandsOutNoStaleFiring(t *testing.T) {
	var p TimerPool
	for range 3 {
		tm := p.Get(time.Millisecond)
		time.Sleep(5 * time.Millisecond) // fired; nobody reads it
		p.Put(tm)
		tm = p.Get(time.Hour)
		select {
		case <-tm.C:
			t.Fatal("a timer from the pool fired at once")
		case <-time.After(10 * time.Millisecond):
		}
		p.Put(tm)
	}
	tm := p.Get(time.Millisecond)
	select {
	case <-tm.C:
	case <-time.After(time.Second):
		t.Fatal("a timer from the pool did not fire")
	}
}
