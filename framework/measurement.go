package framework

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Measurement is one value recorded for a metric target in a period. It
// keeps its inputs, author and note, so a reader can check the sum. A
// value that is not meaningful (a zero denominator, a group too small)
// is kept with its inputs and the reason, and Value is 0.
type Measurement struct {
	Target string             `json:"target"` // the target's Ref
	Period Period             `json:"period"`
	Value  float64            `json:"value"`
	Inputs map[string]float64 `json:"inputs,omitempty"`
	Author string             `json:"author"`
	Time   time.Time          `json:"time"`
	Note   string             `json:"note,omitempty"`

	NotMeaningful bool   `json:"not_meaningful,omitempty"`
	Reason        string `json:"reason,omitempty"`

	// Answer and Text are a narrative metric's value (WDES 9b): yes or
	// no, and what was done. Answer is nil for a numeric metric.
	Answer *bool  `json:"answer,omitempty"`
	Text   string `json:"text,omitempty"`
}

// Meaningful reports whether the measurement has a number to compare.
func (v *Measurement) Meaningful() bool { return !v.NotMeaningful && v.Answer == nil }

// Result is what a metric's formula gives for one set of inputs.
type Result struct {
	Value float64
	// NotMeaningful is set, with Reason, when the inputs give no honest
	// number: a zero denominator, or a group below the minimum count.
	NotMeaningful bool
	Reason        string
}

// Compute checks inputs against the definition and computes its
// formula. Wrong inputs are EINVALID *Errors on the field "inputs": an
// unknown or missing name, a negative or non-number value, a broken
// constraint. Inputs that are right but give no honest number (a zero
// denominator, a group count under MinGroupCount) give a Result flagged
// NotMeaningful with its reason, never infinity or NaN.
func (m *Metric) Compute(inputs map[string]float64) (Result, error) {
	if m.Formula == nil {
		return Result{}, FieldErrorf("inputs", "this metric has no formula: record its value as a number")
	}
	var unknown []string
	for name := range inputs {
		if _, ok := m.Input(name); !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Result{}, FieldErrorf("inputs", "unknown input %s: this metric takes %s", strings.Join(unknown, ", "), strings.Join(m.InputNames(), ", "))
	}
	var missing []string
	for _, in := range m.Inputs {
		if _, ok := inputs[in.Name]; !ok {
			missing = append(missing, in.Name+"=…")
		}
	}
	if len(missing) > 0 {
		return Result{}, FieldErrorf("inputs", "missing input: give %s", strings.Join(missing, " "))
	}
	for _, in := range m.Inputs {
		switch v := inputs[in.Name]; {
		case !finite(v):
			return Result{}, FieldErrorf("inputs", "%s must be a number", in.Name)
		case v < 0:
			return Result{}, FieldErrorf("inputs", "%s is %s: a count cannot be negative", in.Name, formatPlain(v))
		}
	}
	for i := range m.Constraints {
		if c := &m.Constraints[i]; !c.Holds(inputs) {
			return Result{}, FieldErrorf("inputs", "%s", c.explain(inputs))
		}
	}
	least := float64(m.MinGroupCount())
	for _, in := range m.Inputs {
		if v := inputs[in.Name]; in.GroupCount && v < least {
			return Result{NotMeaningful: true, Reason: fmt.Sprintf("%s is %s, under %d: too few people to compare", in.Name, formatPlain(v), m.MinGroupCount())}, nil
		}
	}
	v, reason := m.Formula.evalMap(inputs)
	if reason != "" {
		return Result{NotMeaningful: true, Reason: reason}, nil
	}
	return Result{Value: v}, nil
}

// SortMeasurements orders ms by period, oldest first, keeping the order
// of measurements of the same period.
func SortMeasurements(ms []Measurement) {
	slices.SortStableFunc(ms, func(a, b Measurement) int { return ComparePeriods(a.Period, b.Period) })
}

// Latest is the measurement of the latest period, the one recorded last
// among several for that period; ok is false when there is none.
func Latest(ms []Measurement) (latest Measurement, ok bool) {
	for i, v := range ms {
		if i == 0 || ComparePeriods(v.Period, latest.Period) >= 0 {
			latest, ok = v, true
		}
	}
	return latest, ok
}

// ParseAnswer reads a narrative metric's answer, yes or no in any case.
// Anything else is an EINVALID *Error on the field "answer".
func ParseAnswer(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, FieldErrorf("answer", "%q is not an answer: give yes or no, then the text", s)
}
