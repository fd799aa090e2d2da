package commands

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

const (
	cat = "UCAT"
	dan = "UDAN"
)

// panelUnchanged runs text, expects it to fail, and checks no panel or
// service entry and no target changed.
func (e *env) panelUnchanged(user, text, code, field, want string) {
	e.t.Helper()
	panels, services := e.entries(entryPanel), e.entries(entryService)
	e.unchanged(user, text, code, field, want)
	if p, s := e.entries(entryPanel), e.entries(entryService); !reflect.DeepEqual(p, panels) || !reflect.DeepEqual(s, services) {
		e.t.Fatalf("%q changed entries:\npanels %v -> %v\nservices %v -> %v", text, panels, p, services, s)
	}
}

// button finds the button of the block titled with ref whose label is
// label.
func button(t *testing.T, r bot.Reply, ref, label string) bot.Button {
	t.Helper()
	for _, b := range r.Blocks {
		if !strings.HasPrefix(b.Title, ref+" ") {
			continue
		}
		for _, btn := range b.Buttons {
			if btn.Label == label {
				return btn
			}
		}
	}
	t.Fatalf("no %q button for %s in %+v", label, ref, r.Blocks)
	return bot.Button{}
}

// A panel of three members and a guest grades EDS 2022 outcome 2B: votes
// by command and by the card's button, a changed vote, the tally, the
// agreed grade in the history with the votes.
func TestPanelEndToEnd(t *testing.T) {
	e := eds2022(t)
	open := e.ok(adminUser, "panel open eds-2022/2 until 2027-01-31")
	if open.Ephemeral || len(open.Blocks) != 5 || !strings.Contains(open.Text(), "opened a panel on") {
		t.Fatalf("panel open = %+v", open)
	}
	press := button(t, open, "eds-2022/2B", "developing")
	if press.Command != "vote eds-2022/2B developing" {
		t.Fatalf("button = %+v", press)
	}
	e.ok(adminUser, "panel add eds-2022/2 <@UAMY> <@UBOB> <@UCAT>")
	e.ok(adminUser, "panel guest eds-2022/2 trade-union Pat Jones")

	// Bad input changes nothing.
	e.panelUnchanged(dan, press.Command, framework.EFORBIDDEN, "", "only members of the panel on `eds-2022/2` vote")
	e.panelUnchanged(adminUser, "panel guest eds-2022/2 union Sam Lee", framework.EINVALID, "category", "is not a category of stakeholder")
	e.panelUnchanged(adminUser, "panel agree eds-2022/2B achieving", framework.EINVALID, "", "nobody has voted on `eds-2022/2B` yet")
	e.panelUnchanged(amy, "vote eds-2022/2B achieving service ae", framework.EINVALID, "service", "is not graded per service")
	e.panelUnchanged(adminUser, "vote eds-2022/2B achieving for Sam Lee", framework.EINVALID, "guest", "its guests are Pat Jones")
	e.panelUnchanged(amy, "vote eds-2022/2B achieving for Pat Jones", framework.EFORBIDDEN, "", "only an admin can enter a guest's vote")
	e.panelUnchanged(adminUser, "rate eds-2022/2B achieving", framework.ECONFLICT, "", "a panel is open on `eds-2022/2`")

	// Votes by command and by button; cat changes their vote.
	if r := e.ok(amy, "vote eds-2022/2B achieving the survey shows it"); !r.Ephemeral || !strings.Contains(r.Text(), "Your vote on `eds-2022/2B` is") {
		t.Errorf("vote = %+v", r)
	}
	e.ok(bob, press.Command)
	e.ok(cat, "vote eds-2022/2B developing")
	e.ok(cat, "vote eds-2022/2B achieving on reflection")
	e.ok(adminUser, "vote eds-2022/2B developing for pat jones too few staff surveyed")
	e.ok(amy, "vote eds-2022/2A excelling")

	tally := e.ok(bob, "panel eds-2022/2").Text()
	for _, want := range []string{
		"Panel on eds-2022/2 (2026/27), open until 2027-01-31",
		"Members: <@UAMY>, <@UBOB>, <@UCAT>", "Guests: Pat Jones (trade-union)",
		"4 votes: 🟧 developing 2 · 🟩 achieving 2",
		"Median *developing* · spread developing to achieving",
		"Not voted: <@UBOB>, <@UCAT>, Pat Jones", // on 2A
	} {
		if !strings.Contains(tally, want) {
			t.Errorf("tally lacks %q:\n%s", want, tally)
		}
	}

	r := e.ok(adminUser, "panel agree eds-2022/2B developing agreed at the March meeting")
	if r.Ephemeral || !strings.Contains(r.Text(), "agreed grade of `eds-2022/2B`") {
		t.Errorf("agree = %+v", r)
	}
	if got := e.target("eds-2022/2B").Rating; got != framework.Developing {
		t.Errorf("2B rating = %q", got)
	}
	e.panelUnchanged(amy, "vote eds-2022/2B excelling", framework.ECONFLICT, "", "the panel agreed developing on `eds-2022/2B`: voting on it has ended")
	e.panelUnchanged(adminUser, "panel agree eds-2022/2B achieving", framework.ECONFLICT, "", "the panel already agreed developing")

	hist := e.ok(bob, "history eds-2022/2B").Text()
	for _, want := range []string{
		"developing", "agreed at the March meeting", "agreed by the panel on eds-2022/2",
		"@UAMY achieving (the survey shows it)", "@UBOB developing", "@UCAT achieving (on reflection)",
		"Pat Jones (trade-union) developing (too few staff surveyed)",
		"members @UAMY, @UBOB, @UCAT", "guests Pat Jones (trade-union)",
	} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
	// Every vote, the changed one included, is in the record.
	evs, err := e.st.WorkspaceEvents(context.Background(), testWS, 0)
	if err != nil {
		t.Fatal(err)
	}
	var cats []string
	for _, ev := range evs {
		if ev.Kind == eventVote && ev.User == cat {
			cats = append(cats, ev.To)
		}
	}
	if !reflect.DeepEqual(cats, []string{"achieving", "developing"}) {
		t.Errorf("cat's votes in the record = %v", cats)
	}

	e.ok(adminUser, "panel close eds-2022/2")
	e.panelUnchanged(amy, "vote eds-2022/2A achieving", framework.ECONFLICT, "", "the panel on `eds-2022/2` is closed")
	if tally := e.ok(amy, "panel eds-2022/2").Text(); !strings.Contains(tally, "closed") || !strings.Contains(tally, "excelling 1") {
		t.Errorf("closed tally:\n%s", tally)
	}
	// Agreeing works on a closed panel; rate works again.
	e.ok(adminUser, "panel agree eds-2022/2A excelling")
	e.ok(adminUser, "rate eds-2022/2C achieving")
}

