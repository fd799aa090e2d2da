package framework

import (
	"slices"
	"strings"
	"time"
)

// A stakeholder panel grades one objective in the current cycle: its
// members vote on each target, an admin enters the votes of outside
// participants (guests), and the panel agrees a grade, which becomes the
// target's grade with the panel's record attached. These are the rules;
// commands keeps them as a workspace's entries.

// GuestCategories are the kinds of outside participant a panel takes, as
// NHS England's EDS 2022 summary names its stakeholders.
var GuestCategories = []string{"staff-network", "patients", "voluntary-sector", "trade-union", "independent-evaluator", "peer-reviewer", "other"}

// ValidGuestCategory reports whether s is one of GuestCategories,
// ignoring case.
func ValidGuestCategory(s string) bool {
	return slices.ContainsFunc(GuestCategories, func(c string) bool { return strings.EqualFold(c, s) })
}

// Panel is a panel on one objective (its Ref, like "eds-2022/2").
type Panel struct {
	Objective string `json:"objective"`
	Cycle     string `json:"cycle"`
	// Until is the last day of voting, "" for none, and Ends the moment
	// it ends: the start of the next day in the workspace's time zone
	// when the panel was opened.
	Until    Date      `json:"until,omitempty"`
	Ends     time.Time `json:"ends,omitzero"`
	OpenedBy string    `json:"opened_by"`
	OpenedAt time.Time `json:"opened_at"`
	Closed   bool      `json:"closed,omitempty"`
	ClosedBy string    `json:"closed_by,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitempty"`
}

// Ended reports whether the panel's voting ended at its end date by
// now; a panel with no end date, or closed, has not ended so.
func (p *Panel) Ended(now time.Time) bool {
	return !p.Closed && !p.Ends.IsZero() && !now.Before(p.Ends)
}

// Guest is an outside participant of a panel, whose votes an admin
// enters for them.
type Guest struct {
	Name     string    `json:"name"`
	Category string    `json:"category"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Vote is one member's or guest's grade for a target (and service, for
// an objective graded per service). Voter is a user id, or "" with Guest
// set for a guest's vote, entered By an admin.
type Vote struct {
	Target  string    `json:"target"`
	Service string    `json:"service,omitempty"`
	Voter   string    `json:"voter,omitempty"`
	Guest   string    `json:"guest,omitempty"`
	Grade   Rating    `json:"grade"`
	Reason  string    `json:"reason,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Tally is where a panel stands on one target: the votes per grade, the
// median (the lower middle grade when their number is even) and the
// spread (the lowest and the highest grade voted).
type Tally struct {
	Counts    map[Rating]int
	Votes     int
	Median    Rating
	Low, High Rating
}

// TallyVotes counts votes. With none, Median, Low and High are Unrated.
func TallyVotes(votes []Vote) Tally {
	t := Tally{Counts: map[Rating]int{}}
	grades := make([]Rating, 0, len(votes))
	low, high := len(Ratings), -1
	for _, v := range votes {
		i := slices.Index(Ratings, v.Grade)
		if i < 0 {
			continue
		}
		t.Counts[v.Grade]++
		t.Votes++
		grades = append(grades, v.Grade)
		low, high = min(low, i), max(high, i)
	}
	t.Median = MedianGrade(grades)
	if t.Votes > 0 {
		t.Low, t.High = Ratings[low], Ratings[high]
	}
	return t
}

// MatchGuest finds the guest whose name the words begin with, the
// longest such name when several do (ignoring case and spacing), and
// returns the words after it.
func MatchGuest(guests []Guest, words []string) (Guest, []string, bool) {
	best, n := Guest{}, 0
	for _, g := range guests {
		name := strings.Fields(g.Name)
		if len(name) <= n || len(name) > len(words) {
			continue
		}
		if slices.EqualFunc(name, words[:len(name)], strings.EqualFold) {
			best, n = g, len(name)
		}
	}
	return best, words[n:], n > 0
}

// GuestKey is a guest's name in the one form that can key it: lower
// case, its words joined by hyphens.
func GuestKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), "-"))
}
