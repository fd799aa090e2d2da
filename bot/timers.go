package bot

import (
	"sync"
	"time"
)

// TimerPool keeps stopped timers for reuse, on paths every request takes
// (the body's fast window, an adapter's follow-up deadline): a new timer
// costs three allocations (the timer, its channel and its runtime part),
// and the allocations per command are a goal (docs/PERFORMANCE.md). Its
// zero value is ready to use.
type TimerPool struct{ p sync.Pool }

// Get returns a timer that fires after d.
func (p *TimerPool) Get(d time.Duration) *time.Timer {
	if t, ok := p.p.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// Put stops t and keeps it for a later Get. Since Go 1.23 a stopped
// timer's channel holds no value that fired before Stop, so the timer
// Reset hands out is as good as a new one. t must not be used after.
func (p *TimerPool) Put(t *time.Timer) {
	t.Stop()
	p.p.Put(t)
}
