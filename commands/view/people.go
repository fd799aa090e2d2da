package view

import (
	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// Person names a user for readers: by the name (and role) the workspace
// knows for them, "Amy Khan, EDI lead", or by a reference to the user
// when it knows none, which each platform shows as it can. A name is
// text people typed or a platform gave, so it is inert.
func Person(people framework.People, user string) string {
	if label := people.Label(user); label != "" {
		return bot.Escape(label)
	}
	return bot.User(user)
}

// Person names a user by the names c knows (see Person).
func (c Clock) Person(user string) string { return Person(c.People, user) }

// Owner names a target's owner by the names c knows, or says
// "unassigned".
func (c Clock) Owner(user string) string {
	if user == "" {
		return "unassigned"
	}
	return c.Person(user)
}

// Owner is a target's owner as a user reference, or "unassigned", where
// no names are known (see Clock.Owner).
func Owner(id string) string { return Clock{}.Owner(id) }
