package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Who administers a workspace: its platform's admins (Request.
// PlatformAdmin), the deployment's TARGETBOT_ADMINS (Options.Admins), and
// the users granted admin here in chat (framework.Workspace.Admins). The
// rules of granting are framework's (Grant, Revoke, Installed); this
// file words them and writes the grants.

// isAdmin reports whether the requester administers the workspace. Only
// a grant needs the workspace read, which the verb then shares.
func (h *Handler) isAdmin(ctx context.Context, c *call) (bool, error) {
	if c.req.PlatformAdmin || h.configuredAdmin(c.req.Workspace, c.req.User) {
		return true, nil
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return false, err
	}
	_, ok := w.Granted(c.req.User)
	return ok, nil
}

// configuredAdmin reports whether TARGETBOT_ADMINS names user on ws's
// platform, ignoring case.
func (h *Handler) configuredAdmin(ws, user string) bool {
	_, ok := h.admins[strings.ToLower(bot.PlatformOf(ws)+":"+user)]
	return user != "" && ok
}

// requireAdmin returns EFORBIDDEN unless the requester is an admin.
func (h *Handler) requireAdmin(ctx context.Context, c *call, what string) error {
	ok, err := h.isAdmin(ctx, c)
	if err != nil || ok {
		return err
	}
	return framework.Errorf(framework.EFORBIDDEN, "only an admin can %s: ask a workspace admin (see `/target admins`)", what)
}

// requireOwnerOrAdmin returns EFORBIDDEN unless the requester is an admin
// or owns t.
func (h *Handler) requireOwnerOrAdmin(ctx context.Context, c *call, t *framework.Target, what string) error {
	if t.Owner != "" && framework.SameUser(t.Owner, c.req.User) {
		return nil
	}
	ok, err := h.isAdmin(ctx, c)
	if err != nil || ok {
		return err
	}
	return notOwnerOrAdmin(t, what)
}

// notOwnerOrAdmin is the refusal of what to a requester who neither
// owns t nor is an admin.
func notOwnerOrAdmin(t *framework.Target, what string) error {
	return framework.Errorf(framework.EFORBIDDEN, "only an admin or the target's owner can %s %s", what, t.Ref())
}

// platformAdmins says who a platform's own admins are (the role each
// platform reports with a request, as Request.PlatformAdmin): the role,
// and the sentence that says its holders are admins. A platform with no
// such role (Teams) has no entry.
var platformAdmins = map[string]struct{ role, others string }{
	"slack":   {"Slack workspace admins and owners", "Slack workspace admins and owners are admins too."},
	"discord": {"Discord members with Administrator or Manage Server", "Discord members with Administrator or Manage Server are admins too."},
	"local":   {"the console's user, unless TARGETBOT_ADMINS names local: users", "The console's user is an admin too, unless TARGETBOT_ADMINS names local: users."},
}

// adminsHistory is how many changes to the admins `admins` shows, from
// the newest adminsEventsRead workspace events.
const (
	adminsHistory    = 5
	adminsEventsRead = 100
)

