package framework

import "strings"

// Status is where a target stands.
type Status string

// The statuses, in the order lists and digests show them.
const (
	NotStarted Status = "not-started"
	OnTrack    Status = "on-track"
	AtRisk     Status = "at-risk"
	OffTrack   Status = "off-track"
	Done       Status = "done"
)

// Statuses lists every status in display order.
var Statuses = []Status{NotStarted, OnTrack, AtRisk, OffTrack, Done}

// ParseStatus parses a status name, case-insensitively. It accepts the
// words with spaces or underscores for hyphens ("on track").
//
// Every command that logs an update tries it on each word, so it
// compares in place rather than building a normalised copy.
func ParseStatus(s string) (Status, bool) {
	s = strings.TrimSpace(s)
	for _, st := range Statuses {
		if statusEqual(s, string(st)) {
			return st, true
		}
	}
	return "", false
}

// statusEqual reports whether s names status st: equal ignoring case,
// with '_' or ' ' for '-'. Non-ASCII input takes the slow path, since
// Unicode case folding maps some runes (the Kelvin sign) onto ASCII.
func statusEqual(s, st string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(s)) == st
		}
	}
	if len(s) != len(st) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == ' ':
			c = '-'
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if c != st[i] {
			return false
		}
	}
	return true
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	_, ok := ParseStatus(string(s))
	return ok && string(s) == strings.TrimSpace(string(s))
}

// Rating is an EDS grade. The zero Rating is unrated.
type Rating string

// The EDS grades, lowest first.
const (
	Unrated     Rating = ""
	Undeveloped Rating = "undeveloped"
	Developing  Rating = "developing"
	Achieving   Rating = "achieving"
	Excelling   Rating = "excelling"
)

// Ratings lists the grades, lowest first, without Unrated.
var Ratings = []Rating{Undeveloped, Developing, Achieving, Excelling}

// ParseRating parses a grade name case-insensitively. "none" and "unrated"
// give Unrated.
func ParseRating(s string) (Rating, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "none" || s == "unrated" {
		return Unrated, true
	}
	for _, r := range Ratings {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Band is the grade's EDS colour name: red, amber, green or purple.
func (r Rating) Band() string {
	switch r {
	case Undeveloped:
		return "red"
	case Developing:
		return "amber"
	case Achieving:
		return "green"
	case Excelling:
		return "purple"
	default:
		return "grey"
	}
}

// String returns the grade's name, "unrated" for Unrated.
func (r Rating) String() string {
	if r == Unrated {
		return "unrated"
	}
	return string(r)
}
