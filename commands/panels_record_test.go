package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// lineIndex is the index of the first of lines containing want, -1 when
// none does.
func lineIndex(lines []string, want string) int {
	for i, l := range lines {
		if strings.Contains(l, want) {
			return i
		}
	}
	return -1
}

// `history <target>` shows the panel's record on it among the target's
// own changes, newest first: the panel opened, each vote and change of
// vote with who cast it (and for which guest), and the agreed grade
// with its votes, in the order they happened even at one instant.
func TestPanelVotesInHistory(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "panel open eds-2022/2")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY> <@UBOB> <@UCAT>")
	e.ok(adminUser, "panel guest eds-2022/2 trade-union Pat Jones")
	e.ok(amy, "vote eds-2022/2B achieving the survey shows it")
	e.ok(bob, "vote eds-2022/2B developing")
	e.ok(cat, "vote eds-2022/2B developing")
	e.ok(cat, "vote eds-2022/2B achieving on reflection")
	e.ok(adminUser, "vote eds-2022/2B developing for pat jones too few staff surveyed")
	e.ok(adminUser, "vote eds-2022/2B achieving for Pat Jones")
	e.ok(amy, "vote eds-2022/2A excelling") // another outcome's: not in 2B's history
	e.ok(adminUser, "panel agree eds-2022/2B achieving")

	lines := strings.Split(e.ok(bob, "history eds-2022/2B all").Text(), "\n")
	want := []string{ // newest first
		"recorded the panel's agreed grade: 🟩 achieving", // after its rate, which it ends the voting on
		"rated 🟩 achieving in 2026/27",
		"changed *Pat Jones*'s vote to 🟩 achieving (was developing)",
		"entered *Pat Jones*'s vote: 🟧 developing “too few staff surveyed”",
		"<@UCAT> changed their vote to 🟩 achieving (was developing) “on reflection”",
		"<@UCAT> voted 🟧 developing",
		"<@UBOB> voted 🟧 developing",
		"<@UAMY> voted 🟩 achieving “the survey shows it”",
		"opened the panel on `eds-2022/2`",
	}
	last := -1
	for _, w := range want {
		i := lineIndex(lines, w)
		if i <= last {
			t.Fatalf("history has %q at %d, want it after line %d:\n%s", w, i, last, strings.Join(lines, "\n"))
		}
		last = i
	}
	if i := lineIndex(lines, "excelling"); i >= 0 {
		t.Errorf("2A's vote is in 2B's history: %s", lines[i])
	}
	// The agreement's rate event carries the panel's record.
	if i := lineIndex(lines, "rated 🟩 achieving"); !strings.Contains(lines[i], "@UAMY achieving (the survey shows it)") || !strings.Contains(lines[i], "guests Pat Jones (trade-union)") {
		t.Errorf("the rate line lacks the votes: %s", lines[i])
	}
}

// An agreement that confirms the grade a target (or a service) has
// already is still a rate event with the panel's members, guests and
// votes, so the panel's grading is on the record.
func TestPanelAgreeSameGradeIsRecorded(t *testing.T) {
	e := eds2022(t)
	// The agreement's rate is a new reason for the grade the target has,
	// which the store records once the papercuts branch (a new reason
	// for the same grade is a change) is in.
	e.ok(adminUser, "rate eds-2022/3A developing first")
	if r := e.as(adminUser, "rate eds-2022/3A developing second"); r.Code != "" {
		t.Skip("this store does not yet record a new reason for the grade a target has:", r.Text())
	}
	e.ok(adminUser, "rate eds-2022/2B developing self-assessed")
	e.ok(adminUser, "service add eds-2022 ae Accident and emergency")
	e.ok(adminUser, "rate eds-2022/1A achieving service ae")
	e.ok(adminUser, "panel open eds-2022/2")
	e.ok(adminUser, "panel open eds-2022/1")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	e.ok(adminUser, "panel add eds-2022/1 <@UAMY>")
	e.ok(amy, "vote eds-2022/2B developing")
	e.ok(amy, "vote eds-2022/1A achieving service ae")

	for _, tc := range []struct{ agree, ref, want string }{
		{"panel agree eds-2022/2B developing", "eds-2022/2B", "agreed by the panel on eds-2022/2: votes @UAMY developing; members @UAMY"},
		{"panel agree eds-2022/1A achieving service ae", "eds-2022/1A", "agreed by the panel on eds-2022/1: votes @UAMY achieving; members @UAMY"},
	} {
		before := e.target(tc.ref)
		e.ok(adminUser, tc.agree)
		if after := e.target(tc.ref); after.Rating != before.Rating {
			t.Errorf("%s: rating %q -> %q", tc.agree, before.Rating, after.Rating)
		}
		evs := e.events(tc.ref)
		if len(evs) == 0 || evs[0].Kind != framework.EventRate || evs[0].To != string(before.Rating) || !strings.Contains(evs[0].Reason, tc.want) {
			t.Errorf("%s: newest event = %+v, want a rate to %s carrying %q", tc.agree, evs[0], before.Rating, tc.want)
		}
	}
	// The agreement ended the voting all the same.
	e.panelUnchanged(amy, "vote eds-2022/2B excelling", framework.ECONFLICT, "", "the panel agreed developing")
}

