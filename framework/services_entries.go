package framework

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// ServiceEntries is the kind of store entry that holds a workspace's
// services and their grades (store.EntryKind(ServiceEntries)): commands
// writes them, reports read them. The keys say what each entry is:
//
//	def|<framework>|<code>           a declared service: Service as JSON
//	grade|<cycle>|<target>|<code>    the service's grade of the target in
//	                                 the grading cycle: a Rating
//
// A grade belongs to its cycle, as a target's does: a new cycle starts
// its services ungraded, and a past cycle's report gives its own. The
// release before kept grades without their cycle, as
//
//	grade|<target>|<code>
//
// and each counted in every cycle; such a grade still counts in any
// cycle that has none of its own for that service (Grades), so that an
// upgrade changes no outcome's grade, until the service is graded again.
const ServiceEntries = "service"

// Service is one service a framework's objectives are graded per.
type Service struct {
	Code string    `json:"code"`
	Name string    `json:"name"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// ServiceDefKey is the key of framework fw's service code.
func ServiceDefKey(fw, code string) string { return "def|" + fw + "|" + strings.ToLower(code) }

// ServiceGradeKey is the key of service code's grade of target ref in
// cycle.
func ServiceGradeKey(cycle, ref, code string) string {
	return "grade|" + cycle + "|" + ref + "|" + strings.ToLower(code)
}

// undatedGradeKey is the key the release before kept service code's
// grade of target ref under, in no cycle.
func undatedGradeKey(ref, code string) string { return "grade|" + ref + "|" + strings.ToLower(code) }

// ServiceBook is a workspace's services and their grades, as read from
// its ServiceEntries.
type ServiceBook struct {
	// Defs are the declared services by framework id, sorted by code.
	Defs    map[string][]Service
	entries map[string]string
}

// ServicesOf reads a workspace's service entries. A definition that does
// not decode is left out.
func ServicesOf(entries map[string]string) ServiceBook {
	b := ServiceBook{Defs: map[string][]Service{}, entries: entries}
	for k, v := range entries {
		parts := strings.Split(k, "|")
		var d Service
		if parts[0] == "def" && len(parts) == 3 && json.Unmarshal([]byte(v), &d) == nil {
			b.Defs[parts[1]] = append(b.Defs[parts[1]], d)
		}
	}
	for _, ds := range b.Defs {
		slices.SortFunc(ds, func(a, b Service) int { return strings.Compare(a.Code, b.Code) })
	}
	return b
}

// Grades are target ref's grades in cycle, one per service of its
// framework fw in Defs' order: Unrated where a service has none.
func (b ServiceBook) Grades(fw, ref, cycle string) ([]Service, []Rating) {
	ds := b.Defs[fw]
	out := make([]Rating, len(ds))
	for i, d := range ds {
		g, ok := b.entries[ServiceGradeKey(cycle, ref, d.Code)]
		if !ok {
			g = b.entries[undatedGradeKey(ref, d.Code)]
		}
		out[i] = Rating(g)
	}
	return ds, out
}

// Known reports whether framework fw has declared service code.
func (b ServiceBook) Known(fw, code string) bool {
	_, ok := b.entries[ServiceDefKey(fw, code)]
	return ok
}
