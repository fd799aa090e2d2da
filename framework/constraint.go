package framework

import (
	"fmt"
	"strings"
)

// Constraint is a rule a metric's inputs must keep, such as
// "white_appointed <= white_shortlisted": two formulas compared with
// <, <=, > or >=. A definition states its constraints as data, so a
// recording that breaks one (more appointed than shortlisted) is refused
// with the rule in the message.
type Constraint struct {
	src         string
	op          string
	left, right *Formula
}

// ParseConstraint parses a constraint. Its errors are EINVALID *Errors
// on the field "constraints".
func ParseConstraint(s string) (*Constraint, error) {
	c := &Constraint{src: strings.TrimSpace(s)}
	bad := func(format string, args ...any) error {
		return FieldErrorf("constraints", "constraint %q: %s", c.src, fmt.Sprintf(format, args...))
	}
	if len(c.src) > maxFormulaLen {
		return nil, bad("it is longer than %d characters", maxFormulaLen)
	}
	toks, err := lex(c.src)
	if err != nil {
		return nil, bad("%v", err)
	}
	at := -1
	for _, t := range toks {
		if t.kind == tCmp {
			if at >= 0 {
				return nil, bad("compare only once, with one of <, <=, > or >=")
			}
			at, c.op = t.pos, t.text
		}
	}
	if at < 0 {
		return nil, bad("compare two sides with <, <=, > or >=, like a <= b")
	}
	for _, side := range []struct {
		text string
		to   **Formula
	}{{c.src[:at], &c.left}, {c.src[at+len(c.op):], &c.right}} {
		f := &Formula{src: strings.TrimSpace(side.text)}
		if err := f.parse(); err != nil {
			return nil, bad("%v", err)
		}
		if f.name != "" {
			return nil, bad("a side cannot be named with =")
		}
		*side.to = f
	}
	return c, nil
}

// String returns the constraint as written.
func (c *Constraint) String() string { return c.src }

// Inputs are the names the constraint reads.
func (c *Constraint) Inputs() []string {
	names := c.left.Inputs()
	for _, n := range c.right.inputs {
		if indexOf(names, n) < 0 {
			names = append(names, n)
		}
	}
	return names
}

// Holds reports whether the values in m keep the constraint; a side that
// cannot be computed (a zero denominator) breaks it.
func (c *Constraint) Holds(m map[string]float64) bool {
	l, r1 := c.left.evalMap(m)
	r, r2 := c.right.evalMap(m)
	if r1 != "" || r2 != "" {
		return false
	}
	switch c.op {
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	default:
		return l >= r
	}
}

// explain says how m breaks the constraint, with both sides' values.
func (c *Constraint) explain(m map[string]float64) string {
	l, _ := c.left.evalMap(m)
	r, _ := c.right.evalMap(m)
	return fmt.Sprintf("%s must hold, but %s is %s and %s is %s", c.src, c.left.src, formatPlain(l), c.right.src, formatPlain(r))
}

// MarshalText writes the constraint as written.
func (c *Constraint) MarshalText() ([]byte, error) { return []byte(c.src), nil }

// UnmarshalText parses a constraint as its definition loads.
func (c *Constraint) UnmarshalText(b []byte) error {
	d, err := ParseConstraint(string(b))
	if err != nil {
		return err
	}
	*c = *d
	return nil
}
