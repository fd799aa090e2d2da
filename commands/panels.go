package commands

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Stakeholder panels (DESIGN.md section 16): `panel open|add|guest|
// agree|close`, and `panel [<objective>]` for the tally. Votes are in
// panels_vote.go. The rules are framework's (panel.go); this file words
// them and keeps them as entryPanel entries.

// panelVerb dispatches `panel …` on its first word: an action, or an
// objective (or nothing) for the tally.
func (h *Handler) panelVerb(ctx context.Context, c *call) (bot.Reply, error) {
	action := strings.ToLower(c.arg("action"))
	words := strings.Fields(c.arg("rest"))
	switch action {
	case "open":
		return h.panelOpen(ctx, c, words)
	case "add":
		return h.panelAdd(ctx, c, words)
	case "guest":
		return h.panelGuest(ctx, c, words)
	case "agree":
		return h.panelAgree(ctx, c, words)
	case "close":
		return h.panelClose(ctx, c, words)
	}
	if len(words) > 0 {
		return bot.Reply{}, usageError("panel", "action", fmt.Sprintf("%s is not an action: say open, add, guest, agree or close, or name one objective for its tally", code(short(action, 20))))
	}
	return h.panelTally(ctx, c, action)
}

// panelObjective resolves the objective a panel verb names, with the
// workspace and its targets under that objective (live ones only).
func (h *Handler) panelObjective(ctx context.Context, c *call, ref string) (framework.Workspace, objectiveRef, []framework.Target, error) {
	if ref == "" {
		return framework.Workspace{}, objectiveRef{}, nil, usageError("panel", "objective", "name the objective, like `eds-2022/2`")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return w, objectiveRef{}, nil, err
	}
	if err := h.requireImported(&w); err != nil {
		return w, objectiveRef{}, nil, err
	}
	all, err := h.store.Targets(ctx, w.ID)
	if err != nil {
		return w, objectiveRef{}, nil, storeErr("load targets", err)
	}
	o, err := h.resolveObjective(&w, all, ref)
	if err != nil {
		return w, o, nil, err
	}
	var ts []framework.Target
	for _, t := range all {
		if t.Framework == o.Framework && t.Objective == o.Code && t.Live() {
			ts = append(ts, t)
		}
	}
	return w, o, ts, nil
}

