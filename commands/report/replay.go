package report

import (
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Replaying the update history. An update records the target's progress
// and status after it and before it, and withdrawn updates are left out
// of the history read (only a target's latest can be withdrawn, and that
// restores its values before), so the updates in force chain: what a
// target stood at any moment is its latest update's values up to then,
// or else its first later update's values before.

// state is a target as it stood at a moment, and its latest update up to
// then.
type state struct {
	progress int
	status   framework.Status
	latest   *framework.Update
}

// stateAt returns each target's state at asOf from us, the updates in
// force since the cycle began, oldest first. With replay unset the
// stored status and progress are kept (they are the current cycle's) and
// only the latest update is found.
func stateAt(ts []framework.Target, us []framework.Update, asOf time.Time, replay bool) map[string]state {
	out := make(map[string]state, len(ts))
	for _, t := range ts {
		out[t.Ref()] = state{progress: t.Progress, status: t.Status}
	}
	after := map[string]bool{}
	for i := range us {
		u := &us[i]
		st, ok := out[u.Target]
		if !ok {
			continue
		}
		switch {
		case !u.Time.After(asOf):
			st.latest = u
			if replay {
				st.progress, st.status = u.Progress, orNotStarted(u.Status)
			}
		case replay && st.latest == nil && !after[u.Target]:
			// The first update after asOf, with none before it in the
			// cycle: the target stood at this update's "before".
			after[u.Target] = true
			st.progress, st.status = u.PrevProgress, orNotStarted(u.PrevStatus)
		}
		out[u.Target] = st
	}
	return out
}

func orNotStarted(s framework.Status) framework.Status {
	if s == "" {
		return framework.NotStarted
	}
	return s
}

// maxMonths bounds progress over time: a cycle left open for years shows
// its latest five.
const maxMonths = 60

// month is one point of progress over time: the month, and the moment
// its value is taken, midnight at its end or asOf within it.
type month struct {
	label string
	at    time.Time
}

// months lists the months of the cycle in loc, from the month it began
// to the month of asOf. The first cycle holds everything before it, so
// it begins at its first update if that is earlier.
func months(cy cycle, us []framework.Update, loc *time.Location) []month {
	from := cy.started
	if cy.first && len(us) > 0 && (from.IsZero() || us[0].Time.Before(from)) {
		from = us[0].Time
	}
	if from.IsZero() || from.After(cy.asOf) {
		from = cy.asOf
	}
	f, end := from.In(loc), cy.asOf.In(loc)
	start := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if last := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, loc); start.AddDate(0, maxMonths, 0).Before(last.AddDate(0, 1, 0)) {
		start = last.AddDate(0, 1-maxMonths, 0)
	}
	var out []month
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		at := m.AddDate(0, 1, 0)
		if at.After(end) {
			at = end
		}
		out = append(out, month{label: m.Format("2006-01"), at: at})
	}
	return out
}

// progressSeries is each objective's mean progress at each month's end,
// over the live targets that existed then, replayed from us (oldest
// first): a target starts at its first update's "before" and takes each
// update's progress as it comes. Its cost is one pass over the updates
// plus one over the targets per month.
func progressSeries(live []framework.Target, us []framework.Update, ms []month) map[string][]Point {
	idx := make(map[string]int, len(live))
	cur := make([]int, len(live))
	for i := range live {
		idx[live[i].Ref()] = i
		cur[i] = live[i].Progress
	}
	seen := make([]bool, len(live))
	for k := range us {
		if i, ok := idx[us[k].Target]; ok && !seen[i] {
			seen[i], cur[i] = true, us[k].PrevProgress
		}
	}
	out := map[string][]Point{}
	j := 0
	for _, m := range ms {
		for ; j < len(us) && !us[j].Time.After(m.at); j++ {
			if i, ok := idx[us[j].Target]; ok {
				cur[i] = us[j].Progress
			}
		}
		sums, counts := map[string]int{}, map[string]int{}
		var order []string
		for i := range live {
			o := live[i].Objective
			if _, ok := counts[o]; !ok {
				order = append(order, o)
				counts[o] = 0
			}
			if c := live[i].CreatedAt; c.IsZero() || !c.After(m.at) {
				sums[o] += cur[i]
				counts[o]++
			}
		}
		for _, o := range order {
			p := Point{Month: m.label, At: m.at, Targets: counts[o]}
			if n := counts[o]; n > 0 {
				p.Progress = (sums[o]*2 + n) / (n * 2)
			}
			out[o] = append(out[o], p)
		}
	}
	return out
}
