package catalog

import "testing"

// Written in flow style, several values share a line, and yaml.v3 gives
// only the line: the sentence names the key whose value is of the wrong
// shape, not another key on that line with a value of the same shape.
func TestYAMLErrorsNameTheKeyOnASharedLine(t *testing.T) {
	const head = "id: x\nname: X\nobjectives:\n  - code: a\n    title: A\n    targets:\n      - code: \"1\"\n        title: T\n"
	for _, tt := range []struct{ name, yaml, want string }{
		{"text given a list inside a list", head + "        metric: {unit: ratio, inputs: [{name: a, label: [1]}]}\n",
			`my.yaml line 9: "label" should be text, not a list`},
		{"list given a map inside a list's map", "id: x\nname: X\nobjectives:\n  - {code: a, title: A, targets: {code: 1}}\n",
			`my.yaml line 4: "targets" should be a list, not name: value lines`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("my.yaml", []byte(tt.yaml))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse = %v\nwant    %s", err, tt.want)
			}
		})
	}
}

// A part that is a single block of settings is named as one, so the
// sentence does not repeat its key ("grading" should be grading).
func TestYAMLErrorsNameSettingsParts(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"grading given a number", "id: x\nname: X\ngrading: 5\nobjectives: []\n",
			`my.yaml line 3: "grading" should be the grading settings, written as name: value lines, not the number 5`},
		{"labels given a list", "id: x\nname: X\nlabels: [a]\nobjectives: []\n",
			`my.yaml line 3: "labels" should be the labels, written as name: value lines, not a list`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("my.yaml", []byte(tt.yaml))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse = %v\nwant    %s", err, tt.want)
			}
		})
	}
}