// panelOpen opens a panel on an objective (or reopens a closed one of
// this cycle) and posts a card per target with the grades as buttons.
func (h *Handler) panelOpen(ctx context.Context, c *call, words []string) (bot.Reply, error) {
	if len(words) != 1 && (len(words) != 3 || !strings.EqualFold(words[1], "until")) {
		return bot.Reply{}, usageError("panel", "objective", "name one objective, and optionally `until YYYY-MM-DD`")
	}
	var until framework.Date
	if len(words) == 3 {
		d, err := framework.ParseDate(words[2])
		if err != nil {
			return bot.Reply{}, framework.FieldErrorf("until", "%s is not a date: use YYYY-MM-DD", code(short(words[2], 20)))
		}
		until = d
	}
	if err := h.requireAdmin(ctx, c, "open a panel"); err != nil {
		return bot.Reply{}, err
	}
	w, o, ts, err := h.panelObjective(ctx, c, words[0])
	if err != nil {
		return bot.Reply{}, err
	}
	if today := framework.Today(c.now, w.Location(h.loc)); !until.IsZero() && until < today {
		return bot.Reply{}, framework.FieldErrorf("until", "%s is in the past: name the day voting should end, today (%s) or later", code(string(until)), today)
	}
	p, err := h.readPanels(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	obj, cycle := o.String(), w.CurrentCycle(c.now)
	cur, had := p.open[obj]
	// A panel still taking votes keeps its members' votes and changes
	// only the day voting ends; one closed or ended opens again.
	extend := had && cur.Cycle == cycle && p.isOpen(obj, c.now)
	if extend && until == cur.Until {
		return bot.Reply{}, noChange(framework.ErrNoChange.About(obj), "nothing changed: a panel is already open on %s: see `/target panel %s`; `/target panel open %s until YYYY-MM-DD` changes the day voting ends", code(obj), obj, obj)
	}
	wr := store.EntryWrite{Expect: []store.Entry{{Kind: entryPanel, Key: panelKey(obj), Value: p.raw[panelKey(obj)]}}}
	next := framework.Panel{Objective: obj, Cycle: cycle, Until: until, OpenedBy: c.req.User, OpenedAt: c.now}
	if extend {
		next = cur
		next.Until = until
	}
	next.Ends = time.Time{}
	if until != "" {
		next.Ends = until.AddDays(1).Time(w.Location(h.loc))
	}
	refs := map[string]bool{}
	for _, t := range ts {
		refs[t.Ref()] = true
	}
	for k, v := range p.raw {
		switch {
		case had && cur.Cycle != cycle && ofPanel(k, obj, refs) && k != panelKey(obj) && k != untilKey(obj):
			// A panel of an earlier cycle: its record stays in the events.
			wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: k})
		case strings.HasPrefix(k, "member|"+obj+"|") && v != memberValue:
			wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: k, Value: memberValue})
		}
	}
	wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: panelKey(obj), Value: encodeJSON(next)})
	if until != "" || p.raw[untilKey(obj)] != "" {
		wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: untilKey(obj), Value: untilValue(&next)})
	}
	verb := "opened"
	if extend {
		verb = "extended"
	}
	wr.Events = []framework.Event{{Kind: eventPanel, Author: c.req.User, Time: c.now, Title: verb + " " + obj, To: string(until), Cycle: cycle}}
	if _, err := h.store.WriteEntries(ctx, w.ID, wr); err != nil {
		return bot.Reply{}, storeErr("open panel", err)
	}
	if extend {
		msg := fmt.Sprintf("%s changed when voting ends on the panel on %s: ", bot.User(c.req.User), code(obj))
		if until == "" {
			return announce(msg + "it has no end date now, and an admin closes it with " + code("/target panel close "+obj)), nil
		}
		return announce(msg + "voting until " + string(until)), nil
	}
	msg := fmt.Sprintf("%s opened a panel on %s for %s", bot.User(c.req.User), bot.Bold(code(obj)+" "+bot.Escape(o.Title)), cycle)
	if until != "" {
		msg += ", voting until " + string(until)
	}
	msg += ". Members vote with the buttons or " + code("/target vote <target> <grade> [reason]") + "; an admin adds members with " + code("/target panel add "+obj+" @user")
	var svcs []framework.Service
	if f := h.framework(o.Framework); f != nil && f.Grading.PerService(o.Code) {
		s, err := h.readServices(ctx, w.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		svcs = s.Defs[f.ID]
	}
	return announce(msg, h.panelCards(ts, svcs)...), nil
}

// ofPanel reports whether an entry key belongs to the panel on obj,
// whose targets are refs.
func ofPanel(key, obj string, refs map[string]bool) bool {
	parts := strings.Split(key, "|")
	if len(parts) < 2 {
		return false
	}
	if parts[0] == "vote" || parts[0] == "agreed" {
		return refs[parts[1]]
	}
	return parts[1] == obj
}

// panelCards are the cards posted when a panel opens: one per target,
// with the framework's descriptors and a button per grade (per service
// and grade, on an objective graded per service: svcs).
func (h *Handler) panelCards(ts []framework.Target, svcs []framework.Service) []bot.Block {
	out := make([]bot.Block, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		var grading *framework.Grading
		if f := h.framework(t.Framework); f != nil {
			grading = f.Grading
		}
		var lines []string
		for _, r := range framework.Ratings {
			if d := grading.Descriptor(t.Code, r); d != "" {
				lines = append(lines, view.Bullet(view.RatingEmoji(r)+" "+bot.Bold(string(r))+": "+bot.Escape(d)))
			}
		}
		var buttons []bot.Button
		switch {
		case !grading.PerService(t.Objective):
			buttons = gradeButtons(t.Ref(), "", "")
		case len(svcs) == 0:
			lines = append(lines, "Graded per service: an admin declares the services with "+code("/target service add "+t.Framework+" <code> <name>")+", then members vote with "+code("/target vote "+t.Ref()+" <grade> service <code>"))
		default:
			for _, s := range svcs {
				buttons = append(buttons, gradeButtons(t.Ref(), s.Code, s.Code+": ")...)
			}
		}
		out = append(out, bot.Block{Title: t.Ref() + " " + t.Title, Text: strings.Join(lines, "\n"), Buttons: buttons})
	}
	return out
}

// gradeButtons are a vote button per grade, for a service when service
// is set, each label after prefix.
func gradeButtons(ref, service, prefix string) []bot.Button {
	out := make([]bot.Button, len(framework.Ratings))
	for i, r := range framework.Ratings {
		out[i] = bot.Button{Label: prefix + string(r), Command: "vote " + ref + " " + string(r) + serviceWords(service)}
	}
	return out
}

