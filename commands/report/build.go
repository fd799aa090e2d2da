package report

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Source is the slice of the store a report reads: the workspace, its
// targets, its updates over a span, its evidence and the names of its
// people (its store.EntryPerson entries), each in a number of round
// trips that does not grow with how many there are.
type Source interface {
	Workspace(ctx context.Context, ws string) (framework.Workspace, error)
	Targets(ctx context.Context, ws string) ([]framework.Target, error)
	// EachUpdate hands over the updates of a span a batch at a time,
	// each target's oldest first: a report folds them in as they come.
	EachUpdate(ctx context.Context, ws string, since, until time.Time, fn func([]framework.Update) error) error
	// Updates is one target's history, newest first: read for a target
	// with no update in the span when the span leaves out what it shows.
	Updates(ctx context.Context, ws, ref string, n int) ([]framework.Update, error)
	Evidence(ctx context.Context, ws, ref string) ([]framework.Evidence, error)
	Entries(ctx context.Context, ws string, kind store.EntryKind) (map[string]string, error)
	// RecentEvents is the newest events of each target named, newest
	// first: the rate events that give each grade its reason, author
	// and time.
	RecentEvents(ctx context.Context, ws string, refs []string, limit int) (map[string][]framework.Event, error)
}

// Request names a report: a workspace, some of its frameworks, a cycle.
type Request struct {
	Workspace string
	// Frameworks are framework ids, matched ignoring case; none means
	// every framework the workspace has imported.
	Frameworks []string
	// Cycle names a grading cycle; "" means the current one.
	Cycle string
	// Template is how the report is laid out: the default, or the EDS
	// summary (SummaryTemplate), which reports the graded frameworks
	// only and adds the organisation's profile and the cycle's record.
	Template Template
	// Summary asks for the counts and scores alone: it leaves out the
	// evidence, latest updates and progress over time, and skips the
	// reads behind them where it can.
	Summary bool
}

// Options are what Build needs besides the store.
type Options struct {
	// Frameworks are the offered frameworks' definitions: names,
	// narratives, labels and grading.
	Frameworks []*framework.Framework
	// Location is the time zone of workspaces that set none; nil is UTC.
	Location *time.Location
	// Now is when the report is made.
	Now time.Time
	// Generator names what made the report, such as "targetbot v1.4.0".
	Generator string
}