// adminsVerb lists the admins and why each is one, or grants or removes
// admin.
func (h *Handler) adminsVerb(ctx context.Context, c *call) (bot.Reply, error) {
	action := strings.ToLower(c.arg("action"))
	switch {
	case c.text() && action == "" && c.args.len() > 0:
		return bot.Reply{}, usageError("admins", "action", "say `add` or `remove` and the user, or nothing to list the admins")
	case action == "":
		return h.listAdmins(ctx, c)
	case action != "add" && action != "remove":
		return bot.Reply{}, usageError("admins", "action", fmt.Sprintf("%s is not an action: say `add` or `remove`", code(short(action, 20))))
	case c.text() && c.args.len() != 2:
		return bot.Reply{}, usageError("admins", "user", "name one user, like `@amy`")
	}
	user, err := readUser(c, "user")
	if err != nil {
		return bot.Reply{}, err
	}
	what := "grant admin"
	if action == "remove" {
		what = "remove an admin"
	}
	if err := h.requireAdmin(ctx, c, what); err != nil {
		return bot.Reply{}, err
	}
	raw, err := h.store.Entries(ctx, c.req.Workspace, store.EntryAdmin)
	if err != nil {
		return bot.Reply{}, storeErr("load admins", err)
	}
	admins := store.AdminsOf(raw)
	if action == "add" {
		a, ev, err := framework.Grant(admins, user, c.req.User, c.now)
		if errors.Is(err, framework.ErrNoChange) {
			return bot.Reply{}, noChange(err, "nothing changed: %s is already an admin here (%s)", bot.User(a.User), h.grantWords(c, a))
		}
		if err != nil {
			return bot.Reply{}, storeErr("grant admin", err)
		}
		w := store.EntryWrite{
			Expect: []store.Entry{{Kind: store.EntryAdmin, Key: a.User}},
			Put:    []store.Entry{{Kind: store.EntryAdmin, Key: a.User, Value: a.Encode()}},
			Events: []framework.Event{ev},
		}
		if _, err := h.store.WriteEntries(ctx, c.req.Workspace, w); err != nil {
			return bot.Reply{}, storeErr("grant admin", err)
		}
		return announce(fmt.Sprintf("%s made %s an admin of this workspace: `/target admins` lists every admin", bot.User(c.req.User), bot.User(a.User))), nil
	}
	a, ev, err := framework.Revoke(admins, user, c.req.User, c.now)
	switch {
	case errors.Is(err, framework.ErrNotGranted):
		return bot.Reply{}, &framework.Error{Code: framework.ErrorCode(err), Field: "user", Err: err, Message: h.notGranted(c, user)}
	case err != nil:
		return bot.Reply{}, storeErr("remove admin", err)
	}
	key := entryKey(raw, a.User)
	w := store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryAdmin, Key: key, Value: raw[key]}},
		Put:    []store.Entry{{Kind: store.EntryAdmin, Key: key}},
		Events: []framework.Event{ev},
	}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, w); err != nil {
		return bot.Reply{}, storeErr("remove admin", err)
	}
	msg := fmt.Sprintf("%s removed %s as an admin of this workspace", bot.User(c.req.User), bot.User(a.User))
	if why := h.otherwiseAdmin(c, a.User); why != "" {
		msg += ": they stay an admin " + why
	}
	return announce(msg), nil
}

// notGranted says why user, who was not granted admin here, cannot be
// removed: they may be an admin by other means, which chat cannot change.
func (h *Handler) notGranted(c *call, user string) string {
	if why := h.otherwiseAdmin(c, user); why != "" {
		return fmt.Sprintf("%s was not granted admin here, so there is no grant to remove: they are an admin %s, which cannot be changed in chat", bot.User(user), why)
	}
	return fmt.Sprintf("%s is not an admin granted here, so there is nothing to remove: see `/target admins`", bot.User(user))
}

// otherwiseAdmin says how user is an admin besides a grant here, as far
// as targetbot can know: "" when it knows of no way.
func (h *Handler) otherwiseAdmin(c *call, user string) string {
	switch {
	case h.configuredAdmin(c.req.Workspace, user):
		return "through TARGETBOT_ADMINS, which whoever runs targetbot sets"
	case framework.SameUser(user, c.req.User) && c.req.PlatformAdmin:
		return "by your role on the platform (" + platformRole(c.req.Workspace) + ")"
	}
	return ""
}

// platformRole names the platform role that makes admins on ws's
// platform.
func platformRole(ws string) string {
	if p, ok := platformAdmins[bot.PlatformOf(ws)]; ok {
		return p.role
	}
	return "the platform's own admins"
}

// grantWords says how a grant was made: "granted by @bob on 2026-11-23",
// or that its user installed targetbot here.
func (h *Handler) grantWords(c *call, a framework.Admin) string {
	day := ""
	if !a.At.IsZero() {
		day = " on " + a.At.In(h.locOf(c)).Format("2006-01-02")
	}
	switch {
	case a.Installed:
		return "installed targetbot here" + day
	case a.By == "" || framework.SameUser(a.By, a.User):
		return "granted here" + day
	}
	return "granted by " + bot.User(a.By) + day
}

// locOf is the time zone the request's workspace shows times in, as far
// as it has been read.
func (h *Handler) locOf(c *call) *time.Location {
	if c.ws != nil {
		return c.ws.Location(h.loc)
	}
	return h.loc
}

