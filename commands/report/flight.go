package report

import (
	"context"
	"errors"
	"sync"
)

// errBusy is a build refused because MaxBuilds are running.
var errBusy = errors.New("report: too many reports building at once")

// built is one build's outcome, shared by every request that waited
// for it: the report, which each request renders to its own response
// as it goes, in the format it asked for.
type built struct {
	rep *Report
	err error
}

// call is a build in flight.
type call struct {
	done chan struct{}
	res  built
}

// flights runs report builds: at most cap(slots) at once, and one per
// key, whose result every request for the same key shares. A link
// passed around a team is fetched by many at once; each fetch building
// its own copy of a large report is what exhausted memory (issue 27).
// What is shared is the report, not a rendering of it: its size follows
// the targets and evidence it shows, and each request streams its own
// format from it.
type flights struct {
	slots chan struct{}
	mu    sync.Mutex
	calls map[string]*call
}

func newFlights(n int) *flights {
	return &flights{slots: make(chan struct{}, n), calls: map[string]*call{}}
}

// do returns key's result: the one in flight for it, or build's, run now
// if a slot is free. It returns errBusy when none is; and ctx's error if
// ctx ends while it waits for another request's build.
func (f *flights) do(ctx context.Context, key string, build func() built) built {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.res
		case <-ctx.Done():
			return built{err: ctx.Err()}
		}
	}
	select {
	case f.slots <- struct{}{}:
	default:
		f.mu.Unlock()
		return built{err: errBusy}
	}
	c := &call{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		<-f.slots
		close(c.done)
	}()
	c.res = build()
	return c.res
}
