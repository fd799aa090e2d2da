package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// WRES and WDES are transcribed from the reference: every title appears
// in it word for word, opening a quotation, unless the reference elides a shared
// opening (WDES 4a(ii), 4a(iii)) or the wording is marked unverified.
func TestWRESAndWDESMatchReference(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "reference", "wres-wdes.md"))
	if err != nil {
		t.Fatal(err)
	}
	ref := tidy(string(data))
	for _, tt := range []struct {
		id, codes string
		elided    map[string]string // code → the part after the reference's "…"
	}{
		{"wres", "1 2 3 4 5 6 7 8 9", nil},
		{"wdes", "1 2 3 4a-i 4a-ii 4a-iii 4b 5 6 7 8 9a 9b 10", map[string]string{
			"4a-ii":  "experiencing harassment, bullying or abuse from managers",
			"4a-iii": "experiencing harassment, bullying or abuse from other colleagues",
		}},
	} {
		f := builtin(t, tt.id)
		if _, got := codes(f); strings.Join(got, " ") != tt.codes {
			t.Errorf("%s codes = %v, want %s", tt.id, got, tt.codes)
		}
		for _, o := range f.Objectives {
			for _, tg := range o.Targets {
				switch tail, ok := tt.elided[tg.Code]; {
				case ok:
					if !strings.Contains(ref, `"… `+tail+`"`) || !strings.HasSuffix(tg.Title, tail) {
						t.Errorf("%s/%s = %q, want it to end with the reference's %q", tt.id, tg.Code, tg.Title, tail)
					}
				case tg.Unverified != "" && !strings.Contains(ref, tg.Title):
					// Wording no source confirmed: kept, and marked so.
				case !strings.Contains(ref, `"`+tg.Title):
					t.Errorf("%s/%s is not word for word from the reference: %q", tt.id, tg.Code, tg.Title)
				}
				if tg.Metric == nil {
					t.Errorf("%s/%s has no metric", tt.id, tg.Code)
				}
			}
		}
	}
	for _, ref := range []string{"wdes/7", "wdes/9b", "wres/2", "wres/3", "wdes/2"} {
		fw, code := framework.SplitRef(ref)
		if s, _ := builtin(t, fw).Spec(code); s.Unverified == "" {
			t.Errorf("%s should say what is unverified", ref)
		}
	}
}

// The built-in indicators compute what the design and the reference say.
func TestBuiltinFormulas(t *testing.T) {
	for _, tt := range []struct {
		ref  string
		in   map[string]float64
		want string
	}{
		{"wres/2", map[string]float64{"white_shortlisted": 1200, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 120}, "1.88"},
		// KMPT: White 0.7%, BAME 1.2%, "1.7 times more likely".
		{"wres/3", map[string]float64{"bme_entering_formal_disciplinary": 12, "bme_headcount": 1000, "white_entering_formal_disciplinary": 7, "white_headcount": 1000}, "1.71"},
		{"wres/4", map[string]float64{"white_accessing_cpd": 50, "white_headcount": 100, "bme_accessing_cpd": 25, "bme_headcount": 100}, "2.00"},
		// KMPT: Board BAME 17%, workforce 21%.
		{"wres/9", map[string]float64{"pct_bme_board_voting": 17, "pct_bme_overall_workforce": 21}, "-4.00"},
		// Christie's rates 46.99% and 14.65%: "3.2 times more likely".
		{"wdes/2", map[string]float64{"nondisabled_shortlisted": 10000, "nondisabled_appointed": 4699, "disabled_shortlisted": 10000, "disabled_appointed": 1465}, "3.21"},
		{"wdes/3", map[string]float64{"disabled_entering_formal_capability": 3, "disabled_headcount": 100, "nondisabled_entering_formal_capability": 10, "nondisabled_headcount": 1000}, "3.00"},
		{"wdes/10", map[string]float64{"pct_disabled_board_voting": 5, "pct_disabled_overall_workforce": 4.36}, "0.64"},
	} {
		fw, code := framework.SplitRef(tt.ref)
		s, ok := builtin(t, fw).Spec(code)
		if !ok || s.Metric == nil {
			t.Fatalf("%s has no metric", tt.ref)
		}
		r, err := s.Metric.Compute(tt.in)
		if err != nil || r.NotMeaningful || framework.Format(r.Value) != tt.want {
			t.Errorf("%s = %+v, %v; want %s", tt.ref, r, err, tt.want)
		}
	}
	w2, _ := builtin(t, "wres").Spec("2")
	if r, _ := w2.Metric.Compute(map[string]float64{"white_shortlisted": 1200, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 120}); !w2.Metric.OutsideBand(r.Value) {
		t.Error("wres/2 at 1.88 should be outside the parity band")
	}
	if _, err := w2.Metric.Compute(map[string]float64{"white_shortlisted": 100, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 120}); framework.ErrorCode(err) != framework.EINVALID {
		t.Errorf("more appointed than shortlisted = %v, want EINVALID", err)
	}
	if s, _ := builtin(t, "wdes").Spec("9b"); !s.Metric.Narrative {
		t.Error("wdes/9b should be narrative")
	}
	if s, _ := builtin(t, "wdes").Spec("2"); s.Metric.Numerator != "non-disabled" {
		t.Errorf("wdes/2's numerator = %q: the official order is non-disabled over Disabled", s.Metric.Numerator)
	}
}

func TestParseMetricErrors(t *testing.T) {
	head := "id: x\nname: X\nobjectives:\n  - code: \"1\"\n    title: One\n    targets:\n      - code: \"1.1\"\n        title: A\n        metric:\n"
	for _, tt := range []struct{ name, metric, want string }{
		{"bad formula", "          unit: ratio\n          formula: (a / b\n", "bad.yaml line 11: formula \"(a / b\": a ( at character 1 is not closed"},
		{"bad constraint", "          unit: ratio\n          formula: a / b\n          inputs: [{name: a}, {name: b}]\n          constraints:\n            - a <= b\n            - a\n", "bad.yaml line 15: constraint \"a\""},
		{"undeclared input", "          unit: ratio\n          formula: a / b\n          inputs: [{name: a}]\n", "bad.yaml line 11: framework x: target 1.1: formula \"a / b\" reads b"},
		{"bad unit", "          unit: kg\n", "bad.yaml line 10: framework x: target 1.1: unit \"kg\""},
		{"goal equals baseline", "          unit: percent\n          baseline: {value: 30}\n          goal: {value: 30}\n", "bad.yaml line 12: framework x: target 1.1: the goal (30) equals the baseline"},
		{"bad period", "          unit: percent\n          baseline: {value: 30, period: 2026-27}\n", "bad.yaml line 11: framework x: target 1.1: \"2026-27\" is not a period"},
		{"unknown field", "          unit: percent\n          colour: red\n", `bad.yaml line 11: unknown field "colour" in a metric`},
	} {
		_, err := Parse("bad.yaml", []byte(head+tt.metric))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse = %v, want %q", tt.name, err, tt.want)
		}
	}
}
