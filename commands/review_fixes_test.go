package commands

import (
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// A panel grades one cycle: starting the next closes the panels still
// open, so the old cycle's votes are neither taken nor agreed into it,
// and `rate` is no longer refused for them.
func TestCycleStartClosesOpenPanels(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "panel open eds-2022/2")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	e.ok(amy, "vote eds-2022/2B achieving")
	start := e.ok(adminUser, "cycle start "+nextCycle(framework.FinancialYear(e.now)))
	if !strings.Contains(start.Text(), "1 open panel") {
		t.Errorf("cycle start says %q, want it to name the panel it closed", start.Text())
	}
	e.panelUnchanged(amy, "vote eds-2022/2B developing", framework.ECONFLICT, "", "closed")
	e.ok(adminUser, "rate eds-2022/2A achieving after the panel")
}

// An action under an archived target would be chased for nothing: it is
// refused, and nothing changes.
func TestActionOnArchivedTargetRefused(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "archive eds-2022/2B")
	before := e.entries("action")
	e.fail(adminUser, "action add eds-2022/2B Run a listening event", framework.ECONFLICT, "target", "is archived")
	if after := e.entries("action"); len(after) != len(before) {
		t.Errorf("actions %v -> %v", before, after)
	}
}
