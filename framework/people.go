package framework

import (
	"encoding/json"
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

// People are the people a workspace knows, by user id in lower case, so
// that looking one up ignores case as SameUser does.
type People map[string]Person

// PeopleOf decodes a workspace's person entries (store.EntryPerson
// values, keyed by user id) into People. An entry that does not decode
// is left out: a name is a courtesy, and its absence shows the id.
func PeopleOf(entries map[string]string) People {
	p := make(People, len(entries))
	for key, v := range entries {
		var person Person
		if json.Unmarshal([]byte(v), &person) != nil {
			continue
		}
		if person.User == "" {
			person.User = key
		}
		p[strings.ToLower(key)] = person
	}
	return p
}

// Of returns the person with user id user, ignoring case, and whether
// the workspace knows them.
func (p People) Of(user string) (Person, bool) {
	person, ok := p[strings.ToLower(user)]
	return person, ok
}

// Label is the label of user (see Person.Label), "" when the workspace
// knows no name for them.
func (p People) Label(user string) string {
	person, _ := p.Of(user)
	return person.Label()
}

// Seen decides what a platform's display name seen for a user changes:
// the person to store, and whether anything changed. A name set by hand
// (Manual) is kept, whatever the platform calls them; a blank or
// unshowable name changes nothing.
func Seen(cur Person, known bool, user, name string) (Person, bool) {
	name = strings.TrimSpace(name)
	// A "name" that is the id itself (the console's) says nothing.
	if CheckPersonName(name) != nil || SameUser(name, user) {
		return cur, false
	}
	if !known {
		return Person{User: user, Name: name}, true
	}
	if cur.Manual || cur.Name == name {
		return cur, false
	}
	cur.Name = name
	return cur, true
}

// Named returns cur with the name and role an admin set by hand, and
// whether that changes anything. The name must pass CheckPersonName, and
// a role given must too; "" for the role clears it.
func Named(cur Person, user, name, role string) (Person, bool, error) {
	name, role = strings.TrimSpace(name), strings.TrimSpace(role)
	if err := CheckPersonName(name); err != nil {
		return cur, false, err
	}
	if role != "" {
		if err := CheckPersonName(role); err != nil {
			return cur, false, err
		}
	}
	next := Person{User: user, Name: name, Role: role, Manual: true}
	if cur.User != "" {
		next.User = cur.User
	}
	return next, next != cur, nil
}

// Encode is the person as a store.EntryPerson value.
func (p Person) Encode() string {
	b, _ := json.Marshal(p) // a struct of strings and a bool always encodes
	return string(b)
}
