package framework

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Formula is a metric's arithmetic over named inputs, such as
// "ratio = (white_appointed / white_shortlisted) / (bme_appointed / bme_shortlisted)":
// identifiers, numbers, + - * /, unary minus and parentheses, with an
// optional "name =" in front that names the result. It is parsed once,
// when its definition loads, into a small stack program, so computing it
// costs a few hundred nanoseconds and runs no code from the text. A
// parsed Formula never changes, so copies of a definition share it and
// goroutines may evaluate it at once.
//
// A Formula reads and writes itself as text, in YAML and JSON alike.
type Formula struct {
	src    string
	name   string
	inputs []string  // identifiers in order of first use
	consts []float64 // number literals
	prog   []instr
	divs   []string // the text of each division's denominator, for reasons
	depth  int      // the deepest the stack gets
}

type opcode uint8

const (
	opConst opcode = iota
	opInput
	opAdd
	opSub
	opMul
	opDiv
	opNeg
)

type instr struct {
	op  opcode
	arg uint16 // index into consts, inputs or divs
}

// Limits that keep any text, however hostile, cheap to parse and to run.
const (
	maxFormulaLen   = 500
	maxFormulaDepth = 32 // nested parentheses and unary minuses
	maxFormulaStack = 64
)

// ParseFormula parses a formula. Its errors are EINVALID *Errors on the
// field "formula" that say where the text goes wrong.
func ParseFormula(s string) (*Formula, error) {
	f := &Formula{src: strings.TrimSpace(s)}
	if err := f.parse(); err != nil {
		return nil, FieldErrorf("formula", "formula %q: %v", f.src, err)
	}
	return f, nil
}

func (f *Formula) parse() error {
	if f.src == "" {
		return fmt.Errorf("it is empty: write arithmetic on named inputs, like (a / b) / (c / d)")
	}
	if len(f.src) > maxFormulaLen {
		return fmt.Errorf("it is longer than %d characters", maxFormulaLen)
	}
	p := &parser{src: f.src, f: f}
	toks, err := lex(f.src)
	if err != nil {
		return err
	}
	p.toks = toks
	if len(toks) >= 2 && toks[0].kind == tIdent && toks[1].kind == tEq {
		f.name, p.pos = toks[0].text, 2
	}
	if _, err := p.expr(0); err != nil {
		return err
	}
	if p.pos < len(p.toks) {
		return fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return f.measureStack()
}

// measureStack works out how deep the program's stack gets, refusing a
// program deeper than Eval's fixed stack.
func (f *Formula) measureStack() error {
	n := 0
	for _, in := range f.prog {
		switch in.op {
		case opConst, opInput:
			n++
		case opNeg:
		default:
			n--
		}
		f.depth = max(f.depth, n)
	}
	if f.depth > maxFormulaStack {
		return fmt.Errorf("it is too complex: split it into simpler steps")
	}
	return nil
}

// String returns the formula as written.
func (f *Formula) String() string { return f.src }

// Name is the name given to the result ("ratio" in "ratio = a / b"), or "".
func (f *Formula) Name() string { return f.name }

// Inputs are the names the formula reads, in order of first use. Eval
// takes their values in this order.
func (f *Formula) Inputs() []string { return append([]string(nil), f.inputs...) }

// MarshalText writes the formula as written.
func (f *Formula) MarshalText() ([]byte, error) { return []byte(f.src), nil }

// UnmarshalText parses a formula, so a definition's formula is parsed
// as it loads.
func (f *Formula) UnmarshalText(b []byte) error {
	g, err := ParseFormula(string(b))
	if err != nil {
		return err
	}
	*f = *g
	return nil
}

// Eval computes the formula from vals, one per input in the order of
// Inputs. reason is "" for a meaningful value; otherwise it says why
// there is none (a zero denominator, or a result too large to be a
// number), and v is 0: Eval never returns infinity or NaN.
func (f *Formula) Eval(vals []float64) (v float64, reason string) {
	if len(vals) != len(f.inputs) {
		return 0, fmt.Sprintf("%d values given for %d inputs", len(vals), len(f.inputs))
	}
	var stack [maxFormulaStack]float64
	n := 0
	for _, in := range f.prog {
		switch in.op {
		case opConst:
			stack[n] = f.consts[in.arg]
			n++
		case opInput:
			stack[n] = vals[in.arg]
			n++
		case opNeg:
			stack[n-1] = -stack[n-1]
		default:
			a, b := stack[n-2], stack[n-1]
			n--
			switch in.op {
			case opAdd:
				a += b
			case opSub:
				a -= b
			case opMul:
				a *= b
			case opDiv:
				if b == 0 {
					return 0, "divides by zero: " + f.divs[in.arg] + " is 0"
				}
				a /= b
			}
			stack[n-1] = a
		}
	}
	if v = stack[0]; math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, "the result is too large to be a number"
	}
	return v, ""
}

