package catalog

import (
	"errors"
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

// EDS 2022 is transcribed exactly from the reference: every domain and
// outcome, in order, with its code, and the scoring of section "Scoring".
func TestEDS2022MatchesReference(t *testing.T) {
	f := builtin(t, "eds-2022")
	data, err := os.ReadFile(filepath.Join("testdata", "reference", "eds-2022.md"))
	if err != nil {
		t.Fatal(err)
	}
	var domains, outcomes []string // "1 Commissioned or provided services", "1A Patients …"
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Domain "); ok {
			code, title, _ := strings.Cut(rest, ": ")
			domains = append(domains, code+" "+title)
		}
		if rest, ok := strings.CutPrefix(line, "- "); ok && len(rest) > 4 && rest[2:4] == ": " && rest[0] >= '1' && rest[0] <= '3' {
			outcomes = append(outcomes, rest[:2]+" "+rest[4:])
		}
	}
	if len(domains) != 3 || len(outcomes) != 11 {
		t.Fatalf("read %d domains and %d outcomes from the reference, want 3 and 11", len(domains), len(outcomes))
	}
	var gotDomains, gotOutcomes []string
	for _, o := range f.Objectives {
		gotDomains = append(gotDomains, o.Code+" "+o.Title)
		for _, tg := range o.Targets {
			gotOutcomes = append(gotOutcomes, tg.Code+" "+tg.Title)
		}
	}
	if strings.Join(gotDomains, "\n") != strings.Join(domains, "\n") {
		t.Errorf("domains:\n%s\nwant:\n%s", strings.Join(gotDomains, "\n"), strings.Join(domains, "\n"))
	}
	for i := range max(len(outcomes), len(gotOutcomes)) {
		var got, want string
		if i < len(gotOutcomes) {
			got = gotOutcomes[i]
		}
		if i < len(outcomes) {
			want = outcomes[i]
		}
		if got != want {
			t.Errorf("outcome %d = %q\nwant %q", i+1, got, want)
		}
	}
	if f.ObjectiveLabel() != "domain" || f.TargetLabel() != "outcome" {
		t.Errorf("labels = %s/%s, want domain/outcome", f.ObjectiveLabel(), f.TargetLabel())
	}
	g := f.Grading
	if g == nil {
		t.Fatal("eds-2022 has no grading")
	}
	want := map[framework.Rating]int{framework.Undeveloped: 0, framework.Developing: 1, framework.Achieving: 2, framework.Excelling: 3}
	for r, s := range want {
		if g.Scores[r] != s {
			t.Errorf("score of %s = %d, want %d", r, g.Scores[r], s)
		}
	}
	// The bands, at each edge the reference states.
	targets := f.Targets()
	for sum, band := range map[int]framework.Rating{0: framework.Undeveloped, 7: framework.Undeveloped, 8: framework.Developing, 21: framework.Developing, 22: framework.Achieving, 32: framework.Achieving, 33: framework.Excelling} {
		ts := gradeTo(targets, sum)
		if sc := f.Score(ts, framework.Scope{}); sc.Sum != sum || sc.Max != 33 || sc.Band != band {
			t.Errorf("sum %d scores %+v, want band %s of 33", sum, sc, band)
		}
	}
}

// gradeTo grades ts so their EDS 2022 scores add up to sum (at most 3 each).
func gradeTo(ts []framework.Target, sum int) []framework.Target {
	out := append([]framework.Target(nil), ts...)
	for i := range out {
		s := min(3, sum)
		sum -= s
		out[i].Rating = framework.Ratings[s]
	}
	return out
}

// The original EDS says what it is, and that EDS 2022 replaced it.
func TestEDSSaysItIsTheOriginal(t *testing.T) {
	f := builtin(t, "eds")
	if !strings.Contains(f.Name, "original") || !strings.Contains(f.Name, "4 goals") || !strings.Contains(f.Name, "18 outcomes") {
		t.Errorf("eds name = %q", f.Name)
	}
	if !strings.Contains(f.Description, "EDS 2022") || !strings.Contains(f.Description, "replaced") {
		t.Errorf("eds description = %q", f.Description)
	}
}

