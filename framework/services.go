package framework

import (
	"fmt"
	"slices"
	"strings"
)

// Services declares the objectives a framework grades per service, and
// how the services' grades make the target's: EDS 2022 grades domain 1
// for each of about three services and takes the median per outcome.
// Services are a layer under the targets, never extra targets: a target
// counts once in the score, whatever the number of its services.
type Services struct {
	// Objectives are the codes of the objectives graded per service.
	Objectives []string `yaml:"objectives" json:"objectives"`
	// Aggregate is how the services' grades make the target's grade;
	// AggregateMedian is the only one.
	Aggregate string `yaml:"aggregate" json:"aggregate"`
}

// AggregateMedian takes the median of the services' grades, the lower
// of the two middle grades when their number is even (see MedianGrade).
const AggregateMedian = "median"

// PerService reports whether the grading grades the objective with this
// code per service.
func (g *Grading) PerService(objective string) bool {
	if g == nil || g.Services == nil {
		return false
	}
	return slices.ContainsFunc(g.Services.Objectives, func(o string) bool { return strings.EqualFold(o, objective) })
}

// ServiceGrade is a target's grade from its services' grades, by the
// grading's aggregate.
func (g *Grading) ServiceGrade(grades []Rating) Rating {
	return MedianGrade(grades)
}

// MedianGrade is the median of the grades, in the order of Ratings, and
// the lower of the two middle grades when their number is even, so that
// a tie never rounds a grade up. Unrated grades (services not graded
// yet) are left out; with none graded it is Unrated.
func MedianGrade(grades []Rating) Rating {
	var rank []int
	for _, r := range grades {
		if i := slices.Index(Ratings, r); i >= 0 {
			rank = append(rank, i)
		}
	}
	if len(rank) == 0 {
		return Unrated
	}
	slices.Sort(rank)
	return Ratings[rank[(len(rank)-1)/2]]
}

// validate checks the services name objectives of f, each once, and an
// aggregate targetbot knows. The path it returns is under
// "grading.services".
func (s *Services) validate(f *Framework) (path string, err error) {
	if s.Aggregate != AggregateMedian {
		return ".aggregate", fmt.Errorf("aggregate %q is not one targetbot knows: use %s", s.Aggregate, AggregateMedian)
	}
	if len(s.Objectives) == 0 {
		return ".objectives", fmt.Errorf("name at least one %s graded per service", f.ObjectiveLabel())
	}
	seen := map[string]bool{}
	for i, code := range s.Objectives {
		at := fmt.Sprintf(".objectives[%d]", i)
		if _, ok := f.Objective(code); !ok {
			return at, fmt.Errorf("services name %s %q, which the framework does not have", f.ObjectiveLabel(), code)
		}
		if seen[strings.ToLower(code)] {
			return at, fmt.Errorf("services name %s %s twice: name it once", f.ObjectiveLabel(), code)
		}
		seen[strings.ToLower(code)] = true
	}
	return "", nil
}