// panelAdd makes users members of an objective's panel.
func (h *Handler) panelAdd(ctx context.Context, c *call, words []string) (bot.Reply, error) {
	if len(words) < 2 {
		return bot.Reply{}, usageError("panel", "objective", "name the objective and the members, like `panel add eds-2022/2 @amy @bob`")
	}
	var users []string
	for _, s := range words[1:] {
		id, ok := parseMention(s)
		if !ok {
			return bot.Reply{}, framework.FieldErrorf("user", "%s is not a user: mention them, like `@amy`", code(short(s, 40)))
		}
		users = append(users, canonicalUser(c.req.Workspace, id))
	}
	w, obj, p, err := h.adminPanel(ctx, c, words[0], "add panel members")
	if err != nil {
		return bot.Reply{}, err
	}
	pn, ok := p.open[obj]
	if !ok {
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "no panel is open on %s: an admin opens one with `/target panel open %s`", code(obj), obj)
	}
	value := memberValue
	if pn.Closed {
		value = memberClosed
	}
	wr := store.EntryWrite{Expect: []store.Entry{{Kind: entryPanel, Key: panelKey(obj), Value: p.raw[panelKey(obj)]}}}
	var added []string
	for _, u := range users {
		k := memberKey(obj, u)
		if _, ok := p.raw[k]; ok || slices.Contains(added, bot.User(u)) {
			continue
		}
		wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: k, Value: value})
		wr.Events = append(wr.Events, framework.Event{Kind: eventPanel, Author: c.req.User, Time: c.now, User: u, Title: "member of " + obj})
		added = append(added, bot.User(u))
	}
	if len(added) == 0 {
		return bot.Reply{}, noChange(framework.ErrNoChange.About(obj), "nothing changed: they are already members of the panel on %s", code(obj))
	}
	if _, err := h.store.WriteEntries(ctx, w.ID, wr); err != nil {
		return bot.Reply{}, storeErr("add panel members", err)
	}
	return announce(fmt.Sprintf("%s added %s to the panel on %s", bot.User(c.req.User), strings.Join(added, ", "), code(obj))), nil
}

// panelGuest records an outside participant of a panel.
func (h *Handler) panelGuest(ctx context.Context, c *call, words []string) (bot.Reply, error) {
	if len(words) < 3 {
		return bot.Reply{}, usageError("panel", "objective", "name the objective, the guest's category and their name, like `panel guest eds-2022/2 trade-union Pat Jones`")
	}
	cat := strings.ToLower(words[1])
	if !framework.ValidGuestCategory(cat) {
		return bot.Reply{}, framework.FieldErrorf("category", "%s is not a category of stakeholder: use %s", code(short(words[1], 30)), orList(framework.GuestCategories))
	}
	name := strings.Join(words[2:], " ")
	if err := checkPersonName("name", name); err != nil {
		return bot.Reply{}, err
	}
	w, obj, p, err := h.adminPanel(ctx, c, words[0], "add panel guests")
	if err != nil {
		return bot.Reply{}, err
	}
	if _, ok := p.open[obj]; !ok {
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "no panel is open on %s: an admin opens one with `/target panel open %s`", code(obj), obj)
	}
	k := guestKey(obj, name)
	if _, ok := p.raw[k]; ok {
		return bot.Reply{}, noChange(framework.ErrNoChange.About(name), "nothing changed: %s is already a guest of the panel on %s", bot.Escape(name), code(obj))
	}
	g := framework.Guest{Name: name, Category: cat, By: c.req.User, At: c.now}
	wr := store.EntryWrite{
		Expect: []store.Entry{{Kind: entryPanel, Key: panelKey(obj), Value: p.raw[panelKey(obj)]}, {Kind: entryPanel, Key: k}},
		Put:    []store.Entry{{Kind: entryPanel, Key: k, Value: encodeJSON(g)}},
		Events: []framework.Event{{Kind: eventPanel, Author: c.req.User, Time: c.now, Title: "guest of " + obj, To: name, Reason: cat}},
	}
	if _, err := h.store.WriteEntries(ctx, w.ID, wr); err != nil {
		return bot.Reply{}, storeErr("add panel guest", err)
	}
	return announce(fmt.Sprintf("%s added %s (%s) as a guest of the panel on %s: an admin enters their vote with %s", bot.User(c.req.User),
		bot.Bold(bot.Escape(name)), cat, code(obj), code("/target vote <target> <grade> for "+name+" [reason]"))), nil
}

