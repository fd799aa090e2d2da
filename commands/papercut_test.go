package commands

import (
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Settings repeated with the value they already hold are refused
// privately, as targets' changes are, rather than announced again.
func TestPapercutSettingsUnchanged(t *testing.T) {
	e := imported(t)
	e.ok(adminUser, "digest here 0 9 * * MON")
	e.ok(adminUser, "timezone Europe/Paris")
	e.ok(adminUser, "reminders 0 10 * * MON")
	for _, tt := range []struct{ text, want string }{
		{"digest here 0 9 * * MON", "nothing changed: this channel already gets digests on `0 9 * * MON`"},
		{"digest here   0 9  * * MON", "nothing changed: this channel already gets digests"},
		{"timezone europe/paris", "nothing changed: the time zone here is already `Europe/Paris`"},
		{"reminders 0 10 * * MON", "nothing changed: overdue reminders already run on `0 10 * * MON`"},
	} {
		e.fail(adminUser, tt.text, framework.ECONFLICT, "", tt.want)
	}
	e.ok(adminUser, "reminders default")
	e.fail(adminUser, "reminders default", framework.ECONFLICT, "", "nothing changed: overdue reminders already run on")
	// A different value is still a change.
	e.ok(adminUser, "digest here 0 9 * * TUE")
	e.ok(adminUser, "timezone UTC")
	e.ok(adminUser, "reminders 0 11 * * MON")
}

// Undo after someone else's update names who updated, and says when
// they undid theirs.
func TestPapercutUndoNamesWhoUpdated(t *testing.T) {
	e := imported(t)
	e.ok(amy, "update eds/1.1 10%")
	e.now = e.now.Add(time.Minute)
	e.ok(bob, "update eds/1.1 20%")
	e.fail(amy, "undo", framework.ECONFLICT, "", "<@UBOB> updated `eds/1.1` after you, at 10:01")
	e.ok(bob, "undo")
	e.fail(amy, "undo", framework.ECONFLICT, "", "<@UBOB> updated `eds/1.1` after you and then undid it")
}