// listAdmins lists everyone targetbot knows to be an admin here, and why.
func (h *Handler) listAdmins(ctx context.Context, c *call) (bot.Reply, error) {
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	people, err := h.people(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	events, err := h.store.WorkspaceEvents(ctx, w.ID, adminsEventsRead)
	if err != nil {
		return bot.Reply{}, storeErr("load workspace events", err)
	}
	v := h.clock(c, &w)
	v.People = people
	var lines []string
	for _, a := range w.Admins {
		lines = append(lines, view.Bullet(named(people, a.User)+": "+h.grantWords(c, a)))
	}
	platform := bot.PlatformOf(w.ID)
	var configured []string
	for _, a := range h.admins {
		if p, user, _ := strings.Cut(a, ":"); strings.EqualFold(p, platform) {
			configured = append(configured, user)
		}
	}
	slices.Sort(configured)
	for _, user := range configured {
		lines = append(lines, view.Bullet(named(people, user)+": named in TARGETBOT_ADMINS, which whoever runs targetbot sets"))
	}
	role := ""
	if others := platformAdmins[platform].others; others != "" {
		role = "You are not an admin by your role on the platform. "
		if c.req.PlatformAdmin {
			role = "You are an admin by your role on the platform. "
		}
		role += others + " targetbot learns a role only from its holder's own commands, so they are not listed.\n"
	}
	if len(lines) == 0 {
		lines = append(lines, "No one is granted admin here yet.")
	}
	blocks := []bot.Block{{Title: "Admins of this workspace", Text: strings.Join(lines, "\n") + "\n" + role +
		"An admin grants admin with " + code("/target admins add @user") + " and removes it with " + code("/target admins remove @user") + "."}}
	var changes []string
	for i := range events {
		if len(changes) == adminsHistory {
			break
		}
		if e := &events[i]; e.Kind == framework.EventAdminAdd || e.Kind == framework.EventAdminRemove {
			changes = append(changes, view.Bullet(v.EventLine(e)))
		}
	}
	if len(changes) > 0 {
		blocks = append(blocks, bot.Block{Title: "Latest changes to the admins", Text: strings.Join(changes, "\n")})
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
}

// named is a user as a list of people shows them: the reference, then
// the name and role the workspace knows.
func named(people framework.People, user string) string {
	if label := people.Label(user); label != "" {
		return bot.User(user) + " (" + bot.Escape(label) + ")"
	}
	return bot.User(user)
}

// entryKey is the key under which entries hold user, whatever its case:
// the key as stored when there is one, else user.
func entryKey(entries map[string]string, user string) string {
	if _, ok := entries[user]; ok {
		return user
	}
	for k := range entries {
		if framework.SameUser(k, user) {
			return k
		}
	}
	return user
}

// Installed greets a workspace the bot was just added to, and makes the
// user who added it the workspace's first admin when no one is granted
// admin there yet (see bot.Installer).
func (h *Handler) Installed(ctx context.Context, r bot.Request) bot.Reply {
	r = withoutControls(r)
	r.User = canonicalUser(r.Workspace, r.User)
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	welcome := "👋 " + helpIntro + ". Start with " + code("/target frameworks") + ", and " + code("/target help") + " lists every command."
	if r.Workspace == "" || r.User == "" {
		return bot.Say(welcome, false)
	}
	h.recordName(ctx, r)
	raw, err := h.store.Entries(ctx, r.Workspace, store.EntryAdmin)
	if err != nil {
		h.log.Warn("install: load admins", "workspace", r.Workspace, "err", err)
		return bot.Say(welcome, false)
	}
	a, ev, ok := framework.Installed(store.AdminsOf(raw), r.User, h.now())
	if !ok {
		return bot.Say(welcome+" "+code("/target admins")+" lists its admins.", false)
	}
	w := store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryAdmin, Key: a.User}},
		Put:    []store.Entry{{Kind: store.EntryAdmin, Key: a.User, Value: a.Encode()}},
		Events: []framework.Event{ev},
	}
	if _, err := h.store.WriteEntries(ctx, r.Workspace, w); err != nil {
		// Someone was granted admin at the same moment, or the store is
		// away: the welcome stands, and `admins` shows who is one.
		h.log.Warn("install: grant the installer admin", "workspace", r.Workspace, "user", r.User, "err", err)
		return bot.Say(welcome+" "+code("/target admins")+" lists its admins.", false)
	}
	return bot.Say(welcome+"\n"+bot.User(a.User)+" added targetbot here, so they are its first admin: "+
		code("/target admins add @user")+" makes others admins too.", false)
}
