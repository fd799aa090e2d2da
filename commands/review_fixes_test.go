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

// On an objective graded per service, a vote or an agreement must name
// the service once services are declared, as rate must: a grade of the
// outcome as a whole would stand beside its services' median.
func TestPanelOnServicesNamesTheService(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "service add eds-2022 ae Accident and emergency")
	e.ok(adminUser, "panel open eds-2022/1")
	e.ok(adminUser, "panel add eds-2022/1 <@UAMY>")
	e.panelUnchanged(amy, "vote eds-2022/1A excelling", framework.EINVALID, "service", "is graded per service")
	e.ok(amy, "vote eds-2022/1A excelling service ae")
	e.panelUnchanged(adminUser, "panel agree eds-2022/1A excelling", framework.EINVALID, "service", "is graded per service")
}

// A member's reason may begin with "for": only a guest's name after it,
// or an admin, makes it a guest's vote.
func TestMemberReasonBeginningWithFor(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "panel open eds-2022/2")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	e.ok(adminUser, "panel guest eds-2022/2 trade-union Pat Jones")
	if r := e.ok(amy, "vote eds-2022/2B achieving for the survey results"); !strings.Contains(r.Text(), "Your vote") {
		t.Errorf("member's vote with a reason beginning with for: %s", r.Text())
	}
	e.panelUnchanged(amy, "vote eds-2022/2B achieving for Pat Jones", framework.EFORBIDDEN, "", "only an admin can enter a guest's vote")
}

// A panel's end date is not in the past; a vote's bad grade is told the
// grades without "none", which a vote cannot be; agreeing the grade a
// service already has still ends its voting.
func TestPanelInputs(t *testing.T) {
	e := eds2022(t)
	e.panelUnchanged(adminUser, "panel open eds-2022/2 until 2001-01-01", framework.EINVALID, "until", "is in the past")
	e.ok(adminUser, "panel open eds-2022/2")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	r := e.as(amy, "vote eds-2022/2B great")
	if r.Code != framework.EINVALID || strings.Contains(r.Text(), "none") {
		t.Errorf("vote with a bad grade: %s %s", r.Code, r.Text())
	}

	e.ok(adminUser, "service add eds-2022 ae Accident and emergency")
	e.ok(adminUser, "rate eds-2022/1A achieving service ae first look")
	e.ok(adminUser, "panel open eds-2022/1")
	e.ok(adminUser, "panel add eds-2022/1 <@UAMY>")
	e.ok(amy, "vote eds-2022/1A achieving service ae")
	e.ok(adminUser, "panel agree eds-2022/1A achieving service ae")
	e.panelUnchanged(amy, "vote eds-2022/1A developing service ae", framework.ECONFLICT, "", "")
}