func TestGradingValidation(t *testing.T) {
	base := `id: g
name: G
grading:
  scores: {undeveloped: 0, developing: 1, achieving: 2, excelling: 3}
  bands: BANDS
objectives:
  - code: "1"
    title: One
    targets: [{code: "1.1", title: T}]
`
	for bands, want := range map[string]string{
		"[{below: 2, rating: developing}, {below: 1, rating: achieving}]": "rising order",
		"[{below: 2, rating: great}]":                                     "not a grade",
		"[]":                                                              "at least one band",
	} {
		_, err := Parse("g.yaml", []byte(strings.Replace(base, "BANDS", bands, 1)))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "g.yaml line ") {
			t.Errorf("bands %s: err = %v, want one naming the line and %q", bands, err, want)
		}
	}
	_, err := Parse("g.yaml", []byte(strings.Replace(strings.Replace(base, "BANDS", "[{below: 9, rating: achieving}]", 1), "excelling: 3", "excellent: 3", 1)))
	if err == nil || !strings.Contains(err.Error(), "excelling a score") {
		t.Errorf("scores without excelling: err = %v", err)
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
		{"syntax", "id: x\nname: [unclosed\n", "bad.yaml line 1: the YAML does not parse (did not find expected"},
		{"unknown field", "id: x\nname: X\ncolour: red\nobjectives: []\n", `bad.yaml line 3: unknown field "colour" in the framework`},
		{"wrong type", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: T\n    targets: nope\n", `bad.yaml line 6: "targets" should be a list, not the text "nope"`},
		{"bad id", "id: Not Valid\nname: X\nobjectives: []\n", "bad.yaml line 1: framework id"},
		{"no objectives", "id: x\nname: X\n", "bad.yaml line 1: framework x: add at least one objective"},
		{"duplicate target", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - {code: \"1.1\", title: A}\n      - {code: \"1.1\", title: B}\n",
			"bad.yaml line 8: framework x: target 1.1 appears twice"},
		{"missing title", "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - code: \"1.1\"\n", "bad.yaml line 7: framework x: target 1.1 has no title"},
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
	custom := "id: trust-people-plan\nname: Trust people plan\nlabels: {objective: theme, target: measure}\nobjectives:\n  - code: \"1\"\n    title: Workforce\n    targets:\n      - code: \"1.1\"\n        title: Percentage of staff in each band\n"
	if err := os.WriteFile(filepath.Join(dir, "trust-people-plan.yaml"), []byte(custom), 0o644); err != nil {
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
	if got, want := strings.Join(ids, " "), "eds-2022 eds nhse-2024-26 wres wdes trust-people-plan"; got != want {
		t.Fatalf("ids = %s, want %s", got, want)
	}

	clash := strings.Replace(custom, "id: trust-people-plan", "id: wres", 1)
	if err := os.WriteFile(filepath.Join(dir, "clash.yml"), []byte(clash), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "already taken by a built-in") || !strings.Contains(err.Error(), "clash.yml") {
		t.Fatalf("Load with a clashing id = %v, want the file named", err)
	}
	var fe *FolderError
	if _, err := Load(filepath.Join(dir, "missing")); !errors.As(err, &fe) || fe.Reason != "does not exist" || !strings.HasSuffix(fe.Dir, "missing") {
		t.Fatalf("Load of a missing folder = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "clash.yml")); !errors.As(err, &fe) || fe.Reason != "is not a folder" {
		t.Fatalf("Load of a file as the folder = %v", err)
	}
}

// eds-2022 declares EDS's colours, forbids self-grading, grades domain 1
// per service, and ships no descriptors: none has a confirmed source.
func TestEDS2022GradingRules(t *testing.T) {
	g := builtin(t, "eds-2022").Grading
	for in, want := range map[string]framework.Rating{"red": framework.Undeveloped, "amber": framework.Developing, "green": framework.Achieving, "purple": framework.Excelling,
		"0": framework.Undeveloped, "3": framework.Excelling} {
		if got, ok := g.ParseGrade(in); !ok || got != want {
			t.Errorf("ParseGrade(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if g.OwnersMayGrade() {
		t.Error("eds-2022 lets owners grade their own outcomes")
	}
	if !g.PerService("1") || g.PerService("2") || g.PerService("3") {
		t.Errorf("eds-2022 services = %+v, want domain 1 alone", g.Services)
	}
	if g.Descriptors != nil {
		t.Errorf("eds-2022 ships descriptors without a published source: %+v", g.Descriptors)
	}
	if g := builtin(t, "eds").Grading; !g.OwnersMayGrade() {
		t.Error("the original eds forbids owners to grade")
	}
}

// The grading's new keys are read from YAML and checked with the file
// and line of the fault.
func TestGradingRulesFromYAML(t *testing.T) {
	base := `id: g
name: G
grading:
  scores: {undeveloped: 0, developing: 1, achieving: 2, excelling: 3}
  bands: [{below: 9, rating: achieving}, {below: 10, rating: excelling}]
EXTRA
objectives:
  - code: "A"
    title: One
    targets: [{code: A1, title: T}]
`
	f, err := Parse("g.yaml", []byte(strings.Replace(base, "EXTRA", `  colours: {undeveloped: red, developing: amber, achieving: green, excelling: purple}
  owners_grade: false
  services: {objectives: ["A"], aggregate: median}
  descriptors:
    grades: {achieving: Policy is in place and working across the organisation.}
    targets: {A1: {excelling: Every panel for band 7 and above is diverse.}}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	g := f.Grading
	if r, _ := g.ParseGrade("amber"); r != framework.Developing || g.OwnersMayGrade() || !g.PerService("A") ||
		g.Descriptor("A1", framework.Excelling) != "Every panel for band 7 and above is diverse." ||
		g.Descriptor("A1", framework.Achieving) != "Policy is in place and working across the organisation." {
		t.Errorf("grading = %+v", g)
	}
	for extra, want := range map[string]string{
		"  colours: {achieving: green, excelling: green}":      "g.yaml line 6: framework g: achieving and excelling are both green",
		"  services: {objectives: [\"B\"], aggregate: median}": "g.yaml line 6: framework g: services name objective \"B\"",
		"  services: {objectives: [\"A\"], aggregate: mean}":   "g.yaml line 6: framework g: aggregate \"mean\" is not one targetbot knows",
		"  descriptors: {targets: {Z9: {achieving: x}}}":       "g.yaml line 6: framework g: descriptors name target \"Z9\"",
		"  descriptors:\n    grades: {achieving: \"\"}":        "g.yaml line 7: framework g: the descriptor of achieving is empty",
		"  owners_grade: maybe":                                `g.yaml line 6: "owners_grade" should be true or false, not the text "maybe"`,
	} {
		_, err := Parse("g.yaml", []byte(strings.Replace(base, "EXTRA", extra, 1)))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", extra, err, want)
		}
	}
}
