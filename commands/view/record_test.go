package view

import (
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

func TestGrade(t *testing.T) {
	now := Clock{Cycle: "2027/28", Previous: "2026/27"}
	first := Clock{Cycle: "2026/27"}
	graded := framework.Target{Rating: framework.Achieving, Grades: map[string]framework.Rating{"2026/27": framework.Developing, "2025/26": framework.Excelling}}
	for _, tt := range []struct {
		name   string
		c      Clock
		t      framework.Target
		always bool
		want   string
	}{
		{"beside the previous cycle's", now, graded, false, "🟩 achieving (2027/28) · was 🟧 developing (2026/27)"},
		{"ungraded now, graded before", now, framework.Target{Grades: graded.Grades}, false, "⬜ unrated (2027/28) · was 🟧 developing (2026/27)"},
		{"no previous grade, in a list", now, framework.Target{Rating: framework.Achieving}, false, "🟩 achieving"},
		{"no grade at all, in a list", now, framework.Target{}, false, ""},
		{"no grade at all, in show", now, framework.Target{}, true, "⬜ unrated (2027/28)"},
		{"the first cycle, in show", first, graded, true, "🟩 achieving (2026/27)"},
		{"an older cycle's grade is not the previous one", Clock{Cycle: "2027/28", Previous: "2026/27"}, framework.Target{Grades: map[string]framework.Rating{"2025/26": framework.Excelling}}, false, ""},
	} {
		if got := tt.c.Grade(&tt.t, tt.always); got != tt.want {
			t.Errorf("%s: Grade = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEventWhat(t *testing.T) {
	for _, tt := range []struct {
		e    framework.Event
		want string
	}{
		{framework.Event{Kind: framework.EventAssign, To: "U1"}, "assigned @U1 (was unassigned)"},
		{framework.Event{Kind: framework.EventAssign, From: "U1", To: "U2"}, "assigned @U2 (was @U1)"},
		{framework.Event{Kind: framework.EventAssign, From: "U1"}, "unassigned @U1"},
		{framework.Event{Kind: framework.EventDue, To: "2026-12-31"}, "set the due date to 2026-12-31 (was none)"},
		{framework.Event{Kind: framework.EventDue, From: "2026-12-31"}, "cleared the due date (was 2026-12-31)"},
		{framework.Event{Kind: framework.EventRate, To: "developing", Cycle: "2026/27", Reason: "no *policy* <!channel>"}, "rated 🟧 developing in 2026/27 “no *policy* <!channel>”"},
		{framework.Event{Kind: framework.EventRate, From: "developing", Cycle: "2026/27"}, "cleared the grade in 2026/27 (was developing)"},
		{framework.Event{Kind: framework.EventSnooze, To: "2026-12-07", Reason: "leave"}, "snoozed reminders until 2026-12-07 “leave”"},
		{framework.Event{Kind: framework.EventSnooze, From: "2026-12-07"}, "turned reminders back on"},
		{framework.Event{Kind: framework.EventEvidence, URL: "https://example.org/a", Title: "[nhs.uk](https://evil)"}, "attached evidence: [nhs.uk](https://evil) (https://example.org/a)"},
		{framework.Event{Kind: framework.EventEdit, From: "Old", To: "*New*"}, "retitled it “*New*” (was “Old”)"},
		{framework.Event{Kind: framework.EventArchive}, "archived it"},
		{framework.Event{Kind: framework.EventRestore}, "restored it"},
	} {
		what := EventWhat(&tt.e)
		if got := bot.PlainText(what); got != tt.want {
			t.Errorf("%s: EventWhat = %q, want %q", tt.e.Kind, got, tt.want)
		}
		for _, sp := range bot.Parse(what) {
			// Any link shows its own address: none is disguised.
			if sp.Bold || sp.Strike || sp.Kind == bot.SpanLink && sp.Text != sp.URL {
				t.Errorf("%s: user text is live markup: %+v", tt.e.Kind, sp)
			}
		}
	}
	c := Clock{Loc: time.UTC}
	e := framework.Event{Kind: framework.EventArchive, Author: "U9", Time: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	if got := bot.PlainText(c.EventLine(&e)); got != "2026-11-23 08:00 @U9 archived it" {
		t.Errorf("EventLine = %q", got)
	}
}
