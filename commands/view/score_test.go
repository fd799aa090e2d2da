package view

import (
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// Every score is worded here: final, provisional, before any grade, with
// no band to cover it, as a subtotal, and with local targets apart.
func TestScoreWords(t *testing.T) {
	plain := func(r framework.Rating) string { return string(r) }
	tests := []struct {
		name string
		sc   framework.Score
		band func(framework.Rating) string
		want string
	}{
		{"final", framework.Score{Sum: 33, Max: 33, Graded: 11, Band: framework.Excelling}, Rating, "33 of 33, 🟪 excelling"},
		{"final, undeveloped", framework.Score{Max: 33, Graded: 11, Band: framework.Undeveloped}, plain, "0 of 33, undeveloped"},
		{"provisional", framework.Score{Sum: 14, Max: 33, Graded: 9, Ungraded: 2, Band: framework.Developing, Provisional: true}, plain,
			"14 of 33 so far, developing (provisional: 2 outcomes ungraded)"},
		{"provisional, archived too", framework.Score{Sum: 14, Max: 33, Graded: 8, Ungraded: 2, Archived: 1, Band: framework.Developing, Provisional: true}, plain,
			"14 of 33 so far, developing (provisional: 2 outcomes ungraded, 1 archived)"},
		{"provisional, archived only", framework.Score{Sum: 23, Max: 33, Graded: 10, Archived: 1, Band: framework.Achieving, Provisional: true}, plain,
			"23 of 33 so far, achieving (provisional: 1 outcome archived)"},
		{"nothing graded", framework.Score{Max: 33, Ungraded: 11, Provisional: true}, Rating, "0 of 33, nothing graded yet"},
		{"no band covers it", framework.Score{Sum: 40, Max: 33, Graded: 11}, plain, "40 of 33, no band covers this total"},
		{"subtotal", framework.Score{Sum: 4, Max: 12, Graded: 3, Ungraded: 1, Provisional: true}, nil, "4 of 12 so far (provisional: 1 outcome ungraded)"},
		{"local targets", framework.Score{Sum: 33, Max: 33, Graded: 11, Local: 2, Band: framework.Excelling}, plain, "33 of 33, excelling; 2 local outcomes, not scored"},
	}
	for _, tc := range tests {
		if got := ScoreWords(tc.sc, "outcome", tc.band); got != tc.want {
			t.Errorf("%s: ScoreWords = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUnscored(t *testing.T) {
	f := &framework.Framework{ID: "g", Objectives: []framework.Objective{{Code: "1", Targets: []framework.TargetSpec{{Code: "1A"}}}}}
	ts := []framework.Target{
		{Framework: "g", Code: "1A", Rating: framework.Achieving},
		{Framework: "g", Code: "1Z", Rating: framework.Excelling},
		{Framework: "g", Code: "1Y"},
		{Framework: "g", Code: "1X", Archived: true, Rating: framework.Excelling},
	}
	current := func(t *framework.Target) framework.Rating { return t.Rating }
	if got, want := Unscored(f, ts, current), "Not scored (local): `g/1Z` 🟪 excelling · `g/1Y` ⬜ unrated"; got != want {
		t.Errorf("Unscored = %q, want %q", got, want)
	}
	if got := Unscored(f, ts[:1], current); got != "" {
		t.Errorf("Unscored without local targets = %q", got)
	}
}
