package framework

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Descriptors say what each grade means, so that those who grade share
// one reading of it: for every target (Grades) and, where a target needs
// its own wording, for that target (Targets, by target code). A framework
// ships only descriptors from a published source.
type Descriptors struct {
	Grades  map[Rating]string            `yaml:"grades,omitempty" json:"grades,omitempty"`
	Targets map[string]map[Rating]string `yaml:"targets,omitempty" json:"targets,omitempty"`
}

// maxDescriptor is the longest descriptor, in characters: a sentence or
// two that fits on a card beside each grade.
const maxDescriptor = 500

// Descriptor is what grade r means for the target with this code: the
// target's own descriptor, else the framework's for every target, else
// "" when the framework says nothing.
func (g *Grading) Descriptor(targetCode string, r Rating) string {
	if g == nil || g.Descriptors == nil {
		return ""
	}
	for code, ds := range g.Descriptors.Targets {
		if strings.EqualFold(code, targetCode) && ds[r] != "" {
			return ds[r]
		}
	}
	return g.Descriptors.Grades[r]
}

// validate checks the descriptors name grades and targets of f, and are
// sentences of a sensible length. The path it returns is under
// "grading.descriptors".
func (d *Descriptors) validate(f *Framework) (path string, err error) {
	if path, err := validateDescribed(d.Grades, ".grades"); err != nil {
		return path, err
	}
	codes := make([]string, 0, len(d.Targets))
	for code := range d.Targets {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		at := ".targets." + code
		if !f.Declares(code) {
			return at, fmt.Errorf("descriptors name %s %q, which the framework does not have", f.TargetLabel(), code)
		}
		if path, err := validateDescribed(d.Targets[code], at); err != nil {
			return path, err
		}
	}
	return "", nil
}

// validateDescribed checks one map of grade to descriptor.
func validateDescribed(ds map[Rating]string, at string) (path string, err error) {
	for _, r := range Ratings {
		s, ok := ds[r]
		switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
		case !ok:
		case n == 0:
			return at + "." + string(r), fmt.Errorf("the descriptor of %s is empty: write what the grade means, or leave it out", r)
		case n > maxDescriptor:
			return at + "." + string(r), fmt.Errorf("the descriptor of %s is %d characters: keep it to %d", r, n, maxDescriptor)
		}
	}
	for r := range ds {
		if !slices.Contains(Ratings, r) {
			return at, fmt.Errorf("%q is not a grade: use undeveloped, developing, achieving or excelling", r)
		}
	}
	return "", nil
}
