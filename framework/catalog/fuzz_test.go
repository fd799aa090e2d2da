package catalog

import (
	"strings"
	"testing"
)

// FuzzParse feeds framework files of any shape to the loader: it must
// never panic, and what it accepts must be valid, with tidy titles.
func FuzzParse(f *testing.F) {
	for _, id := range builtinOrder {
		data, err := builtinFS.ReadFile("builtin/" + id + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - {code: \"1.1\", title: A}\n"))
	f.Add([]byte("id: x\nname: [unclosed\n"))
	f.Add([]byte("objectives: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if verr := fw.Validate(); verr != nil {
			t.Fatalf("Parse accepted an invalid framework: %v", verr)
		}
		for _, o := range fw.Objectives {
			for _, tg := range o.Targets {
				if tg.Title != tidy(tg.Title) {
					t.Fatalf("title not tidied: %q", tg.Title)
				}
			}
		}
	})
}
