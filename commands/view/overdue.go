package view

import (
	"fmt"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// OverdueNote says how many of ts, one objective's live targets, are
// overdue, for its roll-up line: " · ⏰ 2 overdue, not in the status".
// A roll-up's status follows its targets' own statuses, so an overdue
// target still marked on-track leaves it green; the note says so rather
// than let the colour suggest all is well. It is "" when none is overdue.
func OverdueNote(ts []framework.Target, now time.Time, loc *time.Location) string {
	n := 0
	for i := range ts {
		if framework.Overdue(&ts[i], now, loc) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" · ⏰ %d overdue, not in the status", n)
}
