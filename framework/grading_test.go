package framework

import (
	"strings"
	"testing"
)

func TestParseGrade(t *testing.T) {
	eds := testGraded().Grading
	eds.Colours = map[Rating]string{Undeveloped: "red", Developing: "amber", Achieving: "green", Excelling: "purple"}
	noColours := testGraded().Grading
	shared := testGraded().Grading
	shared.Scores = map[Rating]int{Undeveloped: 0, Developing: 1, Achieving: 1, Excelling: 2}
	tests := []struct {
		name string
		g    *Grading
		in   string
		want Rating
		ok   bool
	}{
		{"name", eds, "achieving", Achieving, true},
		{"name in capitals", eds, " Excelling ", Excelling, true},
		{"none clears", eds, "none", Unrated, true},
		{"unrated clears", eds, "unrated", Unrated, true},
		{"score 0", eds, "0", Undeveloped, true},
		{"score 3", eds, "3", Excelling, true},
		{"score with no grade", eds, "4", "", false},
		{"signed score", eds, "+1", "", false},
		{"negative score", eds, "-1", "", false},
		{"fraction", eds, "1.5", "", false},
		{"colour", eds, "green", Achieving, true},
		{"colour in capitals", eds, "PURPLE", Excelling, true},
		{"unknown colour", eds, "blue", "", false},
		{"colour undeclared", noColours, "green", "", false},
		{"score still taken without colours", noColours, "2", Achieving, true},
		{"a score two grades share names neither", shared, "1", "", false},
		{"a score one grade has", shared, "2", Excelling, true},
		{"no grading: names", nil, "developing", Developing, true},
		{"no grading: no scores", nil, "1", "", false},
		{"no grading: no colours", nil, "amber", "", false},
		{"empty", eds, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.g.ParseGrade(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseGrade(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestOwnersMayGrade(t *testing.T) {
	no, yes := false, true
	for _, tc := range []struct {
		g    *Grading
		want bool
	}{
		{nil, true},
		{&Grading{}, true},
		{&Grading{OwnersGrade: &yes}, true},
		{&Grading{OwnersGrade: &no}, false},
	} {
		if got := tc.g.OwnersMayGrade(); got != tc.want {
			t.Errorf("OwnersMayGrade(%+v) = %v, want %v", tc.g, got, tc.want)
		}
	}
}

func TestMedianGrade(t *testing.T) {
	U, D, A, E := Undeveloped, Developing, Achieving, Excelling
	for _, tc := range []struct {
		in   []Rating
		want Rating
	}{
		{nil, Unrated},
		{[]Rating{Unrated, Unrated}, Unrated},
		{[]Rating{A}, A},
		{[]Rating{E, U, A}, A},
		{[]Rating{U, E}, U},          // even: the lower middle grade
		{[]Rating{E, D, A, E}, A},    // D A | E E: the lower middle is A
		{[]Rating{D, Unrated, E}, D}, // ungraded services are left out: D E, lower middle D
		{[]Rating{U, U, E}, U},
		{[]Rating{E, E, D}, E},
		{[]Rating{"great", A}, A},
	} {
		if got := MedianGrade(tc.in); got != tc.want {
			t.Errorf("MedianGrade(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	g := testGraded().Grading
	if got := g.ServiceGrade([]Rating{U, A, E}); got != A {
		t.Errorf("ServiceGrade = %q", got)
	}
}

func TestPerService(t *testing.T) {
	g := testGraded().Grading
	if g.PerService("1") {
		t.Error("a grading without services grades objective 1 per service")
	}
	g.Services = &Services{Objectives: []string{"1"}, Aggregate: AggregateMedian}
	for code, want := range map[string]bool{"1": true, "2": false, "": false} {
		if got := g.PerService(code); got != want {
			t.Errorf("PerService(%q) = %v, want %v", code, got, want)
		}
	}
	if (*Grading)(nil).PerService("1") {
		t.Error("no grading grades per service")
	}
}

func TestDescriptor(t *testing.T) {
	g := testGraded().Grading
	if got := g.Descriptor("1A", Achieving); got != "" {
		t.Errorf("no descriptors: %q", got)
	}
	g.Descriptors = &Descriptors{
		Grades:  map[Rating]string{Achieving: "In place and working.", Developing: "Started."},
		Targets: map[string]map[Rating]string{"1A": {Achieving: "Access is audited and fair."}},
	}
	for _, tc := range []struct {
		code string
		r    Rating
		want string
	}{
		{"1A", Achieving, "Access is audited and fair."},
		{"1a", Achieving, "Access is audited and fair."},
		{"1A", Developing, "Started."},
		{"2A", Achieving, "In place and working."},
		{"2A", Excelling, ""},
		{"2A", Unrated, ""},
	} {
		if got := g.Descriptor(tc.code, tc.r); got != tc.want {
			t.Errorf("Descriptor(%s, %s) = %q, want %q", tc.code, tc.r, got, tc.want)
		}
	}
	if got := (*Grading)(nil).Descriptor("1A", Achieving); got != "" {
		t.Errorf("nil grading: %q", got)
	}
}

// Validate checks the grading's colours, services and descriptors against
// the framework, and says which field is wrong.
func TestValidateGrading(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(g *Grading)
		field     string
		wantWords string
	}{
		{"well formed", func(g *Grading) {
			g.Colours = map[Rating]string{Undeveloped: "red", Developing: "amber", Achieving: "green", Excelling: "purple"}
			g.Services = &Services{Objectives: []string{"1"}, Aggregate: "median"}
			g.Descriptors = &Descriptors{Grades: map[Rating]string{Achieving: "Working."}, Targets: map[string]map[Rating]string{"2A": {Excelling: "Best."}}}
		}, "", ""},
		{"colour of no grade", func(g *Grading) { g.Colours = map[Rating]string{"great": "gold"} }, "grading.colours", "not a grade"},
		{"colour not a word", func(g *Grading) { g.Colours = map[Rating]string{Achieving: "Light Green"} }, "grading.colours.achieving", "one lower-case word"},
		{"colour that is a number", func(g *Grading) { g.Colours = map[Rating]string{Achieving: "2"} }, "grading.colours.achieving", "one lower-case word"},
		{"colour that is a grade", func(g *Grading) { g.Colours = map[Rating]string{Achieving: "excelling"} }, "grading.colours.achieving", "a grade's name"},
		{"colour that is none", func(g *Grading) { g.Colours = map[Rating]string{Achieving: "none"} }, "grading.colours.achieving", "a grade's name"},
		{"colour twice", func(g *Grading) { g.Colours = map[Rating]string{Achieving: "green", Excelling: "green"} }, "grading.colours.excelling", "own colour"},
		{"services of an unknown objective", func(g *Grading) { g.Services = &Services{Objectives: []string{"9"}, Aggregate: "median"} }, "grading.services.objectives[0]", "does not have"},
		{"services naming one twice", func(g *Grading) { g.Services = &Services{Objectives: []string{"1", "1"}, Aggregate: "median"} }, "grading.services.objectives[1]", "twice"},
		{"services naming none", func(g *Grading) { g.Services = &Services{Aggregate: "median"} }, "grading.services.objectives", "at least one"},
		{"an unknown aggregate", func(g *Grading) { g.Services = &Services{Objectives: []string{"1"}, Aggregate: "mean"} }, "grading.services.aggregate", "use median"},
		{"descriptor of no grade", func(g *Grading) { g.Descriptors = &Descriptors{Grades: map[Rating]string{"great": "x"}} }, "grading.descriptors.grades", "not a grade"},
		{"empty descriptor", func(g *Grading) { g.Descriptors = &Descriptors{Grades: map[Rating]string{Achieving: " "}} }, "grading.descriptors.grades.achieving", "empty"},
		{"long descriptor", func(g *Grading) {
			g.Descriptors = &Descriptors{Grades: map[Rating]string{Achieving: strings.Repeat("x", 501)}}
		}, "grading.descriptors.grades.achieving", "keep it to 500"},
		{"descriptor of an unknown target", func(g *Grading) {
			g.Descriptors = &Descriptors{Targets: map[string]map[Rating]string{"9Z": {Achieving: "x"}}}
		}, "grading.descriptors.targets.9Z", "does not have"},
		{"target descriptor of no grade", func(g *Grading) {
			g.Descriptors = &Descriptors{Targets: map[string]map[Rating]string{"1A": {"great": "x"}}}
		}, "grading.descriptors.targets.1A", "not a grade"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := testGraded()
			f.Name = "G"
			for i := range f.Objectives {
				f.Objectives[i].Title = "O"
				for j := range f.Objectives[i].Targets {
					f.Objectives[i].Targets[j].Title = "T"
				}
			}
			tc.edit(f.Grading)
			err := f.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.field || !strings.Contains(ErrorMessage(err), tc.wantWords) {
				t.Errorf("Validate = %v (field %q); want field %q and %q", err, ErrorField(err), tc.field, tc.wantWords)
			}
		})
	}
}
