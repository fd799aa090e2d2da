package framework

import (
	"encoding/json"
	"strings"
	"testing"
)

// wres2 is WRES indicator 2 as the built-in framework defines it, built
// from JSON as a store would load it.
func wres2(tb testing.TB) *Metric {
	tb.Helper()
	var m Metric
	err := json.Unmarshal([]byte(`{
		"unit": "ratio", "direction": "parity", "groups": ["White", "BME"], "numerator": "White", "adverse": "higher",
		"formula": "ratio = (white_appointed / white_shortlisted) / (bme_appointed / bme_shortlisted)",
		"inputs": [
			{"name": "white_shortlisted", "group": "White", "group_count": true},
			{"name": "white_appointed", "group": "White"},
			{"name": "bme_shortlisted", "group": "BME", "group_count": true},
			{"name": "bme_appointed", "group": "BME"}
		],
		"constraints": ["white_appointed <= white_shortlisted", "bme_appointed <= bme_shortlisted"]
	}`), &m)
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		tb.Fatal(err)
	}
	return &m
}

func TestCompute(t *testing.T) {
	m := wres2(t)
	in := func(ws, wa, bs, ba float64) map[string]float64 {
		return map[string]float64{"white_shortlisted": ws, "white_appointed": wa, "bme_shortlisted": bs, "bme_appointed": ba}
	}
	for _, tt := range []struct {
		name   string
		in     map[string]float64
		want   string // the value as shown, or the reason's substring when not meaningful
		flag   bool
		errHas string
	}{
		{"the design's example", in(1200, 300, 900, 120), "1.88", false, ""},
		{"parity", in(100, 10, 100, 10), "1.00", false, ""},
		{"no BME appointed", in(100, 10, 100, 0), "bme_appointed / bme_shortlisted) is 0", true, ""},
		{"a group of 9", in(100, 10, 9, 1), "bme_shortlisted is 9, under 10", true, ""},
		{"a group of exactly 10", in(100, 10, 10, 1), "1.00", false, ""},
		{"nobody shortlisted", in(0, 0, 100, 10), "white_shortlisted is 0, under 10", true, ""},
		{"unknown input", map[string]float64{"white_shortlisted": 1, "white_appointed": 1, "bme_shortlisted": 1, "bme_appointed": 1, "bme_hired": 1}, "", false, "unknown input bme_hired: this metric takes white_shortlisted, white_appointed, bme_shortlisted, bme_appointed"},
		{"missing input", map[string]float64{"white_shortlisted": 1, "white_appointed": 1}, "", false, "missing input: give bme_shortlisted=… bme_appointed=…"},
		{"negative count", in(100, -1, 100, 10), "", false, "white_appointed is -1: a count cannot be negative"},
		{"more appointed than shortlisted", in(100, 10, 100, 120), "", false, "bme_appointed <= bme_shortlisted must hold, but bme_appointed is 120 and bme_shortlisted is 100"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Compute(tt.in)
			if tt.errHas != "" {
				if ErrorCode(err) != EINVALID || ErrorField(err) != "inputs" || !strings.Contains(ErrorMessage(err), tt.errHas) {
					t.Fatalf("Compute = %v, want EINVALID with %q", err, tt.errHas)
				}
				return
			}
			switch {
			case err != nil:
				t.Fatal(err)
			case r.NotMeaningful != tt.flag:
				t.Fatalf("Compute = %+v, want not meaningful %v", r, tt.flag)
			case tt.flag && (r.Value != 0 || !strings.Contains(r.Reason, tt.want)):
				t.Fatalf("Compute = %+v, want 0 and a reason with %q", r, tt.want)
			case !tt.flag && Format(r.Value) != tt.want:
				t.Fatalf("Compute = %+v, shown %s, want %s", r, Format(r.Value), tt.want)
			}
		})
	}
	plain := &Metric{Unit: UnitPercent}
	if _, err := plain.Compute(map[string]float64{"a": 1}); ErrorCode(err) != EINVALID {
		t.Fatalf("Compute on a metric with no formula = %v", err)
	}
	r, _ := m.Compute(in(1200, 300, 900, 120))
	if !m.OutsideBand(r.Value) {
		t.Fatalf("1.88 should be outside the default band")
	}
}

