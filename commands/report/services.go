package report

import (
	"context"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// ServiceGrade is one service's grade of a target whose objective the
// framework grades per service (EDS 2022's domain 1): the target's own
// Grade is the median of these.
type ServiceGrade struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Grade is the service's grade in the cycle reported, "unrated" for
	// none.
	Grade string `json:"grade"`
}

// readServices reads the workspace's services and their grades when a
// framework reported grades some objective per service: one read, and
// none for a report on frameworks that do not.
func readServices(ctx context.Context, src Source, ws string, defs []*framework.Framework) (*framework.ServiceBook, error) {
	if !slices.ContainsFunc(defs, func(d *framework.Framework) bool { return d.Grading != nil && d.Grading.Services != nil }) {
		return nil, nil
	}
	raw, err := src.Entries(ctx, ws, store.EntryKind(framework.ServiceEntries))
	if err != nil {
		return nil, err
	}
	b := framework.ServicesOf(raw)
	return &b, nil
}

// serviceGrades are t's grades per service in the cycle, in the order of
// the framework's services; empty when t's objective is not graded per
// service or no service is declared.
func serviceGrades(def *framework.Framework, t *framework.Target, book *framework.ServiceBook, cy cycle) []ServiceGrade {
	out := []ServiceGrade{}
	if book == nil || !def.Grading.PerService(t.Objective) {
		return out
	}
	ds, grades := book.Grades(def.ID, t.Ref(), cy.name)
	for i, d := range ds {
		out = append(out, ServiceGrade{Code: d.Code, Name: d.Name, Grade: grades[i].String()})
	}
	return out
}

// perService reports whether any of ts has grades per service: a table
// of them then has a column for them.
func perService(ts []Target) bool {
	return slices.ContainsFunc(ts, func(t Target) bool { return len(t.Services) > 0 })
}

// serviceGradesText is a target's grades per service in one line, by
// code, each grade as word gives it: "ae: achieving, mh: developing, op:
// unrated" with the tokens; "" for none.
func serviceGradesText(t *Target, word func(string) string) string {
	parts := make([]string, len(t.Services))
	for i, s := range t.Services {
		parts[i] = s.Code + ": " + word(s.Grade)
	}
	return strings.Join(parts, ", ")
}

// serviceRatingsText is the same for the EDS summary, by name: "Accident
// and emergency: Achieving; Outpatients: Unrated".
func serviceRatingsText(t *Target) string {
	parts := make([]string, len(t.Services))
	for i, s := range t.Services {
		parts[i] = oneLine(s.Name) + ": " + capital(s.Grade)
	}
	return strings.Join(parts, "; ")
}

// asToken leaves a grade as its token, as Markdown, CSV, JSON and xlsx
// give it.
func asToken(g string) string { return g }
