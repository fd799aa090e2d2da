package framework

import (
	"fmt"
	"math"
	"strings"
)

// Unit is what a metric's values count.
type Unit string

// The units a metric can have.
const (
	UnitPercent Unit = "percent" // a share, 0 to 100
	UnitRatio   Unit = "ratio"   // such as a relative likelihood; 1 is parity
	UnitPoints  Unit = "points"  // a difference in percentage points, -100 to 100
	UnitCount   Unit = "count"   // a number of people or events
	UnitScore   Unit = "score"   // a survey score, such as staff engagement
)

// Units lists the units in the order help shows them.
var Units = []Unit{UnitPercent, UnitRatio, UnitPoints, UnitCount, UnitScore}

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool { return indexOf(unitNames(), string(u)) >= 0 }

func unitNames() []string {
	names := make([]string, len(Units))
	for i, u := range Units {
		names[i] = string(u)
	}
	return names
}

// Direction is which way a metric should move.
type Direction string

// The directions. Parity metrics aim to be inside their parity band.
const (
	HigherBetter Direction = "higher-better"
	LowerBetter  Direction = "lower-better"
	Parity       Direction = "parity"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == HigherBetter || d == LowerBetter || d == Parity }

// Adverse is which way of moving harms the group a metric protects, as
// the standards state it: WRES indicator 2's relative likelihood is
// adverse to BME applicants when higher, the Board's representation
// difference when lower.
type Adverse string

// The adverse directions.
const (
	AdverseHigher Adverse = "higher"
	AdverseLower  Adverse = "lower"
)

// ParityBand is a parity band: a ratio from Low to High, inclusive, counts as
// parity. The default, 0.80 to 1.25, comes from the US four-fifths rule
// and no NHS England text states it, so it is data a workspace changes.
type ParityBand struct {
	Low  float64 `yaml:"low" json:"low"`
	High float64 `yaml:"high" json:"high"`
}

// DefaultBand is the parity band of a ratio that sets none: 0.80 to 1.25.
func DefaultBand() ParityBand { return ParityBand{Low: 0.80, High: 1.25} }

// Contains reports whether v is inside the band, bounds included.
func (b ParityBand) Contains(v float64) bool { return v >= b.Low && v <= b.High }

// distance is how far v is outside the band, 0 inside it.
func (b ParityBand) distance(v float64) float64 {
	switch {
	case v < b.Low:
		return b.Low - v
	case v > b.High:
		return v - b.High
	}
	return 0
}

// DefaultMinGroup is the smallest group count a formula's value means
// something for: below it, one person more or less swings the ratio.
const DefaultMinGroup = 10

// Point is a value for a period: a metric's baseline or goal.
type Point struct {
	Value float64 `yaml:"value" json:"value"`
	// Period is when the value was, or is due; "" when not said.
	Period Period `yaml:"period,omitempty" json:"period,omitempty"`
}

// Input is one named number a metric's formula reads.
type Input struct {
	Name  string `yaml:"name" json:"name"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Group is the comparison group the input is about, if any.
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
	// GroupCount marks a count of the people in a group (shortlisted
	// applicants, headcount): under MinGroup, the value is not meaningful.
	GroupCount bool `yaml:"group_count,omitempty" json:"group_count,omitempty"`
}

// Metric is how a target is measured by a number rather than by a
// percentage of work done: its unit, which way is better, its baseline
// and goal, and for a computed indicator the formula over named inputs.
// A framework's target may define one (WRES and WDES do); a workspace
// sets the baseline and goal with `measure`.
type Metric struct {
	Unit Unit `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Direction is which way is better; "" takes it from baseline and goal.
	Direction Direction `yaml:"direction,omitempty" json:"direction,omitempty"`
	Baseline  *Point    `yaml:"baseline,omitempty" json:"baseline,omitempty"`
	Goal      *Point    `yaml:"goal,omitempty" json:"goal,omitempty"`
	// Band is the parity band of a parity metric, the default when nil.
	Band *ParityBand `yaml:"band,omitempty" json:"band,omitempty"`
	// Groups are the groups compared, such as White and BME. Numerator
	// is the group on top of a relative likelihood: trusts' labels
	// sometimes invert it, so it is stated, never inferred.
	Groups    []string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Numerator string   `yaml:"numerator,omitempty" json:"numerator,omitempty"`
	// Adverse is which way of moving harms the protected group; "" takes
	// it from Direction. AdverseNote is the standard's own words for it.
	Adverse     Adverse `yaml:"adverse,omitempty" json:"adverse,omitempty"`
	AdverseNote string  `yaml:"adverse_note,omitempty" json:"adverse_note,omitempty"`
	// Formula computes the value from Inputs; nil when values are
	// recorded directly. Constraints are rules the inputs must keep.
	Formula     *Formula     `yaml:"formula,omitempty" json:"formula,omitempty"`
	Inputs      []Input      `yaml:"inputs,omitempty" json:"inputs,omitempty"`
	Constraints []Constraint `yaml:"constraints,omitempty" json:"constraints,omitempty"`
	// MinGroup is the smallest meaningful group count; 0 means DefaultMinGroup.
	MinGroup int `yaml:"min_group,omitempty" json:"min_group,omitempty"`
	// DataSource says where the values come from, such as the NHS Staff Survey.
	DataSource string `yaml:"data_source,omitempty" json:"data_source,omitempty"`
	// Narrative marks a metric answered yes or no with text (WDES 9b),
	// with no number, unit or direction.
	Narrative bool `yaml:"narrative,omitempty" json:"narrative,omitempty"`
}