func TestMetricValidate(t *testing.T) {
	pt := func(v float64, p Period) *Point { return &Point{Value: v, Period: p} }
	f, _ := ParseFormula("a / b")
	c, _ := ParseConstraint("a <= z")
	for _, tt := range []struct {
		name  string
		m     Metric
		field string
		has   string
	}{
		{"no unit", Metric{}, "unit", `unit "" is not one of percent, ratio, points, count, score`},
		{"bad unit", Metric{Unit: "kg"}, "unit", `unit "kg"`},
		{"bad direction", Metric{Unit: UnitPercent, Direction: "up"}, "direction", "higher-better, lower-better or parity"},
		{"bad adverse", Metric{Unit: UnitPercent, Adverse: "up"}, "adverse", "higher or lower"},
		{"goal equals baseline", Metric{Unit: UnitPercent, Baseline: pt(30, "2025"), Goal: pt(30, "2027")}, "goal.value", "the goal (30) equals the baseline"},
		{"goal the wrong way", Metric{Unit: UnitPercent, Direction: HigherBetter, Baseline: pt(30, ""), Goal: pt(20, "")}, "goal.value", "below the baseline"},
		{"goal the wrong way down", Metric{Unit: UnitPercent, Direction: LowerBetter, Baseline: pt(20, ""), Goal: pt(30, "")}, "goal.value", "above the baseline"},
		{"goal before baseline", Metric{Unit: UnitPercent, Baseline: pt(30, "2027"), Goal: pt(20, "2026/27")}, "goal.period", "before the baseline"},
		{"bad period", Metric{Unit: UnitPercent, Baseline: pt(30, "2026-27"), Goal: pt(20, "")}, "baseline.period", "not a period"},
		{"percent over 100", Metric{Unit: UnitPercent, Baseline: pt(130, "")}, "baseline.value", "not a percentage"},
		{"inverted band", Metric{Unit: UnitRatio, Band: &ParityBand{Low: 1.25, High: 0.8}}, "band", "must be below its high"},
		{"parity percent without band", Metric{Unit: UnitPercent, Direction: Parity}, "band", "needs a band"},
		{"numerator not a group", Metric{Unit: UnitRatio, Groups: []string{"White", "BME"}, Numerator: "Asian"}, "numerator", "not one of the groups"},
		{"formula reads an undeclared input", Metric{Unit: UnitRatio, Formula: f, Inputs: []Input{{Name: "a"}}}, "formula", "reads b, which is not an input"},
		{"inputs without formula", Metric{Unit: UnitRatio, Inputs: []Input{{Name: "a"}}}, "inputs", "need a formula"},
		{"bad input name", Metric{Unit: UnitRatio, Formula: f, Inputs: []Input{{Name: "a"}, {Name: "b c"}}}, "inputs[1].name", "must be letters"},
		{"input twice", Metric{Unit: UnitRatio, Formula: f, Inputs: []Input{{Name: "a"}, {Name: "b"}, {Name: "a"}}}, "inputs[2].name", "appears twice"},
		{"input of an unknown group", Metric{Unit: UnitRatio, Groups: []string{"White"}, Formula: f, Inputs: []Input{{Name: "a", Group: "BME"}, {Name: "b"}}}, "inputs[0].group", "not one of White"},
		{"constraint reads an undeclared input", Metric{Unit: UnitRatio, Formula: f, Inputs: []Input{{Name: "a"}, {Name: "b"}}, Constraints: []Constraint{*c}}, "constraints[0]", "reads z"},
		{"negative min group", Metric{Unit: UnitCount, MinGroup: -1}, "min_group", "negative"},
		{"narrative with a unit", Metric{Narrative: true, Unit: UnitPercent}, "narrative", "yes or no"},
	} {
		err := tt.m.Validate()
		if ErrorCode(err) != EINVALID || ErrorField(err) != tt.field || !strings.Contains(ErrorMessage(err), tt.has) {
			t.Errorf("%s: Validate = %v (field %q), want EINVALID on %s with %q", tt.name, err, ErrorField(err), tt.field, tt.has)
		}
	}
	for _, ok := range []Metric{
		{Unit: UnitPercent, Baseline: pt(30, "2025/26"), Goal: pt(20, "2027/28")},
		{Unit: UnitRatio, Direction: Parity, Baseline: pt(1.59, "2025")},
		{Unit: UnitPoints, Direction: Parity, Band: &ParityBand{Low: -2, High: 2}},
		{Narrative: true},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", ok, err)
		}
	}
}

