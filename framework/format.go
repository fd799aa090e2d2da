package framework

import (
	"math"
	"strconv"
	"strings"
)

// Round2 rounds v to 2 decimals, half away from zero, as the value is
// written: 1.875 gives 1.88 and -1.875 gives -1.88. Computed ratios carry
// binary noise (1.875 may arrive as 1.8749999999999998), so v is first
// rounded to 9 decimals and the halves are decided on that decimal text.
func Round2(v float64) float64 {
	r, _ := strconv.ParseFloat(round2Text(v), 64)
	return r
}

// Format writes v to 2 decimals, rounded half away from zero: "1.88".
// Infinity and NaN, which no metric value should be, read "n/a".
func Format(v float64) string {
	if !finite(v) {
		return "n/a"
	}
	return round2Text(v)
}

func round2Text(v float64) string {
	if !finite(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	neg := v < 0
	s := strconv.FormatFloat(math.Abs(v), 'f', 9, 64) // "1.875000000"
	dot := strings.IndexByte(s, '.')
	digits := []byte(s[:dot] + s[dot+1:dot+3]) // "1" + "87"
	if s[dot+3] >= '5' {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	out := string(digits[:len(digits)-2]) + "." + string(digits[len(digits)-2:])
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// formatPlain writes v as briefly as it reads exactly: 300, 0.8, 1.875.
func formatPlain(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
