package catalog

import (
	"strings"
	"testing"
)

// A framework file's mistakes are told in the file's terms, with its
// name and line: never a Go type name, or YAML's own tags.
func TestYAMLErrorsSpeakTheFilesTerms(t *testing.T) {
	const head = "id: x\nname: X\nobjectives:\n  - code: a\n    title: A\n    targets:\n      - code: \"1\"\n        title: T\n"
	for _, tt := range []struct{ name, yaml, want string }{
		{"objective", "id: x\nname: X\nobjectives:\n  - code: a\n    titel: A\n", `my.yaml line 5: unknown field "titel" in an objective; did you mean "title"?`},
		{"target", head + "        txt: more\n", `my.yaml line 9: unknown field "txt" in a target; did you mean "text"?`},
		{"framework, nothing near", "id: x\nname: X\nbogus: 1\nobjectives: []\n", `my.yaml line 3: unknown field "bogus" in the framework`},
		{"metric", head + "        metric:\n          unit: percent\n          formla: a\n", `my.yaml line 11: unknown field "formla" in a metric; did you mean "formula"?`},
		{"input", head + "        metric:\n          unit: ratio\n          inputs:\n            - {name: a, lable: b}\n", `my.yaml line 12: unknown field "lable" in an input; did you mean "label"?`},
		{"text given a list", "id: x\nname: [1]\nobjectives: []\n", `my.yaml line 2: "name" should be text, not a list`},
		{"list given a number", "id: x\nname: X\nobjectives: 3\n", `my.yaml line 3: "objectives" should be a list, not the number 3`},
		{"target given text", "id: x\nname: X\nobjectives:\n  - code: a\n    title: A\n    targets:\n      - just a title\n", `my.yaml line 7: this should be a target, written as name: value lines, not the text "just a title"`},
		{"not YAML", "id: x\n  name: X\n", "my.yaml line 2: the YAML does not parse (mapping values are not allowed in this context): check the indentation, and put text holding a colon in quotes"},
		{"number given text", head + "        metric:\n          unit: ratio\n          min_group: ten\n", `my.yaml line 11: "min_group" should be a whole number, not the text "ten"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("my.yaml", []byte(tt.yaml))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse = %v\nwant    %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "framework.") || strings.Contains(err.Error(), "!!") {
				t.Errorf("%v names Go or YAML internals", err)
			}
		})
	}
}
