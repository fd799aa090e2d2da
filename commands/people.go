package commands

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// People have names: each request's display name is recorded as it is
// seen (recordName), and an admin sets a name and role by hand with
// `people set`. The rules of which name wins are framework's (Seen,
// Named); this file words them and writes the entries.

// people reads the names the workspace knows.
func (h *Handler) people(ctx context.Context, ws string) (framework.People, error) {
	raw, err := h.store.Entries(ctx, ws, store.EntryPerson)
	if err != nil {
		return nil, storeErr("load people", err)
	}
	return framework.PeopleOf(raw), nil
}

// peopleVerb lists the people the workspace knows, or sets one's name.
func (h *Handler) peopleVerb(ctx context.Context, c *call) (bot.Reply, error) {
	action := strings.ToLower(c.arg("action"))
	switch {
	case action == "" && c.text() && c.args.len() > 0:
		return bot.Reply{}, usageError("people", "action", "say `set`, the user and their name, or nothing to list the people")
	case action == "":
		return h.listPeople(ctx, c)
	case action != "set":
		return bot.Reply{}, usageError("people", "action", fmt.Sprintf("%s is not an action: say `set`", code(short(action, 20))))
	case c.arg("user") == "":
		return bot.Reply{}, usageError("people", "user", "name the user, then their name, like `@amy Amy Khan | EDI lead`")
	}
	user, err := readUser(c, "user")
	if err != nil {
		return bot.Reply{}, err
	}
	name, role := readPersonName(c)
	if name == "" {
		return bot.Reply{}, usageError("people", "person", "give "+bot.User(user)+"'s name after them, like `@amy Amy Khan | EDI lead`: a name cannot be empty")
	}
	if err := checkPersonName("name", name); err != nil {
		return bot.Reply{}, err
	}
	if err := checkPersonName("role", role); role != "" && err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireAdmin(ctx, c, "set people's names"); err != nil {
		return bot.Reply{}, err
	}
	raw, err := h.store.Entries(ctx, c.req.Workspace, store.EntryPerson)
	if err != nil {
		return bot.Reply{}, storeErr("load people", err)
	}
	key := entryKey(raw, user)
	cur, _ := framework.PeopleOf(raw).Of(user)
	next, changed, err := framework.Named(cur, key, name, role)
	if err != nil {
		return bot.Reply{}, storeErr("name person", err)
	}
	if !changed {
		return bot.Reply{}, noChange(framework.ErrNoChange.About(next.Label()), "nothing changed: %s is already named %s", bot.User(user), bot.Escape(next.Label()))
	}
	ev := framework.Event{Kind: framework.EventPerson, Author: c.req.User, Time: c.now, User: key, To: next.Name, Reason: next.Role}
	if cur.Name != next.Name {
		ev.From = cur.Name
	}
	w := store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryPerson, Key: key, Value: raw[key]}},
		Put:    []store.Entry{{Kind: store.EntryPerson, Key: key, Value: next.Encode()}},
		Events: []framework.Event{ev},
	}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, w); err != nil {
		return bot.Reply{}, storeErr("name person", err)
	}
	return ephemeral(fmt.Sprintf("Saved: digests, `show` and reports now name %s as %s. Their name on the platform no longer replaces it.", bot.User(user), bot.Bold(bot.Escape(next.Label())))), nil
}

// readPersonName reads the name and role of `people set @user <name…>
// [| <role…>]`: the role follows a bar. Each is folded to one line.
func readPersonName(c *call) (name, role string) {
	name, role, _ = strings.Cut(c.arg("person"), "|")
	return strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(role), " ")
}

// checkPersonName refuses a name or role (what) that cannot be shown on
// one line, or is longer than framework.MaxPersonName.
func checkPersonName(what, s string) error {
	if err := checkText("person", what, s, framework.MaxPersonName); err != nil {
		return err
	}
	if framework.CheckPersonName(s) != nil {
		return framework.FieldErrorf("person", "the %s has nothing to show in it: give it in words", what)
	}
	return nil
}

