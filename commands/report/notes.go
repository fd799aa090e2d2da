package report

import (
	"context"

	"github.com/targetbot/targetbot/framework"
)

// noteReads is how many targets' histories gradeNotes reads at once.
const noteReads = 8

// gradeNotes finds, for each target of ts graded in the cycle, the rate
// event that gave its grade: the newest rate of the cycle to that grade.
// Its reason, author and time are the grade's note in every format.
//
// The store keeps rate events in each target's own history, so this is
// one read per graded target, noteReads at a time: a report on a graded
// framework costs a round trip or two more per few outcomes graded. An
// index of rate events (as evidence has) would make it fixed.
func gradeNotes(ctx context.Context, src Source, ws string, ts []framework.Target, cy cycle) (map[string]framework.Event, error) {
	notes := map[string]framework.Event{}
	type result struct {
		ref string
		ev  framework.Event
		ok  bool
		err error
	}
	var graded []*framework.Target
	for i := range ts {
		if grade(&ts[i], cy) != framework.Unrated {
			graded = append(graded, &ts[i])
		}
	}
	if len(graded) == 0 {
		return notes, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan result, len(graded))
	slots := make(chan struct{}, noteReads)
	for _, t := range graded {
		go func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			evs, err := src.Events(ctx, ws, t.Ref(), 0)
			r := result{ref: t.Ref(), err: err}
			r.ev, r.ok = rateOf(evs, grade(t, cy), cy)
			results <- r
		}()
	}
	var err error
	for range graded {
		r := <-results
		switch {
		case r.err != nil && err == nil && framework.ErrorCode(r.err) != framework.ENOTFOUND:
			err = r.err
			cancel()
		case r.ok:
			notes[r.ref] = r.ev
		}
	}
	return notes, err
}

// rateOf is the newest rate event of evs (newest first) that graded the
// cycle to g. Rate events from before cycles were named carry none, and
// belong to the first cycle.
func rateOf(evs []framework.Event, g framework.Rating, cy cycle) (framework.Event, bool) {
	for _, e := range evs {
		if e.Kind != framework.EventRate || !(e.Cycle == cy.name || e.Cycle == "" && cy.first) {
			continue
		}
		// A newer rate to another grade that was rated back since is
		// passed over for the one that gave this grade.
		if framework.Rating(e.To) == g {
			return e, true
		}
	}
	return framework.Event{}, false
}
