package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// seed returns a seed file with white space folded, as the transcription does.
func seed(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return tidy(string(data))
}

func builtin(t *testing.T, id string) *framework.Framework {
	t.Helper()
	all, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	for _, f := range all {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no built-in framework %q", id)
	return nil
}

func codes(f *framework.Framework) (objectives, targets []string) {
	for _, o := range f.Objectives {
		objectives = append(objectives, o.Code)
		for _, t := range o.Targets {
			targets = append(targets, t.Code)
		}
	}
	return objectives, targets
}

func TestEDSMatchesSeed(t *testing.T) {
	f := builtin(t, "eds")
	src := seed(t, "000_ddf336ee9d301204.txt")

	objs, targets := codes(f)
	if got, want := strings.Join(objs, " "), "1 2 3 4"; got != want {
		t.Errorf("goals = %s, want %s", got, want)
	}
	want := "1.1 1.2 1.3 1.4 1.5 2.1 2.2 2.3 2.4 3.1 3.2 3.3 3.4 3.5 3.6 4.1 4.2 4.3"
	if got := strings.Join(targets, " "); got != want {
		t.Errorf("outcomes = %s\nwant       %s", got, want)
	}
	if f.ObjectiveLabel() != "goal" || f.TargetLabel() != "outcome" {
		t.Errorf("labels = %s/%s, want goal/outcome", f.ObjectiveLabel(), f.TargetLabel())
	}
	// Every outcome appears in the seed word for word, right after its code.
	for _, o := range f.Objectives {
		for _, tg := range o.Targets {
			if !strings.Contains(src, tg.Code+" "+tg.Title) {
				t.Errorf("outcome %s is not word for word from the seed: %q", tg.Code, tg.Title)
			}
		}
		if !strings.Contains(src, o.Text) {
			t.Errorf("goal %s narrative is not word for word from the seed: %q", o.Code, o.Text)
		}
		if !strings.Contains(src, o.Title) {
			t.Errorf("goal %s title is not from the seed: %q", o.Code, o.Title)
		}
	}
	exact := map[string]string{
		"3.5": "Flexible working options are made available to all staff, consistent with the needs of the service, and the way that people lead their lives. (Flexible working may be a reasonable adjustment for disabled members of staff or carers.)",
		"4.3": "The organisation uses the “Competency Framework for Equality and Diversity Leadership” to recruit, develop and support strategic leaders to advance equality outcomes",
	}
	for _, o := range f.Objectives {
		for _, tg := range o.Targets {
			if w, ok := exact[tg.Code]; ok && tg.Title != w {
				t.Errorf("outcome %s = %q\nwant %q", tg.Code, tg.Title, w)
			}
		}
	}
	if g, _ := f.Objective("4"); g.Title != "Inclusive leadership at all levels" {
		t.Errorf("goal 4 title = %q", g.Title)
	}
}

func TestNHSEMatchesSeed(t *testing.T) {
	f := builtin(t, "nhse-2024-26")
	src := seed(t, "002_1c7523084b85f4e4.txt")

	objs, targets := codes(f)
	if got, want := strings.Join(objs, " "), "1 2 3 4 5 6 7 8"; got != want {
		t.Errorf("objectives = %s, want %s", got, want)
	}
	if got, want := strings.Join(targets, " "), "1.1 2.1 3.1 4.1 5.1 5.2 6.1 7.1 7.2 8.1 8.2"; got != want {
		t.Errorf("targets = %s, want %s", got, want)
	}
	for _, o := range f.Objectives {
		heading := "Equality objective " + o.Code + " [" + o.Title + "] " + o.Text
		if !strings.Contains(src, heading) {
			t.Errorf("objective %s is not word for word from the seed: %q", o.Code, heading)
		}
		for _, tg := range o.Targets {
			_, n, _ := strings.Cut(tg.Code, ".")
			if !strings.Contains(src, "Target "+n+": "+tg.Title) {
				t.Errorf("target %s is not word for word from the seed: %q", tg.Code, tg.Title)
			}
		}
	}
	if o, _ := f.Objective("5"); o.Title != "patient access and communication" || len(o.Targets) != 2 {
		t.Errorf("objective 5 = %q with %d targets", o.Title, len(o.Targets))
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"syntax", "id: x\nname: [unclosed\n", "bad.yaml:1: did not find expected"},
		{"unknown field", "id: x\nname: X\ncolour: red\nobjectives: []\n", "bad.yaml:3: field colour not found"},
		{"wrong type", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: T\n    targets: nope\n", "bad.yaml:6:"},
		{"bad id", "id: Not Valid\nname: X\nobjectives: []\n", "bad.yaml:1: framework id"},
		{"no objectives", "id: x\nname: X\n", "bad.yaml:1: framework x: add at least one objective"},
		{"duplicate target", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - {code: \"1.1\", title: A}\n      - {code: \"1.1\", title: B}\n",
			"bad.yaml:8: framework x: target 1.1 appears twice"},
		{"missing title", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - code: \"1.1\"\n", "bad.yaml:7: framework x: target 1.1 has no title"},
		{"empty", "", "bad.yaml: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadCustomDir(t *testing.T) {
	dir := t.TempDir()
	custom := "id: wres\nname: Workforce Race Equality Standard\nlabels: {objective: indicator, target: measure}\nobjectives:\n  - code: \"1\"\n    title: Workforce\n    targets:\n      - code: \"1.1\"\n        title: Percentage of staff in each band\n"
	if err := os.WriteFile(filepath.Join(dir, "wres.yaml"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	all, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range all {
		ids = append(ids, f.ID)
	}
	if got, want := strings.Join(ids, " "), "eds nhse-2024-26 wres"; got != want {
		t.Fatalf("ids = %s, want %s", got, want)
	}

	clash := strings.Replace(custom, "id: wres", "id: eds", 1)
	if err := os.WriteFile(filepath.Join(dir, "clash.yml"), []byte(clash), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "already taken by a built-in") || !strings.Contains(err.Error(), "clash.yml") {
		t.Fatalf("Load with a clashing id = %v, want the file named", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "cannot read frameworks folder") {
		t.Fatalf("Load of a missing folder = %v", err)
	}
}