// Domain 1 is graded per service: the outcome's grade is the median of
// its services' (the lower middle one when even), and counts once.
func TestServices(t *testing.T) {
	e := eds2022(t)
	e.panelUnchanged(amy, "service add eds-2022 ae Accident and emergency", framework.EFORBIDDEN, "", "only an admin")
	e.panelUnchanged(adminUser, "service add eds nope Nope", framework.EINVALID, "framework", "grades no")
	for _, s := range []string{"ae Accident and emergency", "op Outpatients", "mh Mental health"} {
		e.ok(adminUser, "service add eds-2022 "+s)
	}
	e.panelUnchanged(adminUser, "rate eds-2022/1A achieving", framework.EINVALID, "service", "is graded per service")
	e.panelUnchanged(adminUser, "rate eds-2022/1A achieving service xx", framework.EINVALID, "service", "is not a service of `eds-2022`")
	e.panelUnchanged(adminUser, "rate eds-2022/2A achieving service ae", framework.EINVALID, "service", "is not graded per service")

	e.ok(adminUser, "rate eds-2022/1A excelling service ae")
	e.ok(adminUser, "rate eds-2022/1A developing service op")
	if got := e.target("eds-2022/1A").Rating; got != framework.Developing {
		t.Errorf("two services: 1A = %q, want the lower middle, developing", got)
	}
	e.ok(adminUser, "rate eds-2022/1A achieving service mh agreed with the division")
	if got := e.target("eds-2022/1A").Rating; got != framework.Achieving {
		t.Errorf("three services: 1A = %q, want achieving", got)
	}
	for _, ref := range []string{"eds-2022/1B", "eds-2022/1C", "eds-2022/1D"} {
		for _, s := range []string{"ae", "op", "mh"} {
			e.ok(adminUser, "rate "+ref+" excelling service "+s)
		}
	}
	show := e.ok(bob, "show eds-2022/1A").Text()
	if !strings.Contains(show, "`ae` 🟪 excelling, `mh` 🟩 achieving, `op` 🟧 developing") {
		t.Errorf("show lacks the grades per service:\n%s", show)
	}
	// Each outcome counts once: 2 + 3×3 = 11 of 33.
	if rep := e.ok(bob, "report eds-2022").Text(); !strings.Contains(rep, "11 of 33") {
		t.Errorf("report:\n%s", rep)
	}
	// A panel on a domain graded per service votes per service.
	open := e.ok(adminUser, "panel open eds-2022/1")
	if b := button(t, open, "eds-2022/1B", "op: achieving"); b.Command != "vote eds-2022/1B achieving service op" {
		t.Errorf("a per-service button = %+v", b)
	}
	e.ok(adminUser, "panel add eds-2022/1 <@UAMY>")
	e.panelUnchanged(amy, "vote eds-2022/1B achieving service zz", framework.EINVALID, "service", "is not a service")
	e.ok(amy, "vote eds-2022/1B achieving service ae")
	e.ok(adminUser, "panel agree eds-2022/1B achieving service ae")
	if got := e.target("eds-2022/1B").Rating; got != framework.Excelling {
		t.Errorf("1B = %q, want excelling still (excelling, excelling, achieving)", got)
	}
}
