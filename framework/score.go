package framework

import "strings"

// Score is a framework's overall grade in one workspace, counted over the
// framework's own targets only: the ones its definition declares.
type Score struct {
	// Sum is the total of the graded own targets' scores; Max is what it
	// would be with every own target in scope graded at the top score,
	// whatever is archived or local: 33 for EDS 2022.
	Sum, Max int
	// Graded and Ungraded count the live own targets with and without a
	// grade; a declared target the workspace lacks counts as ungraded.
	Graded, Ungraded int
	// Archived counts the own targets that are archived: they score
	// nothing, and the band waits for them as for an ungraded one.
	Archived int
	// Local counts the live targets the framework does not declare (added
	// with `add`): they are shown apart with their grades and never change
	// the score or its maximum.
	Local int
	// Band is the overall rating of Sum. It is Unrated when nothing is
	// graded yet, or when no band covers Sum.
	Band Rating
	// Provisional reports that Sum may still rise: some own target is
	// ungraded or archived, so the band is not final.
	Provisional bool
}

// Scope narrows a score.
type Scope struct {
	// Cycle names a closed cycle whose kept grades count; "" is the
	// current cycle's grades.
	Cycle string
	// Objective limits the score to one objective's targets, and its
	// maximum to that objective's own targets; "" is the whole framework.
	Objective string
}

// Declares reports whether the framework's definition has a target with
// this code (ignoring case, as commands match codes). A workspace's
// target the definition does not declare is local: added with `add`.
func (f *Framework) Declares(code string) bool {
	_, ok := f.declared()[strings.ToLower(code)]
	return ok
}

// Local reports whether t is a local target of f: one of f's targets
// that f's definition does not declare. Local targets are never scored.
func (f *Framework) Local(t *Target) bool {
	return t.Framework == f.ID && !f.Declares(t.Code)
}

// declared maps the lower-cased code of each target the framework
// declares to its objective's code.
func (f *Framework) declared() map[string]string {
	out := make(map[string]string, f.TargetCount())
	for _, o := range f.Objectives {
		for _, t := range o.Targets {
			out[strings.ToLower(t.Code)] = o.Code
		}
	}
	return out
}

// Score rates ts, the workspace's targets of f, in the scope given. Only
// the targets f's definition declares are scored; local ones are only
// counted. It is the zero Score when f has no grading.
func (f *Framework) Score(ts []Target, in Scope) Score {
	var sc Score
	g := f.Grading
	if g == nil {
		return sc
	}
	grade := func(t *Target) Rating { return t.Rating }
	if in.Cycle != "" {
		grade = func(t *Target) Rating { return t.Grades[in.Cycle] }
	}
	own := map[string]bool{}
	for code, o := range f.declared() {
		if in.Objective == "" || o == in.Objective {
			own[code] = false
		}
	}
	for i := range ts {
		t := &ts[i]
		if t.Framework != f.ID || (in.Objective != "" && t.Objective != in.Objective) {
			continue
		}
		code := strings.ToLower(t.Code)
		seen, declared := own[code]
		switch {
		case !declared:
			if !t.Archived {
				sc.Local++
			}
			continue
		case seen:
			continue // a second copy of one code cannot score twice
		}
		own[code] = true
		switch r := grade(t); {
		case t.Archived:
			sc.Archived++
		case r == Unrated:
			sc.Ungraded++
		default:
			sc.Graded++
			sc.Sum += g.Scores[r]
		}
	}
	for _, seen := range own {
		if !seen {
			sc.Ungraded++
		}
	}
	sc.Max = g.top() * len(own)
	sc.Provisional = sc.Ungraded+sc.Archived > 0
	if sc.Graded > 0 {
		sc.Band = g.band(sc.Sum)
	}
	return sc
}

// top is the highest score of any grade.
func (g *Grading) top() int {
	top := 0
	for _, s := range g.Scores {
		top = max(top, s)
	}
	return top
}

// band is the rating of a sum, Unrated when no band covers it.
func (g *Grading) band(sum int) Rating {
	for _, b := range g.Bands {
		if sum < b.Below {
			return b.Rating
		}
	}
	return Unrated
}
