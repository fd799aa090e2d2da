package framework

import "testing"

func TestTallyVotes(t *testing.T) {
	tests := []struct {
		grades            []Rating
		median, low, high Rating
	}{
		{nil, Unrated, Unrated, Unrated},
		{[]Rating{Achieving}, Achieving, Achieving, Achieving},
		{[]Rating{Excelling, Developing}, Developing, Developing, Excelling},
		{[]Rating{Achieving, Developing, Achieving, Excelling}, Achieving, Developing, Excelling},
		{[]Rating{Undeveloped, Achieving, Excelling}, Achieving, Undeveloped, Excelling},
	}
	for _, tt := range tests {
		var vs []Vote
		for _, g := range tt.grades {
			vs = append(vs, Vote{Grade: g})
		}
		got := TallyVotes(vs)
		if got.Median != tt.median || got.Low != tt.low || got.High != tt.high || got.Votes != len(tt.grades) {
			t.Errorf("TallyVotes(%v) = %+v, want median %s spread %s-%s", tt.grades, got, tt.median, tt.low, tt.high)
		}
	}
}

func TestMatchGuest(t *testing.T) {
	gs := []Guest{{Name: "Pat"}, {Name: "Pat Jones"}, {Name: "Unison rep"}}
	tests := []struct {
		words []string
		want  string
		rest  int
		ok    bool
	}{
		{[]string{"pat", "jones", "good", "work"}, "Pat Jones", 2, true},
		{[]string{"Pat", "good"}, "Pat", 1, true},
		{[]string{"UNISON", "rep"}, "Unison rep", 0, true},
		{[]string{"Sam"}, "", 1, false},
	}
	for _, tt := range tests {
		g, rest, ok := MatchGuest(gs, tt.words)
		if g.Name != tt.want || len(rest) != tt.rest || ok != tt.ok {
			t.Errorf("MatchGuest(%v) = %q %v %v", tt.words, g.Name, rest, ok)
		}
	}
}

func TestGuestCategories(t *testing.T) {
	if !ValidGuestCategory("Trade-Union") || ValidGuestCategory("union") {
		t.Error("ValidGuestCategory")
	}
}
