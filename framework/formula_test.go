package framework

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestFormulaEval(t *testing.T) {
	for _, tt := range []struct {
		src    string
		vals   []float64
		want   float64
		reason string // a substring of the reason; "" for a value
	}{
		{"ratio = (white_appointed / white_shortlisted) / (bme_appointed / bme_shortlisted)", []float64{300, 1200, 120, 900}, 1.875, ""},
		{"a - b", []float64{17, 21}, -4, ""},
		{"a + b * c", []float64{1, 2, 3}, 7, ""},
		{"(a + b) * c", []float64{1, 2, 3}, 9, ""},
		{"a / b / c", []float64{8, 2, 2}, 2, ""},
		{"a - b - c", []float64{10, 2, 3}, 5, ""},
		{"-a + 2.5", []float64{1}, 1.5, ""},
		{"--a", []float64{3}, 3, ""},
		{"100 * a / b", []float64{1, 4}, 25, ""},
		{"a / a", []float64{2}, 1, ""},
		{"(a / b) / (c / d)", []float64{1, 2, 0, 5}, 0, "c / d) is 0"},
		{"(a / b) / (c / d)", []float64{1, 0, 3, 5}, 0, "divides by zero: b is 0"},
		{"a / (b - c)", []float64{1, 2, 2}, 0, "(b - c) is 0"},
		{"a * b * b", []float64{1e300, 1e300}, 0, "too large"},
		{"a", []float64{1, 2}, 0, "2 values given for 1 inputs"},
	} {
		f, err := ParseFormula(tt.src)
		if err != nil {
			t.Fatalf("ParseFormula(%q) = %v", tt.src, err)
		}
		got, reason := f.Eval(tt.vals)
		if tt.reason != "" {
			if !strings.Contains(reason, tt.reason) || got != 0 {
				t.Errorf("%s %v = %v, %q; want 0 and a reason with %q", tt.src, tt.vals, got, reason, tt.reason)
			}
			continue
		}
		if reason != "" || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s %v = %v, %q; want %v", tt.src, tt.vals, got, reason, tt.want)
		}
	}
}

func TestFormulaParts(t *testing.T) {
	f, err := ParseFormula(" ratio = (a / b) / (c / a) ")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != "ratio" || f.String() != "ratio = (a / b) / (c / a)" || !slices.Equal(f.Inputs(), []string{"a", "b", "c"}) {
		t.Fatalf("name %q, text %q, inputs %v", f.Name(), f, f.Inputs())
	}
	// A formula travels as its text and is parsed again on the way in.
	b, err := json.Marshal(struct{ F *Formula }{f})
	if err != nil || string(b) != `{"F":"ratio = (a / b) / (c / a)"}` {
		t.Fatalf("json = %s, %v", b, err)
	}
	var back struct{ F *Formula }
	if err := json.Unmarshal(b, &back); err != nil || back.F.String() != f.String() {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	if v, r := back.F.Eval([]float64{2, 1, 4}); v != 1 || r != "" {
		t.Fatalf("round-tripped formula = %v, %q", v, r)
	}
	if err := json.Unmarshal([]byte(`{"F":"a +"}`), &back); ErrorCode(err) != EINVALID {
		t.Fatalf("bad formula in JSON = %v", err)
	}
}

func TestParseFormulaErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"", "empty"},
		{"a +", "ends too soon"},
		{"(a / b", "not closed"},
		{"a b", `unexpected "b"`},
		{"a / b)", `unexpected ")"`},
		{"a ^ b", `"^" is not allowed`},
		{"a; rm", `";" is not allowed`},
		{"1.2.3", "not a number"},
		{"a = b = c", `unexpected "="`},
		{"= a", `unexpected "="`},
		{"a < b", `unexpected "<"`},
		{strings.Repeat("(", 40) + "a" + strings.Repeat(")", 40), "nests more than"},
		{strings.Repeat("-", 40) + "a", "nests more than"},
		{strings.Repeat("a+", 300) + "a", "longer than"},
		{"é", "not allowed"},
	} {
		_, err := ParseFormula(tt.src)
		if ErrorCode(err) != EINVALID || ErrorField(err) != "formula" || !strings.Contains(ErrorMessage(err), tt.want) {
			t.Errorf("ParseFormula(%q) = %v, want EINVALID with %q", tt.src, err, tt.want)
		}
	}
}

func TestConstraint(t *testing.T) {
	for _, tt := range []struct {
		src  string
		in   map[string]float64
		want bool
	}{
		{"a <= b", map[string]float64{"a": 3, "b": 3}, true},
		{"a <= b", map[string]float64{"a": 4, "b": 3}, false},
		{"a < b", map[string]float64{"a": 3, "b": 3}, false},
		{"a >= b + 1", map[string]float64{"a": 4, "b": 3}, true},
		{"a > b", map[string]float64{"a": 3, "b": 3}, false},
		{"a / b <= 1", map[string]float64{"a": 3, "b": 0}, false},
	} {
		c, err := ParseConstraint(tt.src)
		if err != nil {
			t.Fatalf("ParseConstraint(%q) = %v", tt.src, err)
		}
		if got := c.Holds(tt.in); got != tt.want {
			t.Errorf("%s with %v = %v, want %v", tt.src, tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"a", "a <= b <= c", "a <=", "<= b", "x = a <= b", "a << b"} {
		if _, err := ParseConstraint(bad); ErrorCode(err) != EINVALID || ErrorField(err) != "constraints" {
			t.Errorf("ParseConstraint(%q) = %v, want EINVALID", bad, err)
		}
	}
}

// BenchmarkFormula computes WRES indicator 2 from its four counts; the
// design allows 5 µs.
func BenchmarkFormula(b *testing.B) {
	m := wres2(b)
	in := map[string]float64{"white_shortlisted": 1200, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 120}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}

// No text makes the formula or constraint parser panic, and a formula
// it accepts evaluates to a number or a reason, never infinity or NaN.
func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{
		"ratio = (white_appointed / white_shortlisted) / (bme_appointed / bme_shortlisted)",
		"a - b", "-(a*2.5)/b", "(((a)))", "a <= b", "a / 0", "1e400", "a = ", ".", "((a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := ParseConstraint(s); err == nil {
			c.Holds(map[string]float64{"a": 1})
		} else if ErrorCode(err) != EINVALID {
			t.Fatalf("ParseConstraint(%q) = %v, want EINVALID", s, err)
		}
		fm, err := ParseFormula(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseFormula(%q) = %v, want EINVALID", s, err)
			}
			return
		}
		for _, fill := range []float64{0, 1, 1e308} {
			vals := make([]float64, len(fm.Inputs()))
			for i := range vals {
				vals[i] = fill
			}
			v, reason := fm.Eval(vals)
			if math.IsInf(v, 0) || math.IsNaN(v) || (reason != "" && v != 0) {
				t.Fatalf("%q with %v = %v, %q", s, fill, v, reason)
			}
		}
	})
}