// MinGroupCount is the smallest group count for which a value means something.
func (m *Metric) MinGroupCount() int {
	if m.MinGroup > 0 {
		return m.MinGroup
	}
	return DefaultMinGroup
}

// Better is the metric's direction: Direction when set, else lower-better
// when the goal is below the baseline, else higher-better.
func (m *Metric) Better() Direction {
	switch {
	case m.Direction != "":
		return m.Direction
	case m.Baseline != nil && m.Goal != nil && m.Goal.Value < m.Baseline.Value:
		return LowerBetter
	}
	return HigherBetter
}

// EffectiveBand is the band a parity metric aims for, or any ratio's
// comparison band: Band when set, else the default for a ratio. ok is
// false for a metric with no band.
func (m *Metric) EffectiveBand() (b ParityBand, ok bool) {
	switch {
	case m.Band != nil:
		return *m.Band, true
	case m.Unit == UnitRatio:
		return DefaultBand(), true
	}
	return ParityBand{}, false
}

// Input returns the input named name.
func (m *Metric) Input(name string) (Input, bool) {
	for _, in := range m.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// InputNames are the names of the metric's inputs, in order.
func (m *Metric) InputNames() []string {
	names := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		names[i] = in.Name
	}
	return names
}

// Validate checks the definition is usable. Its errors are EINVALID
// *Errors whose Field is the path of the wrong item under the metric,
// such as "goal.value" or "inputs[2].name".
func (m *Metric) Validate() error {
	if m.Narrative {
		if m.Unit != "" || m.Direction != "" || m.Formula != nil || len(m.Inputs) > 0 || m.Baseline != nil || m.Goal != nil {
			return FieldErrorf("narrative", "a narrative metric is answered yes or no with text: give it no unit, direction, baseline, goal, formula or inputs")
		}
		return nil
	}
	if !m.Unit.Valid() {
		return FieldErrorf("unit", "unit %q is not one of %s", m.Unit, strings.Join(unitNames(), ", "))
	}
	if m.Direction != "" && !m.Direction.Valid() {
		return FieldErrorf("direction", "direction %q is not one of higher-better, lower-better or parity", m.Direction)
	}
	if m.Adverse != "" && m.Adverse != AdverseHigher && m.Adverse != AdverseLower {
		return FieldErrorf("adverse", "adverse %q is not higher or lower", m.Adverse)
	}
	if err := m.validateBand(); err != nil {
		return err
	}
	if err := m.validatePoints(); err != nil {
		return err
	}
	if m.Numerator != "" && indexOf(m.Groups, m.Numerator) < 0 {
		return FieldErrorf("numerator", "numerator %q is not one of the groups %s", m.Numerator, strings.Join(m.Groups, ", "))
	}
	if m.MinGroup < 0 {
		return FieldErrorf("min_group", "min_group %d cannot be negative", m.MinGroup)
	}
	return m.validateInputs()
}

func (m *Metric) validateBand() error {
	if m.Band != nil {
		b := *m.Band
		if !finite(b.Low) || !finite(b.High) || b.Low >= b.High {
			return FieldErrorf("band", "the band's low (%s) must be below its high (%s)", formatPlain(b.Low), formatPlain(b.High))
		}
	}
	if _, ok := m.EffectiveBand(); m.Direction == Parity && !ok {
		return FieldErrorf("band", "a parity %s metric needs a band: give its low and high", m.Unit)
	}
	return nil
}