// evalMap is Eval with the values by name; a name not in m counts as 0.
func (f *Formula) evalMap(m map[string]float64) (float64, string) {
	var buf [16]float64
	vals := buf[:0]
	for _, name := range f.inputs {
		vals = append(vals, m[name])
	}
	return f.Eval(vals)
}

// Tokens.

type tokKind uint8

const (
	tNum tokKind = iota
	tIdent
	tOp  // + - * /
	tCmp // < <= > >=
	tEq  // =
	tOpen
	tClose
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the source
	num  float64
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || isDigit(s[j])) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: s[i:j], pos: i})
			i = j
		case isDigit(c) || c == '.':
			j := i
			for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
				j++
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%q is not a number", s[i:j])
			}
			toks = append(toks, token{kind: tNum, text: s[i:j], pos: i, num: v})
			i = j
		case c == '+' || c == '-' || c == '*' || c == '/':
			toks = append(toks, token{kind: tOp, text: s[i : i+1], pos: i})
			i++
		case c == '<' || c == '>':
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			toks = append(toks, token{kind: tCmp, text: s[i:j], pos: i})
			i = j
		case c == '=':
			toks = append(toks, token{kind: tEq, text: "=", pos: i})
			i++
		case c == '(':
			toks = append(toks, token{kind: tOpen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tClose, text: ")", pos: i})
			i++
		default:
			return nil, fmt.Errorf("%q is not allowed: use names, numbers, + - * / and parentheses", string(rune(s[i])))
		}
	}
	return toks, nil
}

// parser is a recursive-descent parser that emits the program as it
// goes: expr = term {(+|-) term}; term = unary {(*|/) unary};
// unary = "-" unary | primary; primary = number | name | "(" expr ")".
type parser struct {
	src  string
	toks []token
	pos  int
	f    *Formula
}

func (p *parser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{}, false
}

func (p *parser) emit(op opcode, arg int) {
	p.f.prog = append(p.f.prog, instr{op: op, arg: uint16(arg)})
}

// expr parses a sum and returns the byte offset where it starts.
func (p *parser) expr(depth int) (int, error) {
	start, err := p.term(depth)
	if err != nil {
		return 0, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tOp || (t.text != "+" && t.text != "-") {
			return start, nil
		}
		p.pos++
		if _, err := p.term(depth); err != nil {
			return 0, err
		}
		if t.text == "+" {
			p.emit(opAdd, 0)
		} else {
			p.emit(opSub, 0)
		}
	}
}

func (p *parser) term(depth int) (int, error) {
	start, err := p.unary(depth)
	if err != nil {
		return 0, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tOp || (t.text != "*" && t.text != "/") {
			return start, nil
		}
		p.pos++
		from, err := p.unary(depth)
		if err != nil {
			return 0, err
		}
		if t.text == "*" {
			p.emit(opMul, 0)
			continue
		}
		to := len(p.src)
		if p.pos < len(p.toks) {
			to = p.toks[p.pos].pos
		}
		p.f.divs = append(p.f.divs, strings.TrimSpace(p.src[from:to]))
		p.emit(opDiv, len(p.f.divs)-1)
	}
}

func (p *parser) unary(depth int) (int, error) {
	if depth > maxFormulaDepth {
		return 0, fmt.Errorf("it nests more than %d deep", maxFormulaDepth)
	}
	t, ok := p.peek()
	if ok && t.kind == tOp && t.text == "-" {
		p.pos++
		if _, err := p.unary(depth + 1); err != nil {
			return 0, err
		}
		p.emit(opNeg, 0)
		return t.pos, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (int, error) {
	t, ok := p.peek()
	if !ok {
		return 0, fmt.Errorf("it ends too soon: a name, number or ( is missing at the end")
	}
	p.pos++
	switch t.kind {
	case tNum:
		p.f.consts = append(p.f.consts, t.num)
		p.emit(opConst, len(p.f.consts)-1)
	case tIdent:
		i := indexOf(p.f.inputs, t.text)
		if i < 0 {
			p.f.inputs = append(p.f.inputs, t.text)
			i = len(p.f.inputs) - 1
		}
		p.emit(opInput, i)
	case tOpen:
		if _, err := p.expr(depth + 1); err != nil {
			return 0, err
		}
		c, ok := p.peek()
		if !ok || c.kind != tClose {
			return 0, fmt.Errorf("a ( at character %d is not closed", t.pos+1)
		}
		p.pos++
	default:
		return 0, fmt.Errorf("unexpected %q at character %d", t.text, t.pos+1)
	}
	return t.pos, nil
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
