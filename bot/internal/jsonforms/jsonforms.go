// Package jsonforms writes a value as JSON in the forms a platform may
// send it, for tests that check a request of the largest size the bot
// can cause still fits the body cap the adapter sets.
package jsonforms

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Both is v as JSON twice: with UTF-8 as is, and with everything outside
// ASCII escaped as \uXXXX (surrogate pairs beyond the Basic Multilingual
// Plane), as some encoders write it, which is up to six times longer.
// It fails tb if v does not marshal.
func Both(tb testing.TB, v any) [2]string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var esc strings.Builder
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			esc.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			esc.WriteString(u4(0xd800 + r>>10))
			esc.WriteString(u4(0xdc00 + r&0x3ff))
		default:
			esc.WriteString(u4(r))
		}
	}
	return [2]string{string(b), esc.String()}
}

// u4 is the escape \uXXXX of r, which is at most 0xffff.
func u4(r rune) string {
	h := strconv.FormatInt(int64(r), 16)
	return `\u` + strings.Repeat("0", 4-len(h)) + h
}