func TestCheckValue(t *testing.T) {
	for _, tt := range []struct {
		unit Unit
		v    float64
		ok   bool
	}{
		{UnitPercent, 0, true}, {UnitPercent, 100, true}, {UnitPercent, 100.5, false}, {UnitPercent, -1, false},
		{UnitPoints, -4, true}, {UnitPoints, -101, false},
		{UnitRatio, 1.88, true}, {UnitRatio, -0.1, false},
		{UnitCount, 0, true}, {UnitCount, -1, false},
		{UnitScore, 7.4, true},
	} {
		m := Metric{Unit: tt.unit}
		if err := m.CheckValue(tt.v); (err == nil) != tt.ok {
			t.Errorf("%s %v: CheckValue = %v, want ok %v", tt.unit, tt.v, err, tt.ok)
		}
	}
}

func TestLatest(t *testing.T) {
	ms := []Measurement{{Period: "2026", Value: 2}, {Period: "2025/26", Value: 1}, {Period: "2026", Value: 3}, {Period: "2024", Value: 0}}
	if l, ok := Latest(ms); !ok || l.Value != 3 {
		t.Fatalf("Latest = %+v, %v; want the later of the two 2026 values", l, ok)
	}
	SortMeasurements(ms)
	var got []float64
	for _, m := range ms {
		got = append(got, m.Value)
	}
	if want := []float64{0, 1, 2, 3}; !equalFloats(got, want) {
		t.Fatalf("sorted = %v, want %v", got, want)
	}
	if _, ok := Latest(nil); ok {
		t.Fatal("Latest(nil) ok")
	}
	yes := true
	if (&Measurement{Answer: &yes}).Meaningful() || (&Measurement{NotMeaningful: true}).Meaningful() || !(&Measurement{}).Meaningful() {
		t.Fatal("Meaningful")
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A definition travels through JSON, as a store keeps it, with its
// formula and constraints parsed again on the way back.
func TestMetricJSONRoundTrip(t *testing.T) {
	m := wres2(t)
	m.Baseline = &Point{Value: 1.59, Period: "2025"}
	m.Band = &ParityBand{Low: 0.8, High: 1.2}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"constraints":["white_appointed \u003c= white_shortlisted","bme_appointed \u003c= bme_shortlisted"]`) {
		t.Fatalf("json = %s", b)
	}
	var back Metric
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	in := map[string]float64{"white_shortlisted": 1200, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 920}
	if _, err := back.Compute(in); ErrorCode(err) != EINVALID {
		t.Fatalf("constraint lost in the round trip: %v", err)
	}
	in["bme_appointed"] = 120
	if r, err := back.Compute(in); err != nil || Format(r.Value) != "1.88" || back.Band.High != 1.2 || back.Baseline.Period != "2025" {
		t.Fatalf("round trip = %+v, %v, %+v", r, err, back)
	}
}

func TestParseAnswer(t *testing.T) {
	for _, tt := range []struct {
		s        string
		want, ok bool
	}{{"yes", true, true}, {"No", false, true}, {" YES ", true, true}, {"y", false, false}, {"", false, false}} {
		got, err := ParseAnswer(tt.s)
		if got != tt.want || (err == nil) != tt.ok || (err != nil && ErrorField(err) != "answer") {
			t.Errorf("ParseAnswer(%q) = %v, %v", tt.s, got, err)
		}
	}
}