// listPeople lists the people the workspace knows by name.
func (h *Handler) listPeople(ctx context.Context, c *call) (bot.Reply, error) {
	people, err := h.people(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	hint := "An admin sets a name and role with " + code("/target people set @user <name> | <role>") + "."
	if len(people) == 0 {
		return ephemeral("No names are known here yet: targetbot records each person's display name as they use it. " + hint), nil
	}
	ps := make([]framework.Person, 0, len(people))
	for _, p := range people {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b framework.Person) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.User, b.User))
	})
	lines := make([]string, len(ps))
	for i, p := range ps {
		line := bot.User(p.User) + ": " + bot.Escape(p.Label())
		if p.Manual {
			line += " (set by an admin)"
		}
		lines[i] = view.Bullet(line)
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: fmt.Sprintf("People (%d)", len(ps)), Text: strings.Join(lines, "\n") + "\n" + hint}}}, nil
}

// readUser reads the user argument name: a mention, "me", or a named
// request's user id, in the one form commands keep (canonicalUser).
func readUser(c *call, name string) (string, error) {
	s := c.arg(name)
	if strings.EqualFold(s, "me") {
		return c.req.User, nil
	}
	if !c.text() && validUserID(s) {
		return canonicalUser(c.req.Workspace, s), nil // a platform's user picker gives the id
	}
	id, ok := parseMention(s)
	if !ok {
		return "", framework.FieldErrorf(name, "%s is not a user: mention them, like `@amy`", code(short(s, 40)))
	}
	return canonicalUser(c.req.Workspace, id), nil
}

// canonicalUser is a user id in the one form commands keep. Ids compare
// without case everywhere (framework.SameUser); those that are names or
// GUIDs (the console's users, Teams' AAD object ids) are also kept in
// lower case, so `@Amy` typed in the console is stored as amy.
func canonicalUser(ws, id string) string {
	if bot.PlatformOf(ws) == "local" || isGUID(id) {
		return strings.ToLower(id)
	}
	return id
}

// isGUID reports whether s is a GUID, 8-4-4-4-12 hex digits.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// maxNamesCached bounds the names a Handler remembers as recorded.
const maxNamesCached = 10000

// nameCache remembers, per workspace and user, the display name last
// recorded or found in the store, so that recording names costs no round
// trip in the steady state. It is bounded: when full it starts afresh,
// which costs one read per user seen again.
type nameCache struct {
	mu    sync.Mutex
	max   int
	names map[string]string
}

func newNameCache(n int) *nameCache { return &nameCache{max: n, names: map[string]string{}} }

// seen reports whether the cache holds name for key. The key is bytes,
// which a map look-up reads without making a string of them: every
// command asks.
func (c *nameCache) seen(key []byte, name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	got, ok := c.names[string(key)]
	return ok && got == name
}

// nameKey appends the cache's key for user in workspace ws to dst: the
// workspace, a zero byte and the user in lower case.
func nameKey(dst []byte, ws, user string) []byte {
	dst = append(append(dst, ws...), 0)
	for i := 0; i < len(user); i++ {
		if user[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(user)...)
		}
	}
	for i := 0; i < len(user); i++ { // ASCII: as strings.ToLower does
		c := user[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func (c *nameCache) add(key, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.names) >= c.max {
		clear(c.names)
	}
	c.names[key] = name
}

// recordName records the requester's display name (Request.UserName) as
// their person's name, when it is new or changed, after the verb has run.
// A name this process has recorded or found costs nothing, so an update
// stays one round trip in the steady state; a name first seen costs a
// read and, when it changes anything, a write. A name set by hand is
// never replaced (framework.Seen). Failures are logged, never shown: a
// name is a courtesy.
func (h *Handler) recordName(ctx context.Context, r bot.Request) {
	name := strings.TrimSpace(r.UserName)
	if r.Workspace == "" || r.User == "" || name == "" {
		return
	}
	var kb [128]byte
	key := nameKey(kb[:0], r.Workspace, r.User)
	if h.names.seen(key, name) {
		return
	}
	raw, err := h.store.Entries(ctx, r.Workspace, store.EntryPerson)
	if err != nil {
		h.log.Debug("record name: load people", "workspace", r.Workspace, "err", err)
		return
	}
	k := entryKey(raw, r.User)
	cur, known := framework.PeopleOf(raw).Of(r.User)
	if next, changed := framework.Seen(cur, known, k, name); changed {
		w := store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryPerson, Key: k, Value: raw[k]}},
			Put:    []store.Entry{{Kind: store.EntryPerson, Key: k, Value: next.Encode()}},
		}
		if _, err := h.store.WriteEntries(ctx, r.Workspace, w); err != nil {
			h.log.Debug("record name", "workspace", r.Workspace, "user", r.User, "err", err)
			return
		}
	}
	h.names.add(string(key), name)
}
