package framework

import (
	"testing"
)

// testGraded is a framework of 2 objectives and 3 targets, scored 0 to 3
// with EDS-like bands over a maximum of 9.
func testGraded() *Framework {
	return &Framework{ID: "g", Objectives: []Objective{
		{Code: "1", Targets: []TargetSpec{{Code: "1A"}, {Code: "1B"}}},
		{Code: "2", Targets: []TargetSpec{{Code: "2A"}}},
	}, Grading: &Grading{
		Scores: map[Rating]int{Undeveloped: 0, Developing: 1, Achieving: 2, Excelling: 3},
		Bands:  []Band{{Below: 3, Rating: Undeveloped}, {Below: 6, Rating: Developing}, {Below: 9, Rating: Achieving}, {Below: 10, Rating: Excelling}},
	}}
}

func TestScore(t *testing.T) {
	tg := func(code string, r Rating) Target {
		return Target{Framework: "g", Objective: code[:1], Code: code, Rating: r, Grades: map[string]Rating{"2025/26": Achieving}}
	}
	archived := func(tt Target) Target { tt.Archived = true; return tt }
	local := func(code string, r Rating) Target { tt := tg(code, r); tt.Custom = true; return tt }
	tests := []struct {
		name string
		ts   []Target
		in   Scope
		want Score
	}{
		{"nothing graded: no band", []Target{tg("1A", ""), tg("1B", ""), tg("2A", "")}, Scope{},
			Score{Max: 9, Ungraded: 3, Provisional: true}},
		{"all graded: final", []Target{tg("1A", Excelling), tg("1B", Excelling), tg("2A", Excelling)}, Scope{},
			Score{Sum: 9, Max: 9, Graded: 3, Band: Excelling}},
		{"some ungraded: provisional", []Target{tg("1A", Achieving), tg("1B", ""), tg("2A", Developing)}, Scope{},
			Score{Sum: 3, Max: 9, Graded: 2, Ungraded: 1, Band: Developing, Provisional: true}},
		{"all graded undeveloped is a band", []Target{tg("1A", Undeveloped), tg("1B", Undeveloped), tg("2A", Undeveloped)}, Scope{},
			Score{Max: 9, Graded: 3, Band: Undeveloped}},
		{"local targets never score nor raise the maximum",
			[]Target{tg("1A", Excelling), tg("1B", Excelling), tg("2A", Excelling), local("2Z", Excelling), local("1Y", "")}, Scope{},
			Score{Sum: 9, Max: 9, Graded: 3, Local: 2, Band: Excelling}},
		{"a target is local by the definition, whatever its flag", []Target{tg("1A", Excelling), tg("1Q", Excelling)}, Scope{},
			Score{Sum: 3, Max: 9, Graded: 1, Ungraded: 2, Local: 1, Band: Developing, Provisional: true}},
		{"archived own target: the maximum stays, the band waits",
			[]Target{tg("1A", Excelling), tg("1B", Excelling), archived(tg("2A", Excelling))}, Scope{},
			Score{Sum: 6, Max: 9, Graded: 2, Archived: 1, Band: Achieving, Provisional: true}},
		{"archived local target is not counted", []Target{tg("1A", Excelling), archived(local("1Z", Excelling))}, Scope{},
			Score{Sum: 3, Max: 9, Graded: 1, Ungraded: 2, Band: Developing, Provisional: true}},
		{"a declared target the workspace lacks is ungraded", []Target{tg("1A", Excelling), tg("2A", Excelling)}, Scope{},
			Score{Sum: 6, Max: 9, Graded: 2, Ungraded: 1, Band: Achieving, Provisional: true}},
		{"codes match ignoring case, and once", []Target{tg("1a", Excelling), tg("1A", Excelling)}, Scope{},
			Score{Sum: 3, Max: 9, Graded: 1, Ungraded: 2, Band: Developing, Provisional: true}},
		{"other frameworks' targets are ignored", []Target{{Framework: "h", Objective: "1", Code: "1A", Rating: Excelling}}, Scope{},
			Score{Max: 9, Ungraded: 3, Provisional: true}},
		{"one objective", []Target{tg("1A", Achieving), tg("1B", ""), tg("2A", Excelling), local("1Z", Achieving)}, Scope{Objective: "1"},
			Score{Sum: 2, Max: 6, Graded: 1, Ungraded: 1, Local: 1, Band: Undeveloped, Provisional: true}},
		{"a closed cycle's grades", []Target{tg("1A", Excelling), tg("1B", ""), tg("2A", "")}, Scope{Cycle: "2025/26"},
			Score{Sum: 6, Max: 9, Graded: 3, Band: Achieving}},
		{"a cycle with no grades", []Target{tg("1A", Excelling)}, Scope{Cycle: "2024/25"},
			Score{Max: 9, Ungraded: 3, Provisional: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := testGraded().Score(tc.ts, tc.in); got != tc.want {
				t.Errorf("Score = %+v\nwant    %+v", got, tc.want)
			}
		})
	}
	if got := (&Framework{ID: "plain"}).Score([]Target{{Framework: "plain", Code: "1", Rating: Excelling}}, Scope{}); got != (Score{}) {
		t.Errorf("a framework without grading scores %+v", got)
	}
	// No band covers a sum above the last band's.
	f := testGraded()
	f.Grading.Bands = f.Grading.Bands[:1]
	if got := f.Score([]Target{tg("1A", Excelling)}, Scope{}); got.Band != Unrated || got.Graded != 1 {
		t.Errorf("a sum no band covers is rated %+v", got)
	}
}

func TestLocal(t *testing.T) {
	f := testGraded()
	for _, tc := range []struct {
		t    Target
		want bool
	}{
		{Target{Framework: "g", Code: "1A"}, false},
		{Target{Framework: "g", Code: "2a"}, false},
		{Target{Framework: "g", Code: "2B"}, true},
		{Target{Framework: "h", Code: "1A"}, false},
	} {
		if got := f.Local(&tc.t); got != tc.want {
			t.Errorf("Local(%s) = %v, want %v", tc.t.Ref(), got, tc.want)
		}
	}
}
