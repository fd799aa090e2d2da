package report

import (
	"context"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Template is how a report is laid out.
type Template string

// The templates.
const (
	// DefaultTemplate is the full report: every framework, objective by
	// objective, with updates, evidence and progress over time.
	DefaultTemplate Template = ""
	// SummaryTemplate is NHS England's EDS 2022 summary report: the
	// organisation's profile, the cycle's dates and record, the rating
	// and score card, each domain's outcomes with their evidence,
	// ratings and owners, third-party involvement, and the
	// organisation's rating beside last cycle's.
	SummaryTemplate Template = "summary"
)

// Templates lists the templates by name, the default as "default".
var Templates = []string{"default", string(SummaryTemplate)}

// ParseTemplate reads a template name, ignoring case: "default" and ""
// are the default. It returns an *Error (UnknownTemplate) for any other.
func ParseTemplate(s string) (Template, error) {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "", "default":
		return DefaultTemplate, nil
	case string(SummaryTemplate):
		return SummaryTemplate, nil
	}
	return "", &Error{Problem: UnknownTemplate, Subject: s, Known: slices.Clone(Templates)}
}

// entryReader is the store's Entries role as far as a report reads it:
// a store without it gives a summary with an empty record.
type entryReader interface {
	Entries(ctx context.Context, ws string, kind store.EntryKind) (map[string]string, error)
}

// gradedOnly keeps the frameworks with grading. When none of defs has
// any, it is NotGraded about the first, naming the graded frameworks the
// workspace has imported.
func gradedOnly(w *framework.Workspace, defs, offered []*framework.Framework) ([]*framework.Framework, error) {
	var out []*framework.Framework
	for _, d := range defs {
		if d.Grading != nil {
			out = append(out, d)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	var known []string
	for _, id := range w.Frameworks {
		if i := slices.IndexFunc(offered, func(f *framework.Framework) bool { return f.ID == id }); i >= 0 && offered[i].Grading != nil {
			known = append(known, id)
		}
	}
	subject := ""
	if len(defs) > 0 {
		subject = defs[0].ID
	}
	return nil, &Error{Problem: NotGraded, Subject: subject, Known: known}
}

// readPublication reads the organisation's profile, the cycle's record
// and the people's names, side by side.
func readPublication(ctx context.Context, src Source, ws, cycle string) (*Publication, error) {
	p := &Publication{People: map[string]framework.Person{}}
	p.Record, _ = store.DecodeCycleRecord(cycle, "")
	es, ok := src.(entryReader)
	if !ok {
		return p, nil
	}
	kinds := []store.EntryKind{store.EntryOrg, store.EntryCycle, store.EntryPerson}
	got := make([]map[string]string, len(kinds))
	errs := make(chan error, len(kinds))
	for i, k := range kinds {
		go func() {
			var err error
			got[i], err = es.Entries(ctx, ws, k)
			errs <- err
		}()
	}
	var err error
	for range kinds {
		if e := <-errs; err == nil {
			err = e
		}
	}
	if err != nil {
		return nil, err
	}
	if p.Organisation, err = store.DecodeOrganisation(got[0][store.OrgKey]); err != nil {
		return nil, err
	}
	if p.Record, err = store.DecodeCycleRecord(cycle, got[1][cycle]); err != nil {
		return nil, err
	}
	if p.People, err = store.DecodePeople(got[2]); err != nil {
		return nil, err
	}
	return p, nil
}
