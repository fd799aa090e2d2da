package wait

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestSleepAndFor(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	if err := For(short, &wg); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("For with work stuck = %v, want the deadline", err)
	}
	wg.Done()
	if err := For(context.Background(), &wg); err != nil {
		t.Errorf("For with nothing in flight = %v", err)
	}
}
