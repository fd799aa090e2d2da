package framework

import (
	"fmt"
	"slices"
)

// Grading is how a framework turns its targets' grades into an overall
// rating: a score per grade, summed over the framework's targets, and
// bands that rate the sum. EDS 2022 scores undeveloped 0 to excelling 3
// and rates a sum under 8 undeveloped, under 22 developing, under 33
// achieving, and 33 excelling. The bands are data: trusts publish them
// slightly differently.
type Grading struct {
	Scores map[Rating]int `yaml:"scores" json:"scores"`
	// Bands are in ascending order of Below; the first whose Below is
	// above the sum rates it.
	Bands []Band `yaml:"bands" json:"bands"`
}

// Band rates every sum below Below that no earlier band rates.
type Band struct {
	Below  int    `yaml:"below" json:"below"`
	Rating Rating `yaml:"rating" json:"rating"`
}

// validate checks every grade has a score of 0 or more and the bands
// rise, each with a grade.
func (g *Grading) validate() (path string, err error) {
	for _, r := range Ratings {
		if s, ok := g.Scores[r]; !ok || s < 0 {
			return "grading.scores", fmt.Errorf("give %s a score of 0 or more", r)
		}
	}
	for r := range g.Scores {
		if !slices.Contains(Ratings, r) {
			return "grading.scores", fmt.Errorf("%q is not a grade: use undeveloped, developing, achieving or excelling", r)
		}
	}
	if len(g.Bands) == 0 {
		return "grading.bands", fmt.Errorf("add at least one band")
	}
	for i, b := range g.Bands {
		at := fmt.Sprintf("grading.bands[%d]", i)
		if !slices.Contains(Ratings, b.Rating) {
			return at + ".rating", fmt.Errorf("band %d rates %q, which is not a grade: use undeveloped, developing, achieving or excelling", i+1, b.Rating)
		}
		if i > 0 && b.Below <= g.Bands[i-1].Below {
			return at + ".below", fmt.Errorf("band %d must start above band %d: list bands in rising order of below", i+1, i)
		}
	}
	return "", nil
}

// Score is a framework's overall grade in one workspace.
type Score struct {
	// Sum is the total of the graded targets' scores; Max is what it
	// would be with every target graded at the top score.
	Sum, Max int
	// Graded and Ungraded count the targets with and without a grade.
	Graded, Ungraded int
	// Band is the overall rating of Sum, or Unrated when no band covers it.
	Band Rating
}

// Score rates ts, the targets of the framework graded by g, on their
// grades in the current cycle. Archived targets count for nothing.
func (g *Grading) Score(ts []Target) Score {
	return g.score(ts, func(t *Target) Rating { return t.Rating })
}

// ScoreCycle rates ts on their grades in the closed cycle named.
func (g *Grading) ScoreCycle(ts []Target, cycle string) Score {
	return g.score(ts, func(t *Target) Rating { return t.Grades[cycle] })
}

func (g *Grading) score(ts []Target, grade func(*Target) Rating) Score {
	top := 0
	for _, s := range g.Scores {
		top = max(top, s)
	}
	var sc Score
	for i := range ts {
		switch r := grade(&ts[i]); {
		case ts[i].Archived:
		case r == Unrated:
			sc.Ungraded++
		default:
			sc.Graded++
			sc.Sum += g.Scores[r]
		}
	}
	sc.Max = top * (sc.Graded + sc.Ungraded)
	for _, b := range g.Bands {
		if sc.Sum < b.Below {
			sc.Band = b.Rating
			break
		}
	}
	return sc
}
