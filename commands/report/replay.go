package report

import (
	"context"
	"sync"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Replaying the update history. An update records the target's progress
// and status after it and before it, and withdrawn updates are left out
// of the history read (only a target's latest can be withdrawn, and that
// restores its values before), so the updates in force chain: what a
// target stood at any moment is its latest update's values up to then,
// or else its first later update's values before.
//
// So a report reads only the span it shows: the updates from the start
// of the cycle, or of the first month its progress over time shows if
// that is later, to the moment it reports (asOf). Each target's
// updates are folded into what the report shows of them as they are
// read (its latest, and its progress at each month's end), and then
// dropped: the report holds a few numbers a target, not its history. A
// target with no update in the span costs one read of its own history,
// and only when the span leaves out something it shows: an update of
// the cycle from before the span (a cycle longer than the months shown),
// or, for a past cycle, the values it stood at when the cycle closed,
// which its first update after the close holds.

// state is a target as it stood at a moment, and its latest update up to
// then.
type state struct {
	progress int
	status   framework.Status
	latest   *framework.Update
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

// history is what a report keeps of the updates in its span.
type history struct {
	cy cycle
	// since is where the span starts (exclusive); the span ends at the
	// cycle's asOf.
	since time.Time
	// months are the months progress over time may show: the last
	// maxMonths to asOf. A report shows those from the cycle's start.
	months []month
	// first is the time of the oldest update read, zero for none.
	first  time.Time
	tracks map[string]*track
}

// track is one target's updates, folded.
type track struct {
	latest *framework.Update // the newest in the span, nil for none
	seen   bool              // an update was read
	cur    int               // the progress after the newest read
	// vals is the progress at the end of each of the history's months,
	// filled up to j as the target's updates arrive oldest first.
	vals []int
	j    int
	// after is the first update after the span's end, read for a past
	// cycle's target with none in it (nil when there is none).
	after *framework.Update
}

// newHistory sets out the span of cy to read in loc.
func newHistory(cy cycle, loc *time.Location) *history {
	h := &history{cy: cy, tracks: map[string]*track{}}
	end := cy.asOf.In(loc)
	from := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, 1-maxMonths, 0)
	h.months = monthsFrom(from, cy.asOf, loc)
	// The first cycle holds everything before it; a later one starts
	// where it began; neither shows a month before the first of months.
	h.since = from
	if !cy.first && cy.started.After(from) {
		h.since = cy.started
	}
	h.since = h.since.Add(-time.Nanosecond)
	return h
}

// read folds in the span's updates, a batch at a time.
func (h *history) read(ctx context.Context, src Source, ws string) error {
	return src.EachUpdate(ctx, ws, h.since, h.cy.asOf, func(us []framework.Update) error {
		for i := range us {
			h.add(&us[i])
		}
		return nil
	})
}

// add folds in u, which comes after every update of its target added
// before it.
func (h *history) add(u *framework.Update) {
	if h.first.IsZero() || u.Time.Before(h.first) {
		h.first = u.Time
	}
	tr := h.tracks[u.Target]
	if tr == nil {
		tr = &track{vals: make([]int, len(h.months))}
		h.tracks[u.Target] = tr
	}
	before := tr.cur
	if !tr.seen {
		before = u.PrevProgress
	}
	for ; tr.j < len(h.months) && h.months[tr.j].at.Before(u.Time); tr.j++ {
		tr.vals[tr.j] = before
	}
	tr.seen, tr.cur = true, u.Progress
	if !u.Time.After(h.cy.asOf) {
		v := *u
		tr.latest = &v
	}
}

// older reads, for each target of ts the span leaves something out of,
// its own history: its latest update of the cycle from before the span,
// and for a past cycle its first update after the close. Such targets
// are those with no update in the span but one outside it (last year's
// report of a target updated only since); their histories are read
// olderReads at a time, so that a report of many waits for the slowest
// few, not for each in turn.
func (h *history) older(ctx context.Context, src Source, ws string, ts []framework.Target) error {
	spanStart := time.Time{}
	if !h.cy.first {
		spanStart = h.cy.started
	}
	var need []*framework.Target
	for i := range ts {
		t := &ts[i]
		tr := h.tracks[t.Ref()]
		if tr != nil && tr.latest != nil || t.UpdatedAt.IsZero() {
			continue
		}
		before := h.since.After(spanStart) && t.UpdatedAt.After(spanStart)
		after := !h.cy.current && t.UpdatedAt.After(h.cy.asOf)
		if before || after {
			need = append(need, t)
		}
	}
	read := make([][]framework.Update, len(need))
	errs := make([]error, len(need))
	sem := make(chan struct{}, olderReads)
	var wg sync.WaitGroup
	for i, t := range need {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			read[i], errs[i] = src.Updates(ctx, ws, t.Ref(), 0)
			if framework.ErrorCode(errs[i]) == framework.ENOTFOUND {
				errs[i] = nil
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for i, t := range need {
		tr := h.tracks[t.Ref()]
		if tr == nil {
			tr = &track{vals: make([]int, len(h.months))}
			h.tracks[t.Ref()] = tr
		}
		// Newest first: the first in force to asOf is the latest, and the
		// last after asOf the first after it.
		for k := range read[i] {
			u := read[i][k]
			switch {
			case u.Withdrawn:
			case u.Time.After(h.cy.asOf):
				tr.after = &u
			case tr.latest == nil && !u.Time.Before(spanStart):
				tr.latest = &u
				if h.first.IsZero() || u.Time.Before(h.first) {
					h.first = u.Time
				}
			}
		}
	}
	return nil
}

// olderReads is how many targets' histories older reads at once.
const olderReads = 8

// state is t as it stood at asOf. With replay unset the stored status
// and progress are kept (they are the current cycle's) and only the
// latest update is found.
func (h *history) state(t *framework.Target, replay bool) state {
	st := state{progress: t.Progress, status: t.Status}
	tr := h.tracks[t.Ref()]
	if tr == nil {
		return st
	}
	st.latest = tr.latest
	switch {
	case !replay:
	case tr.latest != nil:
		st.progress, st.status = tr.latest.Progress, orNotStarted(tr.latest.Status)
	case tr.after != nil:
		// The first update after asOf, with none before it in the
		// cycle: the target stood at this update's "before".
		st.progress, st.status = tr.after.PrevProgress, orNotStarted(tr.after.PrevStatus)
	}
	return st
}

func orNotStarted(s framework.Status) framework.Status {
	if s == "" {
		return framework.NotStarted
	}
	return s
}

// shown lists the months of the cycle in loc that progress over time
// shows, from the month it began to the month of asOf, at most
// maxMonths: the last of h.months. The first cycle holds everything
// before it, so it begins at its first update if that is earlier. It
// returns their offset in h.months too.
func (h *history) shown(loc *time.Location) ([]month, int) {
	cy := h.cy
	from := cy.started
	if cy.first && !h.first.IsZero() && (from.IsZero() || h.first.Before(from)) {
		from = h.first
	}
	if from.IsZero() || from.After(cy.asOf) {
		from = cy.asOf
	}
	ms := monthsFrom(from, cy.asOf, loc)
	if len(ms) > maxMonths {
		ms = ms[len(ms)-maxMonths:]
	}
	return ms, len(h.months) - len(ms)
}

// monthsFrom lists the months in loc from the month of from to the month
// of asOf.
func monthsFrom(from, asOf time.Time, loc *time.Location) []month {
	f, end := from.In(loc), asOf.In(loc)
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
// over the live targets that existed then: a target stands at its first
// update's "before" until it, takes each update's progress as it comes,
// and one with no update read stands where state puts it. Its cost is
// one pass over the targets per month.
func (h *history) progressSeries(live []framework.Target, loc *time.Location) map[string][]Point {
	ms, off := h.shown(loc)
	out := map[string][]Point{}
	for j, m := range ms {
		sums, counts := map[string]int{}, map[string]int{}
		var order []string
		for i := range live {
			o := live[i].Objective
			if _, ok := counts[o]; !ok {
				order = append(order, o)
				counts[o] = 0
			}
			if c := live[i].CreatedAt; c.IsZero() || !c.After(m.at) {
				sums[o] += h.progressAt(&live[i], off+j)
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

// progressAt is t's progress at the end of h.months[j].
func (h *history) progressAt(t *framework.Target, j int) int {
	tr := h.tracks[t.Ref()]
	switch {
	case tr == nil:
		return t.Progress
	case tr.seen && j < tr.j:
		return tr.vals[j]
	case tr.seen:
		return tr.cur
	case tr.latest != nil:
		return tr.latest.Progress
	case tr.after != nil:
		return tr.after.PrevProgress
	}
	return t.Progress
}
