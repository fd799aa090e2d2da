// Package wait holds the two waits every adapter makes: a pause that a
// context can cut short, and a drain of work in flight that a shutdown's
// deadline bounds.
package wait

import (
	"context"
	"sync"
	"time"
)

// Sleep waits d, or until ctx ends, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// For waits for wg, or until ctx ends, and then returns ctx's error: a
// stuck piece of work cannot hold a graceful shutdown past its deadline.
func For(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
