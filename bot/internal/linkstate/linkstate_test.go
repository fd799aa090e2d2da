package linkstate

import (
	"errors"
	"testing"
	"time"
)

func TestState(t *testing.T) {
	var s State
	if !errors.Is(s.Err(), ErrNotConnected) {
		t.Errorf("zero state = %v", s.Err())
	}
	s.Up()
	if s.Err() != nil {
		t.Errorf("up = %v", s.Err())
	}
	boom := errors.New("boom")
	s.Down(boom)
	if !errors.Is(s.Err(), boom) {
		t.Errorf("down = %v", s.Err())
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n        int
		min, max time.Duration
	}{
		{0, 800 * time.Millisecond, time.Second},
		{1, 1600 * time.Millisecond, 2 * time.Second},
		{3, 6400 * time.Millisecond, 8 * time.Second},
		{50, 96 * time.Second, 2 * time.Minute},
	} {
		for range 20 {
			if d := Backoff(c.n, time.Second, 2*time.Minute); d < c.min || d > c.max {
				t.Errorf("Backoff(%d) = %v, want %v to %v", c.n, d, c.min, c.max)
			}
		}
	}
}