// panelClose ends voting on an objective's panel. Its member entries
// become memberClosed in the same write, so a vote racing the close is
// refused by its own expectation.
func (h *Handler) panelClose(ctx context.Context, c *call, words []string) (bot.Reply, error) {
	if len(words) != 1 {
		return bot.Reply{}, usageError("panel", "objective", "name one objective")
	}
	w, obj, p, err := h.adminPanel(ctx, c, words[0], "close a panel")
	if err != nil {
		return bot.Reply{}, err
	}
	pn, ok := p.open[obj]
	switch {
	case !ok:
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "no panel is open on %s", code(obj))
	case pn.Closed:
		return bot.Reply{}, noChange(framework.ErrNoChange.About(obj), "nothing changed: the panel on %s is already closed", code(obj))
	}
	if _, err := h.store.WriteEntries(ctx, w.ID, p.closeWrite(obj, pn, c.req.User, c.now)); err != nil {
		return bot.Reply{}, storeErr("close panel", err)
	}
	return announce(fmt.Sprintf("%s closed the panel on %s: no more votes. The tally stays: %s", bot.User(c.req.User), code(obj), code("/target panel "+obj))), nil
}

// panelRefusesRate returns the refusal of a `rate` of t while a panel is
// open on its objective.
func (h *Handler) panelRefusesRate(ctx context.Context, ws string, t *framework.Target, now time.Time) error {
	p, err := h.readPanels(ctx, ws)
	if err != nil {
		return err
	}
	obj := framework.Ref(t.Framework, t.Objective)
	if !p.isOpen(obj, now) {
		return nil
	}
	return framework.Errorf(framework.ECONFLICT, "a panel is open on %s: its members vote (`/target panel %s` shows the tally) and an admin records the grade with `/target panel agree %s <grade>`", code(obj), obj, t.Ref())
}

// isEntryChanged reports whether err is a write refused by an
// expectation.
func isEntryChanged(err error) bool { return errors.Is(err, framework.ErrEntryChanged) }

// closeWrite is the write that closes the panel pn on obj: the panel
// marked closed and every member's entry turned to memberClosed, so a
// vote racing the close is refused by its own write.
func (p *panels) closeWrite(obj string, pn framework.Panel, by string, at time.Time) store.EntryWrite {
	pn.Closed, pn.ClosedBy, pn.ClosedAt = true, by, at
	wr := store.EntryWrite{
		Expect: []store.Entry{{Kind: entryPanel, Key: panelKey(obj), Value: p.raw[panelKey(obj)]}},
		Put:    []store.Entry{{Kind: entryPanel, Key: panelKey(obj), Value: encodeJSON(pn)}},
		Events: []framework.Event{{Kind: eventPanel, Author: by, Time: at, Title: "closed " + obj}},
	}
	for _, u := range p.members[obj] {
		wr.Put = append(wr.Put, store.Entry{Kind: entryPanel, Key: memberKey(obj, u), Value: memberClosed})
	}
	return wr
}

// closeCyclePanels closes every panel still open when a grading cycle
// closes: a panel grades one cycle, and its votes must not be agreed
// into the next. It returns how many it closed.
func (h *Handler) closeCyclePanels(ctx context.Context, ws, by string, at time.Time) (int, error) {
	p, err := h.readPanels(ctx, ws)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, obj := range slices.Sorted(maps.Keys(p.open)) {
		pn := p.open[obj]
		if pn.Closed {
			continue
		}
		if _, err := h.store.WriteEntries(ctx, ws, p.closeWrite(obj, pn, by, at)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// adminPanel is the start the admin's panel verbs share: the requester
// must be an admin (to do what), and ref must name an objective; it
// returns the workspace, the objective's reference and the panels.
func (h *Handler) adminPanel(ctx context.Context, c *call, ref, what string) (framework.Workspace, string, *panels, error) {
	if err := h.requireAdmin(ctx, c, what); err != nil {
		return framework.Workspace{}, "", nil, err
	}
	w, o, _, err := h.panelObjective(ctx, c, ref)
	if err != nil {
		return w, "", nil, err
	}
	p, err := h.readPanels(ctx, w.ID)
	return w, o.String(), p, err
}
