package slack

import (
	"sync/atomic"
	"time"
)

// workers runs each command's work on a goroutine that outlives it.
// A fresh goroutine per command starts on a small stack and grows it,
// copying it each time, as the command goes down through the handler,
// the store and the renderer: about a twentieth of a command's CPU. A
// worker keeps its grown stack for the next command. Workers beyond
// those busy wait idle for a while, then exit; past max at once, work
// gets a goroutine of its own, as before.
type workers struct {
	tasks chan func() // unbuffered: a send succeeds only into an idle worker
	n     atomic.Int32
	max   int32
	idle  time.Duration
}

func newWorkers(max int, idle time.Duration) *workers {
	return &workers{tasks: make(chan func()), max: int32(max), idle: idle}
}

// Go runs f on an idle worker, a new one, or a goroutine of its own.
func (w *workers) Go(f func()) {
	select {
	case w.tasks <- f:
		return
	default:
	}
	if w.n.Add(1) <= w.max {
		go w.loop(f)
		return
	}
	w.n.Add(-1)
	go f()
}

func (w *workers) loop(f func()) {
	defer w.n.Add(-1)
	t := time.NewTimer(w.idle)
	defer t.Stop()
	for {
		f()
		f = nil // an idle worker keeps nothing of the last command alive
		t.Reset(w.idle)
		select {
		case f = <-w.tasks:
		case <-t.C:
			return
		}
	}
}
