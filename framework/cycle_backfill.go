package framework

import "time"

// The rules for correcting a workspace's cycles: adding a past cycle
// before the first, to enter its published grades (backfill), and
// reopening the previous cycle soon after a mistaken `cycle start`
// (undo). Stores apply them in one atomic write, as they do StartCycle.

// UndoWindow is how long after `cycle start` the previous cycle can be
// reopened.
const UndoWindow = 24 * time.Hour

// AddPastCycle adds name as a closed cycle before the workspace's first
// one, closed when the first began (just before the first closed, when
// that was backfilled too; at, when neither is known). It
// refuses a bad name (ErrBadCycle), one already used (ErrCycleUsed), and
// one that is not before the first cycle (ErrCycleOrder, about the first
// cycle's name).
func (w *Workspace) AddPastCycle(name, defaultCycle string, at time.Time) error {
	if err := CheckCycle(name); err != nil {
		return err
	}
	if w.Cycle == "" {
		w.Cycle = defaultCycle
	}
	if w.CycleUsed(name) {
		return ErrCycleUsed.About(name)
	}
	first, started := w.Cycle, w.CycleStarted
	if len(w.PastCycles) > 0 {
		first, started = w.PastCycles[0].Name, w.PastCycles[0].Started
	}
	if name > first {
		return ErrCycleOrder.About(first)
	}
	closed := started
	switch {
	case !closed.IsZero():
	case len(w.PastCycles) > 0:
		// The first closed cycle was itself backfilled: this one closes
		// just before it, so that cycles sort in the order they ran.
		closed = w.PastCycles[0].Closed.Add(-time.Second)
	default:
		closed = at
	}
	w.PastCycles = append([]Cycle{{Name: name, Closed: closed}}, w.PastCycles...)
	return nil
}

// GradePastCycle sets t's grade in the closed cycle name, one added
// with AddPastCycle, and returns the rate event that records it (with no
// ID yet). It refuses a cycle the workspace ran here (closed cycles keep
// their grades as they were: ErrCycleUsed about it), one it does not
// have (ErrBadCycle), an archived target (ErrArchived) and a grade the
// target has already (ErrNoChange).
func (w *Workspace) GradePastCycle(t *Target, name string, ch Change) (Event, error) {
	i := -1
	for j, c := range w.PastCycles {
		if c.Name == name {
			i = j
		}
	}
	switch {
	case i < 0:
		return Event{}, ErrBadCycle.About(name)
	case !w.PastCycles[i].Started.IsZero():
		return Event{}, ErrCycleUsed.About(name)
	case t.Archived:
		return Event{}, ErrArchived.About(t.Ref())
	}
	if r, ok := ParseRating(string(ch.Rating)); !ok || r != ch.Rating {
		return Event{}, ErrBadRating.About(string(ch.Rating))
	}
	old := t.Grades[name]
	if old == ch.Rating {
		return Event{}, ErrNoChange.About(string(old))
	}
	if t.Grades == nil {
		t.Grades = map[string]Rating{}
	}
	if ch.Rating == Unrated {
		delete(t.Grades, name)
	} else {
		t.Grades[name] = ch.Rating
	}
	return Event{Target: t.Ref(), Kind: EventRate, Author: ch.Author, Time: ch.Time, From: string(old), To: string(ch.Rating), Reason: ch.Reason, Cycle: name}, nil
}

// UndoCycle reopens the cycle closed most recently, moving each
// target's grade in it back to its Rating, and returns the name of the
// cycle undone. It refuses when no cycle has closed here (ErrCycleOrder
// about the current cycle: a backfilled cycle, which has no start, is
// never reopened), when the current cycle started more than UndoWindow
// before now, or holds a grade (ErrCycleUsed about it).
func (w *Workspace) UndoCycle(ts []Target, now time.Time) (string, error) {
	prev, ok := w.PreviousCycle()
	if !ok || prev.Started.IsZero() {
		return "", ErrCycleOrder.About(w.Cycle)
	}
	if w.CycleStarted.IsZero() || now.Sub(w.CycleStarted) > UndoWindow {
		return "", ErrCycleUsed.About(w.Cycle)
	}
	for i := range ts {
		if ts[i].Rating != Unrated {
			return "", ErrCycleUsed.About(w.Cycle)
		}
	}
	undone := w.Cycle
	for i := range ts {
		if g, ok := ts[i].Grades[prev.Name]; ok {
			ts[i].Rating = g
			delete(ts[i].Grades, prev.Name)
		}
	}
	w.PastCycles = w.PastCycles[:len(w.PastCycles)-1]
	w.Cycle, w.CycleStarted = prev.Name, prev.Started
	return undone, nil
}
