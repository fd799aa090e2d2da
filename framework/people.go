package framework

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Person is what a workspace knows of one of its users: the name to show
// for them in digests, `show` and reports, and their role (a job title),
// beside the chat id that stays their identity.
type Person struct {
	User string `json:"user"`
	Name string `json:"name,omitempty"`
	Role string `json:"role,omitempty"`
	// Manual is true when an admin set Name with `people set`: a
	// platform's display name seen later does not replace it.
	Manual bool `json:"manual,omitempty"`
}

// Label is the person's name with their role where set ("Amy Khan,
// EDI lead"), or "" when the workspace knows no name for them.
func (p Person) Label() string {
	switch {
	case p.Name == "":
		return ""
	case p.Role == "":
		return p.Name
	}
	return p.Name + ", " + p.Role
}

// MaxPersonName is the longest name or role a person may have, in
// characters: a name is shown on every line that names its person.
const MaxPersonName = 100

// CheckPersonName refuses an empty or over-long name (ErrTooLong) and
// one with a control character or a line break (ErrTooLong too: it could
// not be shown on one line).
func CheckPersonName(s string) error {
	if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxPersonName || strings.ContainsFunc(s, isControl) {
		return ErrTooLong.About(s)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// SameUser reports whether two user ids name the same user. Ids are
// compared without case everywhere (`@Amy` is `@amy`), so a name typed
// in the console and a GUID in any case both match.
func SameUser(a, b string) bool { return strings.EqualFold(a, b) }

// Admin is a user granted administration of a workspace in chat
// (`admins add`), with who granted it and when. Platform roles and the
// deployment's TARGETBOT_ADMINS are not stored: they are checked as
// each request arrives.
type Admin struct {
	User string    `json:"user"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at,omitzero"`
	// Installed is true for the first admin of a Teams team: the user
	// who installed the bot there.
	Installed bool `json:"installed,omitempty"`
}

// Workspace-level event kinds. A workspace event has no Target: it
// records a change to the workspace's own record, and User names whom
// it is about where it is about someone.
const (
	EventAdminAdd    EventKind = "admin-add"    // User was granted admin; Reason is "installed" for the installer
	EventAdminRemove EventKind = "admin-remove" // User's grant was removed
	EventPerson      EventKind = "person"       // User's name (From, To) or role (Reason) was set by hand
)
