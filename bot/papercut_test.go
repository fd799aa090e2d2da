package bot

import (
	"testing"
	"unicode"
)

// The reply to a panic begins as every other error does, in lower case.
func TestPapercutFailedBeginsLowerCase(t *testing.T) {
	if text := Failed().Text(); text == "" || unicode.IsUpper([]rune(text)[0]) {
		t.Errorf("Failed() = %q", text)
	}
}
