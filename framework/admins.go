package framework

import (
	"encoding/json"
	"time"
)

// The rules of granting admin in chat. Platform roles and the
// deployment's TARGETBOT_ADMINS are outside them: those admins are not
// stored, so they can be neither granted nor removed here.

// Grant returns the grant that makes user an admin of a workspace whose
// grants are admins, made by by at at, and the event that records it.
// ErrNoChange (about the user as granted) when user is granted already.
func Grant(admins []Admin, user, by string, at time.Time) (Admin, Event, error) {
	for _, a := range admins {
		if SameUser(a.User, user) {
			return a, Event{}, ErrNoChange.About(a.User)
		}
	}
	a := Admin{User: user, By: by, At: at}
	return a, Event{Kind: EventAdminAdd, Author: by, Time: at, User: user}, nil
}

// Revoke returns the grant of user that removing them ends, and the
// event that records it. ErrNotGranted (about user) when user has no
// grant here; ErrLastAdmin (about the user) when theirs is the only
// grant: a workspace keeps at least one admin granted in chat, so it
// can always be administered from chat.
func Revoke(admins []Admin, user, by string, at time.Time) (Admin, Event, error) {
	for _, a := range admins {
		if !SameUser(a.User, user) {
			continue
		}
		if len(admins) == 1 {
			return a, Event{}, ErrLastAdmin.About(a.User)
		}
		return a, Event{Kind: EventAdminRemove, Author: by, Time: at, User: a.User}, nil
	}
	return Admin{}, Event{}, ErrNotGranted.About(user)
}

// Installed returns the grant that makes user, who installed the bot in
// a workspace whose grants are admins, its first admin, and the event
// that records it; ok is false when the workspace has an admin granted
// already, and then nothing is granted.
func Installed(admins []Admin, user string, at time.Time) (a Admin, e Event, ok bool) {
	if len(admins) > 0 {
		return Admin{}, Event{}, false
	}
	a = Admin{User: user, By: user, At: at, Installed: true}
	return a, Event{Kind: EventAdminAdd, Author: user, Time: at, User: user, Reason: ReasonInstalled}, true
}

// ReasonInstalled is the Reason of the EventAdminAdd that made the user
// who installed the bot the first admin.
const ReasonInstalled = "installed"

// Encode is the grant as a store.EntryAdmin value.
func (a Admin) Encode() string {
	b, _ := json.Marshal(a) // strings, a time and a bool always encode
	return string(b)
}
