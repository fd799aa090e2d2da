package slack

import (
	"sync"
	"testing"
	"time"
)

// Every task runs, at most max workers stay, busy workers never make a
// task wait, and idle workers exit.
func TestWorkers(t *testing.T) {
	w := newWorkers(2, 20*time.Millisecond)
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 5 { // more at once than max: the extra run on goroutines of their own
		wg.Add(1)
		w.Go(func() { defer wg.Done(); <-release })
	}
	if n := w.n.Load(); n != 2 {
		t.Errorf("%d workers, want 2", n)
	}
	close(release)
	wg.Wait()
	ran := 0
	var mu sync.Mutex
	for range 100 {
		wg.Add(1)
		w.Go(func() { defer wg.Done(); mu.Lock(); ran++; mu.Unlock() })
	}
	wg.Wait()
	if ran != 100 {
		t.Fatalf("ran %d of 100", ran)
	}
	if n := w.n.Load(); n > 2 {
		t.Errorf("%d workers, want at most 2", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for w.n.Load() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle workers did not exit", w.n.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
