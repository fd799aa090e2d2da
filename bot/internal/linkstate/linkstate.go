// Package linkstate keeps the state of an adapter's long-lived
// connection to its platform (the Discord Gateway, Slack Socket Mode),
// for the adapter's Health: up, or down and why.
package linkstate

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrNotConnected is the state of a connection that has not come up yet.
var ErrNotConnected = errors.New("not connected yet")

// State is a connection's state. Its zero value is down with
// ErrNotConnected. It is safe for concurrent use.
type State struct {
	mu  sync.Mutex
	up  bool
	err error
}

// Up records that the connection is up.
func (s *State) Up() {
	s.mu.Lock()
	s.up, s.err = true, nil
	s.mu.Unlock()
}

// Down records that the connection is down, and why.
func (s *State) Down(why error) {
	if why == nil {
		why = ErrNotConnected
	}
	s.mu.Lock()
	s.up, s.err = false, why
	s.mu.Unlock()
}

// Err is nil while the connection is up, and otherwise why it is down.
func (s *State) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.up:
		return nil
	case s.err == nil:
		return ErrNotConnected
	}
	return s.err
}

// Backoff is the wait before reconnection attempt n (0 for the first
// retry): first doubled n times, at most max, less a random part of up
// to a fifth so that replicas that lost the platform together do not
// reconnect together.
func Backoff(n int, first, max time.Duration) time.Duration {
	d := first
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}