// Build reads what a report needs and puts it together. Its reads are
// the workspace, then its targets, the updates of the cycle's span and
// all its evidence, side by side, then the graded targets' newest
// events: a fixed number of round trips however many targets, updates
// and links there are. It returns an
// *Error when the request names a workspace, framework or cycle that
// does not exist, and the store's own errors as they are.
func Build(ctx context.Context, src Source, req Request, opts Options) (*Report, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	w, err := src.Workspace(ctx, req.Workspace)
	if err != nil {
		return nil, err
	}
	switch {
	case len(w.Frameworks) == 0 && empty(&w):
		return nil, &Error{Problem: UnknownWorkspace, Subject: req.Workspace}
	case len(w.Frameworks) == 0:
		return nil, &Error{Problem: NothingImported, Subject: req.Workspace}
	}
	defs, err := resolveFrameworks(&w, req.Frameworks, opts.Frameworks)
	if err != nil {
		return nil, err
	}
	if req.Template == SummaryTemplate {
		if defs, err = gradedOnly(&w, defs, opts.Frameworks); err != nil {
			return nil, err
		}
	}
	cy, err := resolveCycle(&w, req.Cycle, opts.Now)
	if err != nil {
		return nil, err
	}
	loc := w.Location(opts.Location)
	in, err := read(ctx, src, req.Workspace, cy, loc, !req.Summary || !cy.current, !req.Summary, definesMetrics(defs))
	if err != nil {
		return nil, err
	}
	if !req.Summary {
		if in.services, err = readServices(ctx, src, req.Workspace, defs); err != nil {
			return nil, err
		}
		var mine []framework.Target
		for _, t := range in.targets {
			if slices.ContainsFunc(defs, func(d *framework.Framework) bool { return d.ID == t.Framework }) {
				mine = append(mine, t)
			}
		}
		if in.notes, err = gradeNotes(ctx, src, req.Workspace, mine, cy); err != nil {
			return nil, err
		}
	}
	r := &Report{
		Version: FormatVersion, Template: req.Template, Workspace: req.Workspace, Cycle: cy.name, Previous: cy.previous, Current: cy.current,
		From: inZone(cy.started, loc), AsOf: cy.asOf.In(loc), Generated: opts.Now.In(loc), Generator: opts.Generator,
		TimeZone: loc.String(), Frameworks: []Section{},
	}
	if !cy.prevClosed.IsZero() {
		r.prevSpan = [2]framework.Date{framework.DateOf(cy.prevStarted, loc), framework.DateOf(cy.prevClosed, loc)}
	}
	for _, def := range defs {
		s := section(def, in, cy, loc, req.Summary)
		// A past cycle's report on every framework leaves out those
		// imported after it closed; one named is reported, empty.
		if len(req.Frameworks) == 0 && !cy.current && s.Totals.Targets == 0 && len(s.Archived) == 0 {
			continue
		}
		r.Frameworks = append(r.Frameworks, s)
	}
	if req.Template == SummaryTemplate {
		if r.Publication, err = readPublication(ctx, src, req.Workspace, cy.name); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// empty reports whether a workspace has stored nothing: the store gives
// such a workspace back with only its id.
func empty(w *framework.Workspace) bool {
	return w.Timezone == "" && w.ReminderSpec == "" && w.Cycle == "" && w.CycleStarted.IsZero() && len(w.PastCycles) == 0
}

// resolveFrameworks returns the definitions of the frameworks asked
// for, or of every imported one, in the workspace's order. A framework
// imported here but no longer offered gets a definition built from its
// targets, so its record can still be reported.
func resolveFrameworks(w *framework.Workspace, ids []string, offered []*framework.Framework) ([]*framework.Framework, error) {
	find := func(id string) *framework.Framework {
		for _, f := range offered {
			if strings.EqualFold(f.ID, id) {
				return f
			}
		}
		return nil
	}
	if len(ids) == 0 {
		ids = w.Frameworks
	}
	var out []*framework.Framework
	for _, id := range ids {
		id = strings.ToLower(strings.TrimSpace(id))
		f := find(id)
		switch {
		case w.Imported(id) && f == nil:
			f = &framework.Framework{ID: id, Name: id}
		case w.Imported(id):
		case f != nil:
			return nil, &Error{Problem: NotImported, Subject: id, Known: slices.Clone(w.Frameworks)}
		default:
			return nil, &Error{Problem: UnknownFramework, Subject: id, Known: slices.Clone(w.Frameworks)}
		}
		if !slices.ContainsFunc(out, func(g *framework.Framework) bool { return g.ID == f.ID }) {
			out = append(out, f)
		}
	}
	return out, nil
}

// cycle is the grading cycle a report is about.
type cycle struct {
	name, previous string
	current        bool
	// first is true for the workspace's first cycle, which holds
	// everything before it too.
	first bool
	// started is when the cycle began (zero when unknown), asOf the
	// moment reported: now, or when the cycle closed.
	started, asOf time.Time
	// prevStarted and prevClosed bound the previous cycle, whose
	// completed actions the EDS summary lists.
	prevStarted, prevClosed time.Time
}

// resolveCycle finds the cycle named, "" meaning the current one.
func resolveCycle(w *framework.Workspace, name string, now time.Time) (cycle, error) {
	cur := w.CurrentCycle(now)
	if name == "" || name == cur {
		c := cycle{name: cur, current: true, first: len(w.PastCycles) == 0, started: w.CycleStarted, asOf: now}
		if p, ok := w.PreviousCycle(); ok {
			c.previous, c.prevStarted, c.prevClosed = p.Name, p.Started, p.Closed
		}
		return c, nil
	}
	for i, p := range w.PastCycles {
		if p.Name == name {
			c := cycle{name: p.Name, first: i == 0, started: p.Started, asOf: p.Closed}
			if i > 0 {
				prev := w.PastCycles[i-1]
				c.previous, c.prevStarted, c.prevClosed = prev.Name, prev.Started, prev.Closed
			}
			return c, nil
		}
	}
	known := []string{cur}
	for i := len(w.PastCycles) - 1; i >= 0; i-- {
		known = append(known, w.PastCycles[i].Name)
	}
	return cycle{}, &Error{Problem: UnknownCycle, Subject: name, Known: known}
}

// input is what the store gave.
type input struct {
	targets []framework.Target
	// history is the updates of the cycle's span, folded (replay.go);
	// empty when not read.
	history  *history
	evidence map[string][]framework.Evidence
	people   framework.People // nil when not read (a summary names no one)
	// metrics is the workspace's metric book, nil when not read.
	metrics *framework.MetricBook
	// notes are the rate events that gave the cycle's grades, by ref.
	notes   map[string]framework.Event
	actions []framework.Action
	// services are the services and their grades, nil when not read.
	services *framework.ServiceBook
}

// read fetches the targets, and when asked the updates of the cycle's
// span, every target's evidence and the people's names (which only the
// full report shows, with the evidence), and the metric book,
// concurrently.
func read(ctx context.Context, src Source, ws string, cy cycle, loc *time.Location, updates, evidence, metrics bool) (input, error) {
	in := input{history: newHistory(cy, loc)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 4)
	n := 0
	if updates {
		n++
		go func() { errs <- in.history.read(ctx, src, ws) }()
	}
	// Metrics are read beside the rest when a framework reported defines
	// some, and after the targets only when a custom target may have been
	// measured: a report with no metric costs no read of them.
	metricsRead := evidence && metrics
	if metricsRead {
		n++
		go func() {
			var err error
			in.metrics, err = readMetrics(ctx, src, ws)
			errs <- err
		}()
	}
	if evidence {
		n++
		go func() {
			raw, err := src.Entries(ctx, ws, store.EntryPerson)
			in.people = framework.PeopleOf(raw)
			errs <- err
		}()
		n++
		go func() {
			raw, err := src.Entries(ctx, ws, store.EntryKind(framework.ActionEntries))
			in.actions = framework.ActionsOf(raw)
			errs <- err
		}()
		n++
		go func() {
			evs, err := src.Evidence(ctx, ws, "")
			in.evidence = map[string][]framework.Evidence{}
			for _, ev := range evs {
				in.evidence[ev.Target] = append(in.evidence[ev.Target], ev)
			}
			errs <- err
		}()
	}
	ts, err := src.Targets(ctx, ws)
	in.targets = ts
	for range n {
		if e := <-errs; err == nil {
			err = e
		}
	}
	if err == nil && updates {
		err = in.history.older(ctx, src, ws, ts)
	}
	if err == nil && evidence && !metricsRead && slices.ContainsFunc(ts, func(t framework.Target) bool { return t.Custom }) {
		in.metrics, err = readMetrics(ctx, src, ws)
	}
	return in, err
}

func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}
