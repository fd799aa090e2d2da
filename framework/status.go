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
func ParseStatus(s string) (Status, bool) {
	s = strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(strings.TrimSpace(s)))
	for _, st := range Statuses {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	_, ok := ParseStatus(string(s))
	return ok && string(s) == strings.TrimSpace(string(s))
}

// Emoji is the status's marker in chat: a coloured circle or a tick.
func (s Status) Emoji() string {
	switch s {
	case OnTrack:
		return "🟢"
	case AtRisk:
		return "🟠"
	case OffTrack:
		return "🔴"
	case Done:
		return "✅"
	default:
		return "⚪"
	}
}

// Colour is the status's RAG colour as "#rrggbb".
func (s Status) Colour() string {
	switch s {
	case OnTrack:
		return "#2eb67d"
	case AtRisk:
		return "#ecb22e"
	case OffTrack:
		return "#e01e5a"
	case Done:
		return "#1d9bd1"
	default:
		return "#9e9e9e"
	}
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

// Colour is the grade's EDS colour as "#rrggbb".
func (r Rating) Colour() string {
	switch r {
	case Undeveloped:
		return "#d4351c"
	case Developing:
		return "#f47738"
	case Achieving:
		return "#00703c"
	case Excelling:
		return "#6f2c91"
	default:
		return "#b1b4b6"
	}
}

// Emoji is the grade's coloured square in chat.
func (r Rating) Emoji() string {
	switch r {
	case Undeveloped:
		return "🟥"
	case Developing:
		return "🟧"
	case Achieving:
		return "🟩"
	case Excelling:
		return "🟪"
	default:
		return "⬜"
	}
}

// String returns the grade's name, "unrated" for Unrated.
func (r Rating) String() string {
	if r == Unrated {
		return "unrated"
	}
	return string(r)
}
