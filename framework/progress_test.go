package framework

import (
	"math"
	"testing"
)

func TestProgress(t *testing.T) {
	pt := func(v float64) *Point { return &Point{Value: v} }
	lower := &Metric{Unit: UnitPercent, Baseline: pt(30), Goal: pt(20)}
	higher := &Metric{Unit: UnitPercent, Direction: HigherBetter, Baseline: pt(40), Goal: pt(60)}
	parity := &Metric{Unit: UnitRatio, Direction: Parity, Baseline: pt(1.75)}
	narrow := &Metric{Unit: UnitRatio, Direction: Parity, Baseline: pt(0.5), Band: &ParityBand{Low: 0.8, High: 1.2}}
	for _, tt := range []struct {
		name   string
		m      *Metric
		latest float64
		want   int
		ok     bool
	}{
		{"the design's example", lower, 25, 50, true},
		{"at the goal", lower, 20, 100, true},
		{"past the goal", lower, 15, 100, true},
		{"the wrong way", lower, 35, 0, true},
		{"at the baseline", lower, 30, 0, true},
		{"a third, rounded", lower, 26.666, 33, true},
		{"half rounds away from zero", higher, 40.1, 1, true},
		{"higher-better", higher, 55, 75, true},
		{"parity: into the band", parity, 1.1, 100, true},
		{"parity: half way to the band", parity, 1.5, 50, true},
		{"parity: further away", parity, 1.9, 0, true},
		{"parity: a workspace's band", narrow, 0.65, 50, true},
		{"no baseline", &Metric{Unit: UnitPercent, Goal: pt(20)}, 25, 0, false},
		{"no goal", &Metric{Unit: UnitPercent, Baseline: pt(20)}, 25, 0, false},
		{"NaN", lower, math.NaN(), 0, false},
		{"narrative", &Metric{Narrative: true}, 1, 0, false},
	} {
		if got, ok := tt.m.Progress(tt.latest); got != tt.want || ok != tt.ok {
			t.Errorf("%s: Progress(%v) = %d, %v; want %d, %v", tt.name, tt.latest, got, ok, tt.want, tt.ok)
		}
	}
	inBand := &Metric{Unit: UnitRatio, Direction: Parity, Baseline: pt(1)}
	if got, _ := inBand.Progress(1.3); got != 0 {
		t.Errorf("a parity metric that starts in its band and leaves it = %d, want 0", got)
	}
}

func TestOutsideBand(t *testing.T) {
	def := &Metric{Unit: UnitRatio}
	custom := &Metric{Unit: UnitRatio, Band: &ParityBand{Low: 0.8, High: 1.2}}
	pct := &Metric{Unit: UnitPercent}
	for _, tt := range []struct {
		m    *Metric
		v    float64
		want bool
	}{
		{def, 0.8, false}, {def, 1.25, false}, {def, 0.79, true}, {def, 1.26, true}, {def, 1.875, true},
		{custom, 1.22, true}, {custom, 1.2, false},
		{pct, 200, false},
		{def, math.Inf(1), false},
	} {
		if got := tt.m.OutsideBand(tt.v); got != tt.want {
			t.Errorf("OutsideBand(%v) with band %+v = %v, want %v", tt.v, tt.m.Band, got, tt.want)
		}
	}
}

func TestAdverseMove(t *testing.T) {
	pt := func(v float64) *Point { return &Point{Value: v} }
	rl := &Metric{Unit: UnitRatio, Direction: Parity, Adverse: AdverseHigher}
	board := &Metric{Unit: UnitPoints, Direction: HigherBetter, Adverse: AdverseLower}
	implicit := &Metric{Unit: UnitPercent, Baseline: pt(30), Goal: pt(20)} // lower-better by its goal
	away := &Metric{Unit: UnitRatio, Direction: Parity}
	for _, tt := range []struct {
		name      string
		m         *Metric
		prev, cur float64
		want      bool
	}{
		{"a relative likelihood rising above parity", rl, 1.59, 1.88, true},
		{"falling", rl, 1.88, 1.59, false},
		{"rising towards parity from below", rl, 0.7, 0.9, false},
		{"rising through parity", rl, 0.9, 1.1, true},
		{"the Board falling further behind", board, -0.64, -4, true},
		{"the Board catching up", board, -4, -0.64, false},
		{"lower-better rising", implicit, 25, 27, true},
		{"lower-better falling", implicit, 27, 25, false},
		{"unchanged", implicit, 25, 25, false},
		{"parity, no way stated: leaving the band", away, 1.1, 1.4, true},
		{"parity, no way stated: further below", away, 0.7, 0.6, true},
		{"parity, no way stated: moving within", away, 0.9, 1.2, false},
		{"NaN", implicit, math.NaN(), 1, false},
	} {
		if got := tt.m.AdverseMove(tt.prev, tt.cur); got != tt.want {
			t.Errorf("%s: AdverseMove(%v, %v) = %v, want %v", tt.name, tt.prev, tt.cur, got, tt.want)
		}
	}
	if (&Metric{Unit: UnitPercent, Direction: HigherBetter}).AdverseWay() != AdverseLower || (&Metric{Narrative: true}).AdverseWay() != "" {
		t.Fatal("AdverseWay")
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{1.875, "1.88"}, {-1.875, "-1.88"}, {1.8749999999999998, "1.88"}, {1.874, "1.87"},
		{1.005, "1.01"}, {0.125, "0.13"}, {2.675, "2.68"}, {0.995, "1.00"}, {9.995, "10.00"}, {99.999, "100.00"},
		{0, "0.00"}, {-0.001, "0.00"}, {-0.005, "-0.01"}, {3.21, "3.21"}, {1234567.891, "1234567.89"},
		{(0.25) / (120.0 / 900), "1.88"}, {math.Inf(1), "n/a"}, {math.NaN(), "n/a"},
	} {
		if got := Format(tt.v); got != tt.want {
			t.Errorf("Format(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
	if Round2(1.875) != 1.88 || Round2(-2.675) != -2.68 || Round2(0.1) != 0.1 {
		t.Fatal("Round2")
	}
}
