package report

import (
	"bufio"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Action is one row of a framework's action plan: an action under one
// of its targets (framework.Action), never scored.
type Action struct {
	// Ref is the action's reference, <target>#<n>.
	Ref string `json:"ref"`
	// Objective is the domain's reference and Target the outcome's.
	Objective   string `json:"objective"`
	Target      string `json:"target"`
	TargetTitle string `json:"target_title"`
	// LinkedObjective is the target of another framework the action is
	// linked to (an equality objective), "" for none.
	LinkedObjective string `json:"linked_objective"`
	Title           string `json:"action"`
	Owner           string `json:"owner"`
	OwnerName       string `json:"owner_name"`
	// Due is YYYY-MM-DD, "" for none.
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
	// Status is not-started, on-track, at-risk, off-track, done or
	// dropped; Progress the latest progress given, nil when none.
	Status   string `json:"status"`
	Progress *int   `json:"progress"`
	// Closed is the day the action was done or dropped, "" while open.
	Closed string `json:"closed"`
	Note   string `json:"note"`
}

// actionPlan is the action plan of a framework's targets (ts, by ref),
// in target then number order. Actions added after a past cycle closed
// are left out.
func actionPlan(ts []framework.Target, acts []framework.Action, people framework.People, cy cycle, loc *time.Location) []Action {
	byRef := make(map[string]*framework.Target, len(ts))
	for i := range ts {
		byRef[ts[i].Ref()] = &ts[i]
	}
	today := framework.DateOf(cy.asOf, loc)
	out := []Action{}
	for i := range acts {
		a := &acts[i]
		t := byRef[a.Target]
		if t == nil || !cy.current && !a.Created.IsZero() && a.Created.After(cy.asOf) {
			continue
		}
		row := Action{
			Ref: a.Ref(), Objective: framework.Ref(t.Framework, t.Objective), Target: a.Target, TargetTitle: t.Title,
			LinkedObjective: a.Objective, Title: a.Title, Owner: a.Owner, OwnerName: people.Label(a.Owner),
			Due: string(a.Due), Overdue: a.Overdue(today), Status: string(a.State()), Closed: string(a.Closed), Note: a.Note,
		}
		if a.Progress != framework.Unchanged {
			p := a.Progress
			row.Progress = &p
		}
		out = append(out, row)
	}
	return out
}

// CompletedIn lists the actions of r's frameworks done on a day from
// start to end: "completed in the previous cycle" for a summary.
func (r *Report) CompletedIn(start, end framework.Date) []Action {
	var out []Action
	for _, s := range r.Frameworks {
		for _, a := range s.Actions {
			if a.Status == string(framework.ActionDone) && a.Closed != "" && a.Closed >= string(start) && a.Closed <= string(end) {
				out = append(out, a)
			}
		}
	}
	return out
}

// actionCSV is an action's CSV row, in CSVHeader's columns: the action's
// reference, title, owner, status, progress and due date where a target
// has its own, and the target it moves and its link in the last two.
func actionCSV(s *Section, cycle string, a *Action) []string {
	rec := make([]string, len(CSVHeader))
	set := func(column, v string) {
		if i := slices.Index(CSVHeader, column); i >= 0 {
			rec[i] = v
		}
	}
	set("framework", s.ID)
	set("cycle", cycle)
	set("objective", a.Objective)
	set("ref", a.Ref)
	set("title", a.Title)
	set("owner", a.Owner)
	set("owner_name", a.OwnerName)
	set("status", a.Status)
	if a.Progress != nil {
		set("progress", strconv.Itoa(*a.Progress))
	}
	set("due", a.Due)
	set("overdue", yesNo(a.Overdue))
	set("latest_note", a.Note)
	set("archived", "no")
	set("action_of", a.Target)
	set("linked_objective", a.LinkedObjective)
	return rec
}

// actionDue is an action's due date, flagged when overdue, or "–".
func actionDue(a Action) string {
	switch {
	case a.Due == "":
		return "–"
	case a.Overdue:
		return a.Due + " (overdue)"
	}
	return a.Due
}

// actionStatus is an action's status, as word gives it, with its
// progress, or the day it closed.
func actionStatus(a Action, word func(string) string) string {
	s := word(a.Status)
	if a.Progress != nil && a.Closed == "" {
		s += " " + strconv.Itoa(*a.Progress) + "%"
	}
	if a.Closed != "" {
		s += " on " + a.Closed
	}
	return s
}

// actionsMarkdown is a framework's action plan as a Markdown table.
func actionsMarkdown(b *bufio.Writer, s *Section) {
	if len(s.Actions) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### Action plan\n\nActions are never scored, and never change a %s's progress.\n\n", s.TargetLabel)
	fmt.Fprintf(b, "| %s | %s | Linked objective | Action | Owner | Due | Status |\n|---|---|---|---|---|---|---|\n", capital(s.ObjectiveLabel), capital(s.TargetLabel))
	for _, a := range s.Actions {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(a.Objective), md(a.Target+" "+a.TargetTitle), md(a.LinkedObjective),
			md(a.Ref+" "+a.Title), md(person(a.Owner, a.OwnerName)), actionDue(a), md(actionStatus(a, asToken)))
	}
}