// A panel opened `until` a day takes no vote after it: the refusal is
// private, says when the panel closed and how to extend or reopen it,
// and changes nothing. Extending it takes votes again.
func TestPanelUntil(t *testing.T) {
	e := eds2022(t) // 2026-11-23 10:00 UTC, Europe/London
	e.ok(adminUser, "panel open eds-2022/2 until 2026-11-30")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	e.ok(adminUser, "panel guest eds-2022/2 patients Lee Chan")
	e.ok(amy, "vote eds-2022/2A achieving")
	e.now = time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // still the 30th in London
	e.ok(amy, "vote eds-2022/2B achieving")

	e.now = time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	for _, tc := range []struct{ user, text string }{
		{amy, "vote eds-2022/2C developing"},
		{adminUser, "vote eds-2022/2C developing for Lee Chan"},
	} {
		r := e.fail(tc.user, tc.text, framework.ECONFLICT, "", "the panel on `eds-2022/2` closed on 2026-11-30: no more votes")
		if !r.Ephemeral || !strings.Contains(r.Text(), "/target panel open eds-2022/2 until YYYY-MM-DD") {
			t.Errorf("%q: %+v", tc.text, r)
		}
		e.panelUnchanged(tc.user, tc.text, framework.ECONFLICT, "", "closed on 2026-11-30")
	}
	if tally := e.ok(amy, "panel eds-2022/2").Text(); !strings.Contains(tally, "voting ended 2026-11-30") {
		t.Errorf("tally:\n%s", tally)
	}
	// An agreement needs no open voting.
	e.ok(adminUser, "panel agree eds-2022/2A achieving")

	e.panelUnchanged(adminUser, "panel open eds-2022/2 until 2026-11-30", framework.EINVALID, "until", "is in the past")
	r := e.ok(adminUser, "panel open eds-2022/2 until 2026-12-15")
	if !strings.Contains(r.Text(), "voting until 2026-12-15") {
		t.Errorf("extend: %s", r.Text())
	}
	e.ok(amy, "vote eds-2022/2C developing")
	tally := e.ok(amy, "panel eds-2022/2").Text()
	for _, want := range []string{"open until 2026-12-15", "Agreed: 🟩 *achieving*", "1 vote: 🟩 achieving 1"} {
		if !strings.Contains(tally, want) {
			t.Errorf("tally after extending lacks %q:\n%s", want, tally)
		}
	}
	e.panelUnchanged(adminUser, "panel open eds-2022/2 until 2026-12-15", framework.ECONFLICT, "", "already open")
	// Reopened with no end date, it takes votes whatever the day.
	e.ok(adminUser, "panel open eds-2022/2")
	e.now = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	e.ok(amy, "vote eds-2022/2D developing")
}

// A panel's until entry keeps the moment voting ends, then the day; an
// entry kept before it held the moment (the day alone) still takes a
// vote on the last day after midnight UTC, where its day sorts before
// the vote's moment, and refuses one after it.
func TestPanelUntilKeptAsADay(t *testing.T) {
	e := eds2022(t) // 2026-11-23 10:00 UTC, Europe/London
	e.ok(adminUser, "panel open eds-2022/2 until 2026-11-30")
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY>")
	if got, want := e.entries(entryPanel)[untilKey("eds-2022/2")], "2026-12-01T00:00:00Z 2026-11-30"; got != want {
		t.Fatalf("until entry = %q, want %q", got, want)
	}
	if _, err := e.st.WriteEntries(context.Background(), testWS, store.EntryWrite{
		Put: []store.Entry{{Kind: entryPanel, Key: untilKey("eds-2022/2"), Value: "2026-11-30"}},
	}); err != nil {
		t.Fatal(err)
	}
	e.ok(amy, "vote eds-2022/2A achieving")
	e.now = time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	e.ok(amy, "vote eds-2022/2B achieving")
	e.now = time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	e.panelUnchanged(amy, "vote eds-2022/2C developing", framework.ECONFLICT, "", "the panel on `eds-2022/2` closed on 2026-11-30: no more votes")
}

// A service's grade belongs to its grading cycle, as the target's does:
// a new cycle starts every service ungraded, and the first grade in it
// is the median of that cycle's grades alone.
func TestServiceGradesBelongToTheirCycle(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "service add eds-2022 ae Accident and emergency")
	e.ok(adminUser, "service add eds-2022 op Outpatients")
	e.ok(adminUser, "rate eds-2022/1A excelling service ae")
	e.ok(adminUser, "rate eds-2022/1A excelling service op")
	e.ok(adminUser, "cycle start 2027/28")
	if show := e.ok(bob, "show eds-2022/1A").Text(); !strings.Contains(show, "`ae` ⬜ ungraded, `op` ⬜ ungraded") {
		t.Errorf("show in the new cycle:\n%s", show)
	}
	e.ok(adminUser, "rate eds-2022/1A developing service op")
	if got := e.target("eds-2022/1A").Rating; got != framework.Developing {
		t.Errorf("1A = %q, want developing (op's, the only grade this cycle)", got)
	}
}
