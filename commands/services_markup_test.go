package commands

import (
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// A service code typed where none belongs is quoted inert in the
// refusal: a backtick in it cannot end the code span and make the rest a
// user reference or a link with a label of the typist's choosing.
func TestServiceClauseRefusalKeepsTypedCodeInert(t *testing.T) {
	e := eds2022(t)
	for _, typed := range []string{"x`<@UBOB>`", "x`<https://evil.example|your-bank>`"} {
		for _, cmd := range []string{"rate eds-2022/2A achieving service ", "vote eds-2022/2A achieving service "} {
			r := e.fail(adminUser, cmd+typed, framework.EINVALID, "service", "is not graded per service")
			for _, b := range r.Blocks {
				for _, sp := range bot.Parse(b.Markup()) {
					if sp.Kind == bot.SpanUser || sp.Kind == bot.SpanLink {
						t.Errorf("%sservice %q: the refusal %q makes a %v span of what was typed", cmd, typed, r.Text(), sp.Kind)
					}
				}
			}
		}
	}
}
