package framework

import (
	"time"
)

// MetricSettings is what a workspace set for one target's metric with
// `measure`: the unit and direction of a custom target's metric, and the
// baseline, goal and parity band of any. Zero fields leave the
// framework's definition as it is, so a built-in indicator keeps its
// formula and groups under a workspace's own goal.
type MetricSettings struct {
	Unit      Unit        `json:"unit,omitempty"`
	Direction Direction   `json:"direction,omitempty"`
	Baseline  *Point      `json:"baseline,omitempty"`
	Goal      *Point      `json:"goal,omitempty"`
	Band      *ParityBand `json:"band,omitempty"`
	// By and At are who set them last, and when.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// Apply returns the metric a workspace measures: a copy of spec (the
// framework's definition, nil for a custom target) with s laid over it.
// The copy shares spec's parsed formula and constraints, which never
// change.
func (s *MetricSettings) Apply(spec *Metric) *Metric {
	var m Metric
	if spec != nil {
		m = *spec
	}
	if s == nil {
		return &m
	}
	if s.Unit != "" {
		m.Unit = s.Unit
	}
	if s.Direction != "" {
		m.Direction = s.Direction
	}
	if s.Baseline != nil {
		m.Baseline = s.Baseline
	}
	if s.Goal != nil {
		m.Goal = s.Goal
	}
	if s.Band != nil {
		m.Band = s.Band
	}
	return &m
}

// MetricBook is a workspace's metric settings and recorded values, as
// its stores keep them: settings by target ref, and for each ref one
// value per period, oldest first (recording a period again replaces its
// value; the history keeps both).
type MetricBook struct {
	Settings map[string]MetricSettings
	Values   map[string][]Measurement
}

// Definition is the metric the workspace measures ref by, given the
// framework's definition spec (nil when the framework defines none),
// and whether ref is measured at all: by its framework, or by the
// workspace's `measure`.
func (b *MetricBook) Definition(ref string, spec *Metric) (*Metric, bool) {
	s, set := b.Settings[ref]
	if spec == nil && (!set || s.Unit == "") {
		return nil, false
	}
	return s.Apply(spec), true
}

// Series is ref's values, one per period, oldest first.
func (b *MetricBook) Series(ref string) []Measurement { return b.Values[ref] }

// Add files v under its target, replacing any value of the same period
// and keeping the series in period order.
func (b *MetricBook) Add(v Measurement) {
	if b.Values == nil {
		b.Values = map[string][]Measurement{}
	}
	vs := b.Values[v.Target]
	for i := range vs {
		if vs[i].Period == v.Period {
			vs[i] = v
			return
		}
	}
	vs = append(vs, v)
	SortMeasurements(vs)
	b.Values[v.Target] = vs
}

// Workspace event kinds of metrics. Their Title is the target's ref and
// Cycle the period, as a rate event's Cycle is the cycle it graded.
const (
	// EventMeasure records `measure`: To is the settings as shown.
	EventMeasure EventKind = "measure"
	// EventRecord records a value: From is the value it replaced ("" for
	// none), To the value with its inputs, Reason the note.
	EventRecord EventKind = "record"
)

// MetricOf is the framework's definition of the metric of the target
// with the given code, or nil when it defines none.
func (f *Framework) MetricOf(code string) *Metric {
	if s, ok := f.Spec(code); ok {
		return s.Metric
	}
	return nil
}
