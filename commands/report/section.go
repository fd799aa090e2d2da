package report

import (
	"strings"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// section reports on one framework: its objectives in the framework's
// order (then any objective only the workspace's targets name), each
// with its live targets; its totals; and its archived targets apart.
// Every figure is as the targets stood at the cycle's asOf.
func section(def *framework.Framework, in input, cy cycle, loc *time.Location, summary bool) Section {
	var mine []framework.Target
	for _, t := range in.targets {
		// A past cycle's report leaves out targets added after it closed.
		if t.Framework == def.ID && (cy.current || t.CreatedAt.IsZero() || !t.CreatedAt.After(cy.asOf)) {
			mine = append(mine, t)
		}
	}
	framework.SortTargets(mine)
	// The targets as they stood at asOf: a past cycle's statuses and
	// progress are replayed from the updates; the current cycle's are the
	// stored ones.
	states := make(map[string]state, len(mine))
	at := make([]framework.Target, len(mine))
	for i, t := range mine {
		st := in.history.state(&t, !cy.current)
		states[t.Ref()] = st
		t.Status, t.Progress = st.status, st.progress
		at[i] = t
	}
	s := Section{
		ID: def.ID, Name: def.Name, Description: strings.Join(strings.Fields(def.Description), " "),
		ObjectiveLabel: def.ObjectiveLabel(), TargetLabel: def.TargetLabel(),
		Objectives: []Objective{}, Archived: []Target{}, ScoreCard: scoreCard(def.Grading),
		Actions: actionPlan(mine, in.actions, in.people, cy, loc),
	}
	row := func(t *framework.Target) Target {
		return targetRow(def, t, states[t.Ref()], in, cy, loc)
	}
	var series map[string][]Point
	if !summary {
		series = in.history.progressSeries(framework.Live(at), loc)
	}
	for _, code := range objectiveCodes(def, at) {
		o := Objective{Ref: framework.Ref(def.ID, code), Code: code, Targets: []Target{}, Progress: series[code]}
		if o.Progress == nil {
			o.Progress = []Point{}
		}
		if d, ok := def.Objective(code); ok {
			o.Title, o.Narrative = d.Title, strings.Join(strings.Fields(d.Text), " ")
		}
		var live []framework.Target
		for i := range at {
			if at[i].Objective == code && !at[i].Archived {
				live = append(live, at[i])
				o.Targets = append(o.Targets, row(&at[i]))
			}
		}
		o.Rollup = rollup(live, cy.asOf, loc)
		if def.Grading != nil {
			sc := score(def, at, cy.name, !cy.current, code)
			sc.Band = ""
			o.Score = &sc
			if cy.previous != "" {
				prev := score(def, at, cy.previous, true, code)
				prev.Band = ""
				o.PreviousScore = &prev
			}
		}
		s.Objectives = append(s.Objectives, o)
	}
	live := framework.Live(at)
	s.Totals = Totals{Rollup: rollup(live, cy.asOf, loc), ByGrade: gradeCounts(live, cy)}
	if def.Grading != nil {
		sc := score(def, at, cy.name, !cy.current, "")
		s.Totals.Score = &sc
		if cy.previous != "" {
			prev := score(def, at, cy.previous, true, "")
			s.Totals.PreviousScore = &prev
		}
	}
	for i := range at {
		if at[i].Archived {
			s.Archived = append(s.Archived, row(&at[i]))
		}
	}
	s.Metrics = sectionMetrics(def, in.metrics, at, loc)
	return s
}

// objectiveCodes lists the framework's objectives in its own order,
// then those only the workspace's targets name, in code order.
func objectiveCodes(def *framework.Framework, ts []framework.Target) []string {
	var codes []string
	seen := map[string]bool{}
	for _, o := range def.Objectives {
		codes = append(codes, o.Code)
		seen[o.Code] = true
	}
	var extra []string
	for _, t := range ts {
		if !seen[t.Objective] {
			seen[t.Objective] = true
			extra = append(extra, t.Objective)
		}
	}
	sortCodes(extra)
	return append(codes, extra...)
}

func sortCodes(codes []string) {
	for i := 1; i < len(codes); i++ {
		for j := i; j > 0 && framework.CompareCodes(codes[j], codes[j-1]) < 0; j-- {
			codes[j], codes[j-1] = codes[j-1], codes[j]
		}
	}
}

// targetRow is one target as the report shows it.
func targetRow(def *framework.Framework, t *framework.Target, st state, in input, cy cycle, loc *time.Location) Target {
	r := Target{
		Ref: t.Ref(), Framework: t.Framework, Objective: t.Objective, Code: t.Code, Title: t.Title, Custom: t.Custom,
		Owner: t.Owner, OwnerName: in.people.Label(t.Owner), Status: string(t.Status), Progress: t.Progress, Due: string(t.Due),
		Overdue: framework.Overdue(t, cy.asOf, loc), Archived: t.Archived, Evidence: []Evidence{},
		Services: serviceGrades(def, t, in.services, cy),
	}
	g := grade(t, cy)
	r.Grade = g.String()
	r.Local = def.Local(t)
	if def.Grading != nil && g != framework.Unrated && !r.Local {
		n := def.Grading.Scores[g]
		r.Score = &n
	}
	if e, ok := in.notes[t.Ref()]; ok && g != framework.Unrated {
		at := e.Time.In(loc)
		r.GradeReason, r.GradedBy, r.GradedAt = e.Reason, e.Author, &at
		// A closed cycle's grade given after it closed was entered later,
		// from its published report.
		r.EnteredLater = !cy.current && !cy.asOf.IsZero() && e.Time.After(cy.asOf)
	}
	if cy.previous != "" {
		pg := t.Grades[cy.previous]
		r.PreviousGrade = pg.String()
		if def.Grading != nil && pg != framework.Unrated && !r.Local {
			n := def.Grading.Scores[pg]
			r.PreviousScore = &n
		}
	}
	if u := st.latest; u != nil {
		r.LatestUpdate = &Update{Time: u.Time.In(loc), Author: u.Author, AuthorName: in.people.Label(u.Author), Progress: u.Progress, Status: string(u.Status), Note: u.Note}
	}
	for _, ev := range in.evidence[t.Ref()] {
		// Evidence attached after a past cycle closed is not its evidence.
		if !ev.Time.After(cy.asOf) {
			r.Evidence = append(r.Evidence, Evidence{URL: ev.URL, Title: ev.Title, Author: ev.Author, AuthorName: in.people.Label(ev.Author), Time: ev.Time.In(loc)})
		}
	}
	return r
}

// grade is t's grade in the cycle: its Rating in the current cycle, its
// kept grade in a past one.
func grade(t *framework.Target, cy cycle) framework.Rating {
	if cy.current {
		return t.Rating
	}
	return t.Grades[cy.name]
}

// score is the framework's score in the cycle named, closed or the
// current one, of one objective or "" for all: ts holds every target,
// archived ones included, because the band waits for archived targets
// as for ungraded ones.
func score(def *framework.Framework, ts []framework.Target, name string, closed bool, objective string) Score {
	in := framework.Scope{Objective: objective}
	if closed {
		in.Cycle = name
	}
	sc := def.Score(ts, in)
	return Score{Sum: sc.Sum, Max: sc.Max, Graded: sc.Graded, Ungraded: sc.Ungraded, Archived: sc.Archived, Local: sc.Local,
		Provisional: sc.Provisional, Band: string(sc.Band)}
}

// rollup takes live targets together: how many, their mean progress
// and the status they add up to by framework.Rollup's rule, the count at
// every status (zeros included, in display order), and how many are
// overdue at asOf.
func rollup(live []framework.Target, asOf time.Time, loc *time.Location) Rollup {
	fr := framework.Rollup{ByStatus: map[framework.Status]int{}}
	sum, overdue := 0, 0
	for i := range live {
		fr.Targets++
		fr.ByStatus[live[i].Status]++
		sum += live[i].Progress
		if framework.Overdue(&live[i], asOf, loc) {
			overdue++
		}
	}
	if fr.Targets > 0 {
		fr.Progress = (sum*2 + fr.Targets) / (fr.Targets * 2)
	}
	r := Rollup{Targets: fr.Targets, Progress: fr.Progress, Status: string(fr.Status()), ByStatus: []Count{}, Overdue: overdue}
	for _, st := range framework.Statuses {
		r.ByStatus = append(r.ByStatus, Count{Name: string(st), Count: fr.ByStatus[st]})
	}
	return r
}

// gradeCounts counts live targets at each grade in the cycle, lowest
// first, then unrated.
func gradeCounts(live []framework.Target, cy cycle) []Count {
	by := map[framework.Rating]int{}
	for i := range live {
		by[grade(&live[i], cy)]++
	}
	out := make([]Count, 0, len(framework.Ratings)+1)
	for _, r := range append(append([]framework.Rating(nil), framework.Ratings...), framework.Unrated) {
		out = append(out, Count{Name: r.String(), Count: by[r]})
	}
	return out
}

// scoreCard lays out a grading grade by grade, lowest first.
func scoreCard(g *framework.Grading) []CardRow {
	out := []CardRow{}
	if g == nil {
		return out
	}
	for _, r := range framework.Ratings {
		n, ok := g.Scores[r]
		if !ok {
			continue
		}
		row := CardRow{Rating: string(r), Score: n}
		from := 0
		for _, b := range g.Bands {
			if b.Rating == r && b.Below > from {
				f, t := from, b.Below-1
				row.From, row.To = &f, &t
			}
			from = max(from, b.Below)
		}
		out = append(out, row)
	}
	return out
}
