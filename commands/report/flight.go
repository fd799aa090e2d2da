package report

import (
	"context"
	"errors"
	"sync"
)

// errBusy is a build refused because MaxBuilds are running.
var errBusy = errors.New("report: too many reports building at once")

// call is a build in flight, and its outcome once done.
type call[T any] struct {
	done chan struct{}
	res  T
	err  error
}

// flights runs builds of T: at most cap(slots) at once, and one per key,
// whose result every request for the same key shares. A link passed
// around a team is fetched by many at once; each fetch building its own
// copy of a large report is what exhausted memory (issue 27).
//
// The Handler runs two: one builds the report of a link, which every
// format of it shares (its size follows the targets and evidence it
// shows); one renders it in a format, which every request for that
// format shares. Rendering it once per request instead, streamed to
// each response, measured more memory and time under 50 parallel
// fetches (docs/PERFORMANCE.md), since each rendering makes its own
// garbage at once.
type flights[T any] struct {
	slots chan struct{}
	mu    sync.Mutex
	calls map[string]*call[T]
}

func newFlights[T any](n int) *flights[T] {
	return &flights[T]{slots: make(chan struct{}, n), calls: map[string]*call[T]{}}
}

// do returns key's result: the one in flight for it, or build's, run now
// if a slot is free. It returns errBusy when none is; and ctx's error if
// ctx ends while it waits for another request's build.
func (f *flights[T]) do(ctx context.Context, key string, build func() (T, error)) (T, error) {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.res, c.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	select {
	case f.slots <- struct{}{}:
	default:
		f.mu.Unlock()
		var zero T
		return zero, errBusy
	}
	c := &call[T]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		<-f.slots
		close(c.done)
	}()
	c.res, c.err = build()
	return c.res, c.err
}
