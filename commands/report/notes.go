package report

import (
	"context"

	"github.com/targetbot/targetbot/framework"
)

// noteDepth is how many of each graded target's newest events
// gradeNotes reads first: the rate that gave a grade is nearly always
// among them.
const noteDepth = 8

// gradeNotes finds, for each target of ts graded in the cycle, the rate
// event that gave its grade: the newest rate of the cycle to that grade.
// Its reason, author and time are the grade's note in every format.
//
// The store keeps rate events in each target's own history. They are
// read for every graded target at once (store.Records.RecentEvents),
// the newest noteDepth of each, and then whole only for the few targets
// whose rate is older than that: a fixed number of round trips, and
// reads that follow the graded targets, not their histories.
func gradeNotes(ctx context.Context, src Source, ws string, ts []framework.Target, cy cycle) (map[string]framework.Event, error) {
	notes := map[string]framework.Event{}
	graded := map[string]framework.Rating{}
	var refs []string
	for i := range ts {
		if g := grade(&ts[i], cy); g != framework.Unrated {
			graded[ts[i].Ref()] = g
			refs = append(refs, ts[i].Ref())
		}
	}
	for depth := noteDepth; len(refs) > 0; depth = 0 {
		evs, err := src.RecentEvents(ctx, ws, refs, depth)
		if err != nil {
			return nil, err
		}
		var deeper []string
		for _, ref := range refs {
			if e, ok := rateOf(evs[ref], graded[ref], cy); ok {
				notes[ref] = e
			} else if depth > 0 && len(evs[ref]) == depth {
				deeper = append(deeper, ref)
			}
		}
		if depth == 0 {
			break
		}
		refs = deeper
	}
	return notes, nil
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
