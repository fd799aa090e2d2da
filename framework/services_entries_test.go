package framework

import (
	"encoding/json"
	"slices"
	"testing"
)

// A grade kept by the release before, in no cycle, counts in a cycle
// with none of its own for that service, and gives way to one that has.
func TestServiceGradesReadUndatedGrades(t *testing.T) {
	def := func(code string) string {
		b, err := json.Marshal(Service{Code: code, Name: code})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	book := ServicesOf(map[string]string{
		ServiceDefKey("eds-2022", "ae"):                 def("ae"),
		ServiceDefKey("eds-2022", "mh"):                 def("mh"),
		"grade|eds-2022/1A|ae":                          string(Achieving),
		"grade|eds-2022/1A|mh":                          string(Developing),
		ServiceGradeKey("2026/27", "eds-2022/1A", "mh"): string(Excelling),
	})
	for _, tc := range []struct {
		cycle string
		want  []Rating
	}{
		{"2026/27", []Rating{Achieving, Excelling}},
		{"2025/26", []Rating{Achieving, Developing}},
	} {
		_, got := book.Grades("eds-2022", "eds-2022/1A", tc.cycle)
		if !slices.Equal(got, tc.want) {
			t.Errorf("cycle %s: grades %v, want %v", tc.cycle, got, tc.want)
		}
	}
}
