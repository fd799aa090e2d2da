package framework

import (
	"fmt"
	"slices"
	"strings"
)

// ParseGrade parses a grade as `rate` takes it: its name, "none" or
// "unrated" (see ParseRating), and, where g declares them, its score
// ("0" to "3" for EDS 2022) and its colour ("red" to "purple"). A score
// two grades share names neither. A nil g takes names only.
func (g *Grading) ParseGrade(s string) (Rating, bool) {
	if r, ok := ParseRating(s); ok {
		return r, true
	}
	if g == nil {
		return "", false
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if n, ok := digits(s); ok {
		found := Rating("")
		for _, r := range Ratings {
			if sc, ok := g.Scores[r]; ok && sc == n {
				if found != "" {
					return "", false
				}
				found = r
			}
		}
		return found, found != ""
	}
	for _, r := range Ratings {
		if c := g.Colours[r]; c != "" && c == s {
			return r, true
		}
	}
	return "", false
}

// digits reads a short run of decimal digits, and nothing else: no sign,
// no space, at most four digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// validateColours checks each colour names a grade, is one lower-case
// word, is no grade's name, and belongs to one grade only, so that
// ParseGrade reads it one way.
func (g *Grading) validateColours() (path string, err error) {
	seen := map[string]Rating{}
	for _, r := range Ratings {
		c, ok := g.Colours[r]
		if !ok {
			continue
		}
		at := "grading.colours." + string(r)
		switch _, named := ParseRating(c); {
		case !isWord(c):
			return at, fmt.Errorf("the colour of %s must be one lower-case word, such as red", r)
		case named:
			return at, fmt.Errorf("the colour of %s, %q, is a grade's name: give it a colour", r, c)
		case seen[c] != "":
			return at, fmt.Errorf("%s and %s are both %s: give each grade its own colour", seen[c], r, c)
		}
		seen[c] = r
	}
	for r := range g.Colours {
		if !slices.Contains(Ratings, r) {
			return "grading.colours", fmt.Errorf("%q is not a grade: use undeveloped, developing, achieving or excelling", r)
		}
	}
	return "", nil
}

// isWord reports whether s is 1 to 20 lower-case ASCII letters.
func isWord(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
