package framework

import (
	"testing"
)

func TestTrendAndRead(t *testing.T) {
	m := wres2(t)
	v := func(p Period, x float64) Measurement { return Measurement{Target: "wres/2", Period: p, Value: x} }
	lost := Measurement{Target: "wres/2", Period: "2025", NotMeaningful: true, Reason: "too few"}
	for _, tt := range []struct {
		name    string
		values  []Measurement
		change  []string // each row's change as shown, "" for none
		outside []bool
		adverse []bool
	}{
		{"rising above parity", []Measurement{v("2024", 1.1), v("2025", 1.59), v("2026", 1.875)}, []string{"", "0.49", "0.29"}, []bool{false, true, true}, []bool{false, true, true}},
		{"falling into the band", []Measurement{v("2025", 1.59), v("2026", 1.2)}, []string{"", "-0.39"}, []bool{true, false}, []bool{false, false}},
		{"a value not meaningful breaks the change", []Measurement{v("2024", 1.1), lost, v("2026", 1.3)}, []string{"", "", ""}, []bool{false, false, true}, []bool{false, false, false}},
	} {
		rows := m.Trend(tt.values)
		for i, r := range rows {
			got := ""
			if r.HasChange {
				got = Format(r.Change)
			}
			if got != tt.change[i] || r.Outside != tt.outside[i] || r.Adverse != tt.adverse[i] {
				t.Errorf("%s: row %d = change %q outside %v adverse %v; want %q %v %v", tt.name, i, got, r.Outside, r.Adverse, tt.change[i], tt.outside[i], tt.adverse[i])
			}
		}
	}
	pct := &Metric{Unit: UnitPercent, Baseline: &Point{Value: 30}, Goal: &Point{Value: 20}}
	r := pct.Read([]Measurement{{Period: "2025", Value: 28}, {Period: "2026", Value: 25}})
	if !r.Recorded() || !r.HasProgress || r.Progress != 50 || r.Latest.Period != "2026" || Format(r.Latest.Change) != "-3.00" {
		t.Errorf("Read = %+v", r)
	}
	if r := pct.Read(nil); r.Recorded() || r.HasProgress {
		t.Errorf("Read(nil) = %+v", r)
	}
}

func TestMetricBook(t *testing.T) {
	spec := wres2(t)
	b := MetricBook{Settings: map[string]MetricSettings{
		"wres/2":  {Band: &ParityBand{Low: 0.8, High: 1.2}},
		"eds/2.8": {Unit: UnitPercent, Baseline: &Point{Value: 30}, Goal: &Point{Value: 20}},
		"eds/2.9": {Band: &ParityBand{Low: 0.8, High: 1.2}}, // a band alone does not make a metric
	}}
	for _, tt := range []struct {
		ref  string
		spec *Metric
		ok   bool
		unit Unit
	}{
		{"wres/2", spec, true, UnitRatio},
		{"wres/3", spec, true, UnitRatio},
		{"eds/2.8", nil, true, UnitPercent},
		{"eds/2.9", nil, false, ""},
		{"eds/1.1", nil, false, ""},
	} {
		m, ok := b.Definition(tt.ref, tt.spec)
		if ok != tt.ok || (ok && m.Unit != tt.unit) {
			t.Errorf("Definition(%s) = %+v, %v", tt.ref, m, ok)
		}
	}
	if m, _ := b.Definition("wres/2", spec); m.Band.High != 1.2 || m.Formula == nil || spec.Band != nil {
		t.Errorf("the workspace's band is laid over a copy of the definition: %+v (spec %+v)", m, spec)
	}
	b.Add(Measurement{Target: "wres/2", Period: "2026", Value: 1})
	b.Add(Measurement{Target: "wres/2", Period: "2025/26", Value: 2})
	b.Add(Measurement{Target: "wres/2", Period: "2026", Value: 3})
	s := b.Series("wres/2")
	// 2025/26 began in April 2025, before 2026; re-recording 2026 replaced it.
	if len(s) != 2 || s[0].Period != "2025/26" || s[0].Value != 2 || s[1].Period != "2026" || s[1].Value != 3 {
		t.Errorf("Series = %+v", s)
	}
}
