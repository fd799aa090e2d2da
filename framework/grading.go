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
	// Colours names each grade's colour, which `rate` then accepts for
	// it: EDS grades red, amber, green and purple. None is accepted when
	// the framework declares none.
	Colours map[Rating]string `yaml:"colours,omitempty" json:"colours,omitempty"`
	// OwnersGrade, when false, forbids a target's owner to grade it:
	// grades are agreed with stakeholders, not self-assessed. Unset is
	// true; OwnersMayGrade reads it.
	OwnersGrade *bool `yaml:"owners_grade,omitempty" json:"owners_grade,omitempty"`
	// Services, when set, grades some objectives per service.
	Services *Services `yaml:"services,omitempty" json:"services,omitempty"`
	// Descriptors say what each grade means, for those who grade.
	Descriptors *Descriptors `yaml:"descriptors,omitempty" json:"descriptors,omitempty"`
}

// Band rates every sum below Below that no earlier band rates.
type Band struct {
	Below  int    `yaml:"below" json:"below"`
	Rating Rating `yaml:"rating" json:"rating"`
}

// validate checks every grade has a score of 0 or more, the bands rise,
// each with a grade, and the colours, services and descriptors name
// grades, objectives and targets of f.
func (g *Grading) validate(f *Framework) (path string, err error) {
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
	if path, err := g.validateColours(); err != nil {
		return path, err
	}
	if g.Services != nil {
		if path, err := g.Services.validate(f); err != nil {
			return "grading.services" + path, err
		}
	}
	if g.Descriptors != nil {
		if path, err := g.Descriptors.validate(f); err != nil {
			return "grading.descriptors" + path, err
		}
	}
	return "", nil
}

// OwnersMayGrade reports whether a target's owner may grade it: true
// unless the grading sets owners_grade: false.
func (g *Grading) OwnersMayGrade() bool {
	return g == nil || g.OwnersGrade == nil || *g.OwnersGrade
}
