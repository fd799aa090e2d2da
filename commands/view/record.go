package view

import (
	"fmt"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// Grade is a target's grade in the current cycle beside its grade in the
// previous one: "🟩 achieving (2027/28) · was 🟧 developing (2026/27)".
// Without a previous grade it is the current grade alone, named with its
// cycle when always is set ("⬜ unrated (2026/27)"), or "" for an
// unrated target when always is not set (lists leave it out).
func (c Clock) Grade(t *framework.Target, always bool) string {
	prev := t.Grades[c.Previous]
	if c.Previous == "" || prev == framework.Unrated {
		switch {
		case always:
			return Rating(t.Rating) + cycleName(c.Cycle)
		case t.Rating != framework.Unrated:
			return Rating(t.Rating)
		}
		return ""
	}
	return Rating(t.Rating) + cycleName(c.Cycle) + " · was " + Rating(prev) + cycleName(c.Previous)
}

func cycleName(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

// EventLine is one event for show and history: when, who, and what
// changed, from what, in the same form as UpdateLine.
func (c Clock) EventLine(e *framework.Event) string {
	return e.Time.In(c.Loc).Format("2006-01-02 15:04") + " " + c.Person(e.Author) + " " + c.EventWhat(e)
}

// EventWhat says what an event changed: "assigned <@U1> (was
// unassigned)", "rated 🟧 developing in 2026/27 “no policy yet”".
func EventWhat(e *framework.Event) string { return Clock{}.EventWhat(e) }

// EventWhat is EventWhat naming people by the names c knows.
func (c Clock) EventWhat(e *framework.Event) string {
	was := func(s string) string {
		if s == "" {
			return ""
		}
		return " (was " + s + ")"
	}
	switch e.Kind {
	case framework.EventAssign:
		if e.To == "" {
			return "unassigned " + c.Owner(e.From)
		}
		return "assigned " + c.Person(e.To) + was(c.ownerWord(e.From))
	case framework.EventDue:
		if e.To == "" {
			return "cleared the due date" + was(e.From)
		}
		return "set the due date to " + e.To + was(orNone(e.From))
	case framework.EventRate:
		what := "rated " + Rating(framework.Rating(e.To))
		switch {
		case e.ReasonChange():
			what = "gave a new reason for the grade " + Rating(framework.Rating(e.To))
		case e.To == "":
			what = "cleared the grade"
		}
		if e.Cycle != "" {
			what += " in " + e.Cycle
		}
		if !e.ReasonChange() {
			what += was(e.From)
		}
		if e.Reason != "" {
			what += " " + Note(e.Reason)
		}
		return what
	case framework.EventSnooze:
		if e.To == "" {
			return "turned reminders back on"
		}
		what := "snoozed reminders until " + e.To
		if e.Reason != "" {
			what += " " + Note(e.Reason)
		}
		return what
	case framework.EventEvidence:
		return "attached evidence: " + EvidenceLink(e.URL, e.Title)
	case framework.EventEdit:
		return "retitled it " + Note(e.To) + " (was " + Note(e.From) + ")"
	case framework.EventArchive:
		return "archived it"
	case framework.EventRestore:
		return "restored it"
	case framework.EventAdminAdd:
		if e.Reason == framework.ReasonInstalled {
			return "installed targetbot, and became its first admin"
		}
		return "made " + bot.User(e.User) + " an admin"
	case framework.EventAdminRemove:
		return "removed " + bot.User(e.User) + " as an admin"
	case framework.EventPerson:
		what := "named " + bot.User(e.User) + " " + Note(e.To)
		if e.Reason != "" {
			what += ", " + Note(e.Reason)
		}
		if e.From != "" {
			what += " (was " + Note(e.From) + ")"
		}
		return what
	}
	return fmt.Sprintf("changed it (%s)", bot.Escape(string(e.Kind)))
}

func (c Clock) ownerWord(id string) string {
	if id == "" {
		return "unassigned"
	}
	return c.Person(id)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// EvidenceLink is a link to evidence that shows its own address, after
// its title when it has one. The title is never the link's label: people
// type it, and a label could say one address while the link went to
// another.
func EvidenceLink(url, title string) string {
	link := bot.Link(url, "")
	if title == "" {
		return link
	}
	return Title(title, 80) + " (" + link + ")"
}

// EvidenceLine is one piece of evidence for show: the link, who attached
// it, and when.
func (c Clock) EvidenceLine(ev *framework.Evidence) string {
	return fmt.Sprintf("%s · %s, %s", EvidenceLink(ev.URL, ev.Title), c.Person(ev.Author), ev.Time.In(c.Loc).Format("2006-01-02"))
}