func (m *Metric) validatePoints() error {
	for _, p := range []struct {
		field string
		pt    *Point
	}{{"baseline", m.Baseline}, {"goal", m.Goal}} {
		if p.pt == nil {
			continue
		}
		if err := m.checkValue(p.field+".value", p.field+": ", p.pt.Value); err != nil {
			return err
		}
		if err := checkPeriod(p.field+".period", p.pt.Period); err != nil {
			return err
		}
	}
	b, g := m.Baseline, m.Goal
	if b == nil || g == nil || m.Direction == Parity {
		return nil
	}
	switch {
	case g.Value == b.Value:
		return FieldErrorf("goal.value", "the goal (%s) equals the baseline: set a goal the metric should move to", formatPlain(g.Value))
	case m.Direction == HigherBetter && g.Value < b.Value:
		return FieldErrorf("goal.value", "the goal (%s) is below the baseline (%s) of a higher-better metric", formatPlain(g.Value), formatPlain(b.Value))
	case m.Direction == LowerBetter && g.Value > b.Value:
		return FieldErrorf("goal.value", "the goal (%s) is above the baseline (%s) of a lower-better metric", formatPlain(g.Value), formatPlain(b.Value))
	}
	if b.Period != "" && g.Period != "" && ComparePeriods(g.Period, b.Period) < 0 {
		return FieldErrorf("goal.period", "the goal's period %s is before the baseline's %s", g.Period, b.Period)
	}
	return nil
}

func (m *Metric) validateInputs() error {
	seen := map[string]bool{}
	for i, in := range m.Inputs {
		if !validName(in.Name) {
			return FieldErrorf(fmt.Sprintf("inputs[%d].name", i), "input name %q must be letters, digits and underscores, starting with a letter (at most 40)", in.Name)
		}
		if seen[in.Name] {
			return FieldErrorf(fmt.Sprintf("inputs[%d].name", i), "input %s appears twice", in.Name)
		}
		if in.Group != "" && len(m.Groups) > 0 && indexOf(m.Groups, in.Group) < 0 {
			return FieldErrorf(fmt.Sprintf("inputs[%d].group", i), "input %s is about group %q, which is not one of %s", in.Name, in.Group, strings.Join(m.Groups, ", "))
		}
		seen[in.Name] = true
	}
	if m.Formula != nil {
		for _, name := range m.Formula.inputs {
			if !seen[name] {
				return FieldErrorf("formula", "formula %q reads %s, which is not an input: list it under inputs", m.Formula.src, name)
			}
		}
	} else if len(m.Inputs) > 0 {
		return FieldErrorf("inputs", "inputs need a formula that computes the value from them")
	}
	for i := range m.Constraints {
		c := &m.Constraints[i]
		if c.left == nil {
			return FieldErrorf(fmt.Sprintf("constraints[%d]", i), "constraint %d is empty", i+1)
		}
		for _, name := range c.Inputs() {
			if !seen[name] {
				return FieldErrorf(fmt.Sprintf("constraints[%d]", i), "constraint %q reads %s, which is not an input", c.src, name)
			}
		}
	}
	return nil
}

// validName reports whether s can name an input: an identifier as the
// formula reads it, at most 40 characters.
func validName(s string) bool {
	if s == "" || len(s) > 40 || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentStart(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

// CheckValue checks a value recorded, or set as a baseline or goal, fits
// the unit: a finite number; 0 to 100 for percent; -100 to 100 for
// points; not negative for a ratio or count. Its errors are EINVALID
// on the field "value".
func (m *Metric) CheckValue(v float64) error { return m.checkValue("value", "", v) }

// checkValue is CheckValue for the named field, its messages prefixed.
func (m *Metric) checkValue(field, prefix string, v float64) error {
	switch {
	case !finite(v):
		return FieldErrorf(field, "%sa value must be a number", prefix)
	case m.Unit == UnitPercent && (v < 0 || v > 100):
		return FieldErrorf(field, "%s%s is not a percentage from 0 to 100", prefix, formatPlain(v))
	case m.Unit == UnitPoints && (v < -100 || v > 100):
		return FieldErrorf(field, "%s%s is not a difference in percentage points from -100 to 100", prefix, formatPlain(v))
	case (m.Unit == UnitRatio || m.Unit == UnitCount) && v < 0:
		return FieldErrorf(field, "%sa %s cannot be negative (%s)", prefix, m.Unit, formatPlain(v))
	}
	return nil
}
