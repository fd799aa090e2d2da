package commands

import (
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// Readers for the metric verbs: measure's settings and record's value.
// Both take the words after the target as one text argument, so a form
// and a typed line are read by the same code.

// maxMetricArgs bounds how many words measure and record read.
const maxMetricArgs = 64

// measureArgs is what `measure` sets: a band, or the unit, direction,
// baseline and goal.
type measureArgs struct {
	band     *framework.ParityBand
	settings framework.MetricSettings
}

// parseMetricNumber reads a number as people type it: 30, 1.25, 30%.
func parseMetricNumber(field, s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || s == "" || strings.ContainsAny(s, "eEnN") {
		return 0, framework.FieldErrorf(field, "%s is not a number: give one like 30 or 1.25", code(short(s, 30)))
	}
	return v, nil
}

// readMeasure reads `<unit> [direction] baseline <v> [<period>] goal <v>
// [<period>]` or `band <low> <high>`.
func readMeasure(c *call) (measureArgs, error) {
	const hint = "give a unit, then `baseline <value> [<period>] goal <value> [<period>]`, or `band <low> <high>`"
	words := strings.Fields(c.arg("settings"))
	if c.text() && c.args.len() > 0 {
		words = strings.Fields(c.args.from(1))
	}
	if len(words) == 0 {
		return measureArgs{}, usageError("measure", "settings", hint)
	}
	if len(words) > maxMetricArgs {
		return measureArgs{}, usageError("measure", "settings", "too many words: "+hint)
	}
	if strings.EqualFold(words[0], "band") {
		if len(words) != 3 {
			return measureArgs{}, usageError("measure", "band", "give the band's low and high, like `band 0.8 1.25`")
		}
		lo, err := parseMetricNumber("band", words[1])
		if err != nil {
			return measureArgs{}, err
		}
		hi, err := parseMetricNumber("band", words[2])
		if err != nil {
			return measureArgs{}, err
		}
		return measureArgs{band: &framework.ParityBand{Low: lo, High: hi}}, nil
	}
	var a measureArgs
	a.settings.Unit = framework.Unit(strings.ToLower(words[0]))
	if !a.settings.Unit.Valid() {
		return a, framework.FieldErrorf("unit", "%s is not a unit: use percent, ratio, points, count or score", code(short(words[0], 30)))
	}
	i := 1
	if i < len(words) {
		if d := framework.Direction(strings.ToLower(words[i])); d.Valid() {
			a.settings.Direction = d
			i++
		}
	}
	for i < len(words) {
		which := strings.ToLower(words[i])
		if which != "baseline" && which != "goal" {
			return a, usageError("measure", "settings", code(short(words[i], 30))+" is not understood here: "+hint)
		}
		if i+1 >= len(words) {
			return a, framework.FieldErrorf(which, "give the %s's value, like `%s 30`", which, which)
		}
		v, err := parseMetricNumber(which, words[i+1])
		if err != nil {
			return a, err
		}
		p := &framework.Point{Value: v}
		i += 2
		if i < len(words) && !isMeasureKeyword(words[i]) {
			if p.Period, err = framework.ParsePeriod(words[i]); err != nil {
				return a, err
			}
			i++
		}
		if which == "baseline" {
			a.settings.Baseline = p
		} else {
			a.settings.Goal = p
		}
	}
	if a.settings.Baseline == nil || a.settings.Goal == nil && a.settings.Direction != framework.Parity {
		return a, usageError("measure", "baseline", "give a baseline and a goal: "+hint)
	}
	return a, nil
}

func isMeasureKeyword(w string) bool {
	return strings.EqualFold(w, "baseline") || strings.EqualFold(w, "goal")
}

// recordArgs is what `record` gives: the period, then a value, inputs,
// or a narrative answer, and a note.
type recordArgs struct {
	period framework.Period
	value  *float64
	inputs map[string]float64
	answer *bool
	note   string
}

// readRecord reads `<period> <value>|<input>=<n>…|yes|no [note…]`. What
// the words after the period mean depends on the metric, so they are
// read by readRecordValue once it is known; here only the period.
func readRecord(c *call) (framework.Period, []string, error) {
	if c.text() && c.args.len() < 3 {
		return "", nil, usageError("record", "value", "name a target, a period like 2026 or 2026/27, and a value or its inputs")
	}
	p, err := framework.ParsePeriod(short(c.arg("period"), 30))
	if err != nil {
		return "", nil, err
	}
	words := strings.Fields(c.arg("value"))
	if c.text() {
		words = words[:0]
		for i := 2; i < c.args.len(); i++ {
			words = append(words, c.args.at(i))
		}
	}
	if len(words) == 0 {
		return "", nil, usageError("record", "value", "give a value, or the inputs as name=n")
	}
	return p, words, nil
}

// readRecordValue reads the words after the period for metric m.
func readRecordValue(m *framework.Metric, p framework.Period, words []string) (recordArgs, error) {
	a := recordArgs{period: p}
	rest := func(i int) string { return strings.Join(words[i:], " ") }
	switch {
	case m.Narrative:
		yes, err := framework.ParseAnswer(words[0])
		if err != nil {
			return a, err
		}
		a.answer, a.note = &yes, rest(1)
		if strings.TrimSpace(a.note) == "" {
			return a, framework.FieldErrorf("text", "say what was done after %s: `record <target> %s %s <text…>`", words[0], p, words[0])
		}
	case strings.Contains(words[0], "="):
		a.inputs = map[string]float64{}
		i := 0
		for ; i < len(words) && i < maxMetricArgs && strings.Contains(words[i], "="); i++ {
			name, val, _ := strings.Cut(words[i], "=")
			v, err := strconv.ParseFloat(val, 64)
			if err != nil || strings.ContainsAny(val, "eEnN") {
				return a, framework.FieldErrorf("inputs", "%s is not a number: give each input as name=n, like white_shortlisted=1200", code(short(words[i], 40)))
			}
			if _, dup := a.inputs[name]; dup {
				return a, framework.FieldErrorf("inputs", "%s is given twice", code(short(name, 40)))
			}
			a.inputs[name] = v
		}
		a.note = rest(i)
		if m.Formula == nil {
			return a, framework.FieldErrorf("inputs", "this metric has no formula: record its value as a number, like `record <target> %s 25`", p)
		}
	default:
		v, err := parseMetricNumber("value", words[0])
		if err != nil {
			return a, err
		}
		if m.Formula != nil {
			return a, framework.FieldErrorf("inputs", "this metric is computed from its inputs: give %s", strings.Join(inputHints(m), " "))
		}
		a.value, a.note = &v, rest(1)
	}
	if err := checkText("note", "note", a.note, maxNote); err != nil {
		return a, err
	}
	return a, nil
}

// inputHints are "name=…" for each of m's inputs.
func inputHints(m *framework.Metric) []string {
	out := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		out[i] = in.Name + "=…"
	}
	return out
}
