package jsonforms

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Both forms decode to the same value; the escaped one is pure ASCII,
// with characters beyond the BMP as surrogate pairs.
func TestBoth(t *testing.T) {
	v := map[string]any{"text": "plain é ▓ 🟢 \u2028 \"q\"", "n": 3.0}
	forms := Both(t, v)
	for _, f := range forms {
		var got map[string]any
		if err := json.Unmarshal([]byte(f), &got); err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%s decodes to %v, %v; want %v", f, got, err, v)
		}
	}
	for i := range len(forms[1]) {
		if forms[1][i] >= 0x80 {
			t.Fatalf("escaped form has a byte outside ASCII: %q", forms[1])
		}
	}
	want := `{"n":3,"text":"plain \u00e9 \u2593 \ud83d\udfe2 \u2028 \"q\""}`
	if forms[1] != want {
		t.Errorf("escaped form\n %s\nwant\n %s", forms[1], want)
	}
}
