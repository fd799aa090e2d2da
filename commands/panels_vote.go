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

// panelTarget is the target a vote or agreement names, as far as a vote
// needs it before its one write: its canonical ref, its objective's ref
// and its framework's grading.
type panelTarget struct {
	ref, objective, objCode string
	grading                 *framework.Grading
}

// specTarget finds a full reference among the offered frameworks'
// targets, with no read: a vote costs only its write.
func (h *Handler) specTarget(ref string) (panelTarget, bool) {
	fwID, tcode := framework.SplitRef(ref)
	f := h.framework(fwID)
	if f == nil || tcode == "" {
		return panelTarget{}, false
	}
	for _, o := range f.Objectives {
		for _, ts := range o.Targets {
			if strings.EqualFold(ts.Code, tcode) {
				return panelTarget{ref: framework.Ref(f.ID, ts.Code), objective: framework.Ref(f.ID, o.Code), objCode: o.Code, grading: f.Grading}, true
			}
		}
	}
	return panelTarget{}, false
}

// resolvePanelTarget finds the target ref names: from the frameworks'
// definitions with no read, else (a bare code, a custom target) from the
// store.
func (h *Handler) resolvePanelTarget(ctx context.Context, c *call, ref string) (panelTarget, error) {
	if pt, ok := h.specTarget(ref); ok {
		return pt, nil
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return panelTarget{}, err
	}
	t, err := h.resolveTarget(ctx, c, &w, ref)
	if err != nil {
		return panelTarget{}, err
	}
	pt := panelTarget{ref: t.Ref(), objective: framework.Ref(t.Framework, t.Objective), objCode: t.Objective}
	if f := h.framework(t.Framework); f != nil {
		pt.grading = f.Grading
	}
	return pt, nil
}

// readServiceClause takes `service <code>` off the front of words.
func readServiceClause(words []string) (service string, rest []string) {
	if len(words) >= 2 && strings.EqualFold(words[0], "service") {
		return strings.ToLower(words[1]), words[2:]
	}
	return "", words
}

// checkServiceClause refuses a service on an objective not graded per
// service, and an unknown service (a read, only when one is named).
func (h *Handler) checkServiceClause(ctx context.Context, ws string, pt panelTarget, service string) error {
	per := pt.grading.PerService(pt.objCode)
	switch {
	case service == "" && !per:
		return nil
	case !per:
		return framework.FieldErrorf("service", "%s is not graded per service: leave out %s", code(pt.objective), code("service "+short(service, 20)))
	}
	svcs, err := h.readServices(ctx, ws)
	if err != nil {
		return err
	}
	fwID, _ := framework.SplitRef(pt.ref)
	if service == "" {
		// Once services are declared, the outcome's grade is their
		// median: a vote or agreement on the outcome as a whole would
		// stand beside it, as rate refuses it too.
		if defs := svcs.Defs[fwID]; len(defs) > 0 {
			return framework.FieldErrorf("service", "%s is graded per service: name one, like `service %s` after the grade", code(pt.objective), defs[0].Code)
		}
		return nil
	}
	return svcs.known(fwID, service)
}

// vote records a member's vote, or (with `for <guest…>`) an admin's
// entry of a guest's. A member's vote is one write, whose expectations
// are the membership check, that the target is not agreed yet and that
// voting has not ended (untilValue); a vote refused for its end date
// says so from the entry the refusal found, with no read.
func (h *Handler) vote(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() < 2 {
		return bot.Reply{}, usageError("vote", "grade", "name a target and a grade")
	}
	pt, err := h.resolvePanelTarget(ctx, c, c.arg("target"))
	if err != nil {
		return bot.Reply{}, err
	}
	r, err := parseVoteGrade(pt.grading, c.arg("grade"))
	if err != nil {
		return bot.Reply{}, err
	}
	if r == framework.Unrated {
		return bot.Reply{}, framework.FieldErrorf("rating", "a vote is a grade: none is not one")
	}
	service, rest := readServiceClause(strings.Fields(c.arg("reason")))
	if err := h.checkServiceClause(ctx, c.req.Workspace, pt, service); err != nil {
		return bot.Reply{}, err
	}
	// `for <guest…>` is an admin's entry of a guest's vote; a member's
	// reason that happens to begin with "for" stays their reason.
	if len(rest) > 0 && strings.EqualFold(rest[0], "for") {
		admin, err := h.isAdmin(ctx, c)
		if err != nil {
			return bot.Reply{}, err
		}
		if admin {
			return h.guestVote(ctx, c, pt, r, service, rest[1:])
		}
		p, err := h.readPanels(ctx, c.req.Workspace)
		if err != nil {
			return bot.Reply{}, err
		}
		if _, _, ok := framework.MatchGuest(p.guests[pt.objective], rest[1:]); ok {
			return h.guestVote(ctx, c, pt, r, service, rest[1:]) // which says only an admin may
		}
	}
	reason := strings.Join(rest, " ")
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return bot.Reply{}, err
	}
	user := c.req.User
	v := framework.Vote{Target: pt.ref, Service: service, Voter: user, Grade: r, Reason: reason, By: user, At: c.now}
	wr := store.EntryWrite{
		Expect: []store.Entry{
			{Kind: entryPanel, Key: memberKey(pt.objective, user), Value: memberValue},
			{Kind: entryPanel, Key: agreedKey(pt.ref, service)},
			{Kind: entryPanel, Key: untilKey(pt.objective), Value: voteMoment(c.now), Op: store.ExpectNotBefore},
		},
		Put:    []store.Entry{{Kind: entryPanel, Key: voteKey(pt.ref, service, user), Value: encodeJSON(v)}},
		Events: []framework.Event{voteEvent(&v)},
	}
	_, err = h.store.WriteEntries(ctx, c.req.Workspace, wr)
	if found, ok := store.Found(err); ok && found.Kind == entryPanel && found.Key == untilKey(pt.objective) {
		// The member and agreement expectations held, so the panel is
		// open and only its end date refuses the vote: the entry names
		// the day, and the refusal needs no read.
		if day, ok := untilDay(found.Value); ok {
			return bot.Reply{}, endedRefusal(pt.objective, day)
		}
		return h.voteOnOldUntil(ctx, c, pt, service, r, wr)
	}
	if isEntryChanged(err) {
		// Refused: no panel, not a member, or an agreed target.
		return bot.Reply{}, h.voteRefused(ctx, c, pt, service, true)
	}
	if err != nil {
		return bot.Reply{}, storeErr("vote", err)
	}
	return voteRecorded(pt, service, r), nil
}

// voteRecorded is the reply to a member's vote.
func voteRecorded(pt panelTarget, service string, r framework.Rating) bot.Reply {
	return ephemeral(fmt.Sprintf("Your vote on %s%s is %s %s. Voting again replaces it; %s shows the tally.", code(pt.ref), serviceWords(service),
		view.RatingEmoji(r), bot.Bold(string(r)), code("/target panel "+pt.objective)))
}

// voteOnOldUntil casts a vote refused by an until entry kept before it
// held the moment voting ends (the day alone, which sorts before the
// vote's moment on the last day): the panel read says whether voting
// ended, and the vote is written again expecting that entry as it is.
func (h *Handler) voteOnOldUntil(ctx context.Context, c *call, pt panelTarget, service string, r framework.Rating, wr store.EntryWrite) (bot.Reply, error) {
	p, err := h.readPanels(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	if !p.isOpen(pt.objective, c.now) || p.raw[memberKey(pt.objective, c.req.User)] != memberValue || p.agreed[tallyKey(pt.ref, service)] != "" {
		return bot.Reply{}, voteRefusal(p, pt, service, true, c.now)
	}
	wr.Expect = slices.Clone(wr.Expect)
	wr.Expect[2] = store.Entry{Kind: entryPanel, Key: untilKey(pt.objective), Value: p.raw[untilKey(pt.objective)]}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, wr); err != nil {
		if isEntryChanged(err) {
			return bot.Reply{}, h.voteRefused(ctx, c, pt, service, true)
		}
		return bot.Reply{}, storeErr("vote", err)
	}
	return voteRecorded(pt, service, r), nil
}

// voteEvent is the workspace event that records a vote.
func voteEvent(v *framework.Vote) framework.Event {
	voter := v.Voter
	if v.Guest != "" {
		// The guest's name as entered, which history shows; their
		// entry's key is guestVoter's.
		voter = "guest:" + v.Guest
	}
	return framework.Event{Kind: eventVote, Author: v.By, Time: v.At, User: voter, To: string(v.Grade), Reason: v.Reason, Title: v.Target + serviceWords(v.Service)}
}

func serviceWords(service string) string {
	if service == "" {
		return ""
	}
	return " service " + service
}

// voteRefused reads the panels and says why a vote's expectations
// failed (voteRefusal).
func (h *Handler) voteRefused(ctx context.Context, c *call, pt panelTarget, service string, member bool) error {
	p, err := h.readPanels(ctx, c.req.Workspace)
	if err != nil {
		return err
	}
	return voteRefusal(p, pt, service, member, c.now)
}

// voteRefusal says why a vote is refused: no panel, a closed one, one
// whose voting ended at its end date, an agreed target, or (for a
// member's vote) a voter who is not a member.
func voteRefusal(p *panels, pt panelTarget, service string, member bool, now time.Time) error {
	pn, ok := p.open[pt.objective]
	switch {
	case !ok:
		return framework.Errorf(framework.ENOTFOUND, "no panel is open on %s: an admin opens one with `/target panel open %s`", code(pt.objective), pt.objective)
	case pn.Closed:
		return framework.Errorf(framework.ECONFLICT, "the panel on %s is closed: no more votes. `/target panel %s` shows its tally", code(pt.objective), pt.objective)
	case pn.Ended(now):
		return endedRefusal(pt.objective, pn.Until)
	case p.agreed[tallyKey(pt.ref, service)] != "":
		return framework.Errorf(framework.ECONFLICT, "the panel agreed %s on %s%s: voting on it has ended", p.agreed[tallyKey(pt.ref, service)], code(pt.ref), serviceWords(service))
	case member:
		return framework.Errorf(framework.EFORBIDDEN, "only members of the panel on %s vote: an admin adds members with `/target panel add %s @user`", code(pt.objective), pt.objective)
	}
	return framework.Errorf(framework.ECONFLICT, "the panel on %s changed meanwhile: try again", code(pt.objective))
}

// endedRefusal refuses a vote on the panel on obj, whose voting ended
// after its last day, until.
func endedRefusal(obj string, until framework.Date) error {
	return framework.Errorf(framework.ECONFLICT, "the panel on %s closed on %s: no more votes. An admin extends it with `/target panel open %s until YYYY-MM-DD`, "+
		"or reopens it with no end date with `/target panel open %s`; `/target panel %s` shows its tally", code(obj), until, obj, obj, obj)
}

// guestVote enters a guest's vote: the guest is the longest of the
// panel's guests' names that the words begin with, and the rest is the
// reason.
func (h *Handler) guestVote(ctx context.Context, c *call, pt panelTarget, r framework.Rating, service string, words []string) (bot.Reply, error) {
	if len(words) == 0 {
		return bot.Reply{}, usageError("vote", "guest", "name the guest after `for`")
	}
	if err := h.requireAdmin(ctx, c, "enter a guest's vote"); err != nil {
		return bot.Reply{}, err
	}
	p, err := h.readPanels(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	if !p.isOpen(pt.objective, c.now) || p.agreed[tallyKey(pt.ref, service)] != "" {
		return bot.Reply{}, voteRefusal(p, pt, service, false, c.now)
	}
	guests := p.guests[pt.objective]
	g, rest, ok := framework.MatchGuest(guests, words)
	if !ok {
		names := make([]string, len(guests))
		for i, g := range guests {
			names[i] = bot.Escape(g.Name)
		}
		msg := "the panel on " + code(pt.objective) + " has no guests: an admin adds one with `/target panel guest " + pt.objective + " <category> <name>`"
		if len(names) > 0 {
			msg = "no guest of the panel on " + code(pt.objective) + " is named so: its guests are " + orList(names)
		}
		return bot.Reply{}, framework.FieldErrorf("guest", "%s", msg)
	}
	reason := strings.Join(rest, " ")
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return bot.Reply{}, err
	}
	v := framework.Vote{Target: pt.ref, Service: service, Guest: g.Name, Grade: r, Reason: reason, By: c.req.User, At: c.now}
	gk := guestKey(pt.objective, g.Name)
	wr := store.EntryWrite{
		Expect: []store.Entry{
			{Kind: entryPanel, Key: panelKey(pt.objective), Value: p.raw[panelKey(pt.objective)]},
			{Kind: entryPanel, Key: gk, Value: p.raw[gk]},
			{Kind: entryPanel, Key: agreedKey(pt.ref, service)},
		},
		Put:    []store.Entry{{Kind: entryPanel, Key: voteKey(pt.ref, service, guestVoter(g.Name)), Value: encodeJSON(v)}},
		Events: []framework.Event{voteEvent(&v)},
	}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, wr); err != nil {
		if isEntryChanged(err) {
			return bot.Reply{}, h.voteRefused(ctx, c, pt, service, false)
		}
		return bot.Reply{}, storeErr("vote", err)
	}
	return ephemeral(fmt.Sprintf("Recorded %s's vote on %s%s: %s %s.", bot.Escape(g.Name), code(pt.ref), serviceWords(service), view.RatingEmoji(r), bot.Bold(string(r)))), nil
}

// panelAgree records the panel's agreed grade of a target as its grade
// (a rate event whose reason carries the panel's members, guests and
// votes), and ends voting on it.
func (h *Handler) panelAgree(ctx context.Context, c *call, words []string) (bot.Reply, error) {
	if len(words) < 2 {
		return bot.Reply{}, usageError("panel", "target", "name the target and the agreed grade, like `panel agree eds-2022/2B developing`")
	}
	if err := h.requireAdmin(ctx, c, "record a panel's agreed grade"); err != nil {
		return bot.Reply{}, err
	}
	pt, err := h.resolvePanelTarget(ctx, c, words[0])
	if err != nil {
		return bot.Reply{}, err
	}
	r, err := parseVoteGrade(pt.grading, words[1])
	if err != nil {
		return bot.Reply{}, err
	}
	if r == framework.Unrated {
		return bot.Reply{}, framework.FieldErrorf("rating", "an agreed grade is a grade: none is not one")
	}
	service, rest := readServiceClause(words[2:])
	if err := h.checkServiceClause(ctx, c.req.Workspace, pt, service); err != nil {
		return bot.Reply{}, err
	}
	reason := strings.Join(rest, " ")
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return bot.Reply{}, err
	}
	p, err := h.readPanels(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	tk := tallyKey(pt.ref, service)
	if _, ok := p.open[pt.objective]; !ok {
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "no panel is open on %s: an admin opens one with `/target panel open %s`", code(pt.objective), pt.objective)
	}
	if a := p.agreed[tk]; a != "" {
		return bot.Reply{}, noChange(framework.ErrNoChange.About(string(a)), "nothing changed: the panel already agreed %s on %s%s", a, code(pt.ref), serviceWords(service))
	}
	votes := p.votes[tk]
	if len(votes) == 0 {
		return bot.Reply{}, framework.Errorf(framework.EINVALID, "nobody has voted on %s%s yet: there is nothing to agree. Members vote with `/target vote %s <grade>`", code(pt.ref), serviceWords(service), pt.ref)
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	// The record names people as the workspace knows them: it is kept
	// as text, and read in reports where a user id means nothing.
	people, err := h.people(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	record := panelRecord(p, people, pt.objective, votes)
	if reason != "" {
		record = reason + " — " + record
	}
	t, err := h.resolveTarget(ctx, c, &w, pt.ref)
	if err != nil {
		return bot.Reply{}, err
	}
	// A grade the target (or service) already has changes nothing, and
	// the agreement still ends the voting; its record keeps the votes.
	if service != "" {
		if _, err := h.rateService(ctx, c, &w, &t, pt.grading, service, r, record); err != nil && !errors.Is(err, framework.ErrNoChange) {
			return bot.Reply{}, err
		}
	} else if _, err := h.change(ctx, c, &w, &t, framework.Change{Kind: framework.EventRate, Rating: r, Reason: record}); err != nil && !errors.Is(err, framework.ErrNoChange) {
		return bot.Reply{}, err
	}
	wr := store.EntryWrite{
		Expect: []store.Entry{{Kind: entryPanel, Key: agreedKey(pt.ref, service)}},
		Put:    []store.Entry{{Kind: entryPanel, Key: agreedKey(pt.ref, service), Value: string(r)}},
		Events: []framework.Event{{Kind: eventPanel, Author: c.req.User, Time: c.now, Title: "agreed " + pt.ref + serviceWords(service), To: string(r), Reason: record}},
	}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, wr); err != nil {
		return bot.Reply{}, storeErr("agree grade", err)
	}
	tl := framework.TallyVotes(votes)
	return announce(fmt.Sprintf("%s recorded the panel's agreed grade of %s%s: %s %s (%s cycle; %s, median %s). `/target history %s` keeps the votes.",
		bot.User(c.req.User), code(pt.ref), serviceWords(service), view.RatingEmoji(r), bot.Bold(string(r)), w.CurrentCycle(c.now),
		plural(tl.Votes, "vote"), tl.Median, pt.ref)), nil
}

// panelRecord is the panel's record that an agreed grade carries: each
// vote with its reason, the members and the guests; people by their
// names where the workspace knows them.
func panelRecord(p *panels, people framework.People, obj string, votes []framework.Vote) string {
	name := func(user string) string {
		if pr, ok := people.Of(user); ok && pr.Name != "" {
			return pr.Name
		}
		return "@" + user
	}
	vs := make([]string, len(votes))
	for i, v := range votes {
		who := name(v.Voter)
		if v.Guest != "" {
			who = v.Guest + guestCategory(p.guests[obj], v.Guest)
		}
		vs[i] = who + " " + string(v.Grade)
		if v.Reason != "" {
			vs[i] += " (" + v.Reason + ")"
		}
	}
	members := make([]string, len(p.members[obj]))
	for i, m := range p.members[obj] {
		members[i] = name(m)
	}
	out := "agreed by the panel on " + obj + ": votes " + strings.Join(vs, ", ")
	if len(members) > 0 {
		out += "; members " + strings.Join(members, ", ")
	}
	if gs := p.guests[obj]; len(gs) > 0 {
		names := make([]string, len(gs))
		for i, g := range gs {
			names[i] = g.Name + " (" + g.Category + ")"
		}
		out += "; guests " + strings.Join(names, ", ")
	}
	return out
}

func guestCategory(gs []framework.Guest, name string) string {
	i := slices.IndexFunc(gs, func(g framework.Guest) bool { return strings.EqualFold(g.Name, name) })
	if i < 0 {
		return ""
	}
	return " (" + gs[i].Category + ")"
}

// panelTally shows where the open panels stand, or one objective's
// panel, per target: two reads (the panels, the targets).
func (h *Handler) panelTally(ctx context.Context, c *call, objective string) (bot.Reply, error) {
	p, err := h.readPanels(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	var objs []string
	for obj := range p.open {
		if objective == "" && p.isOpen(obj, c.now) || objective != "" && strings.EqualFold(obj, objective) {
			objs = append(objs, obj)
		}
	}
	if len(objs) == 0 {
		if objective != "" {
			return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "no panel has been opened on %s: an admin opens one with `/target panel open <objective>`", code(short(objective, 40)))
		}
		return ephemeral("No panel is open. An admin opens one with " + code("/target panel open <objective>") + "."), nil
	}
	slices.Sort(objs)
	ts, err := h.store.Targets(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, storeErr("load targets", err)
	}
	var blocks []bot.Block
	for _, obj := range objs {
		blocks = append(blocks, tallyBlocks(p, p.open[obj], ts, c.now)...)
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
}

// tallyBlocks is one panel's tally now: a heading, then a block per
// target.
func tallyBlocks(p *panels, pn framework.Panel, ts []framework.Target, now time.Time) []bot.Block {
	obj := pn.Objective
	state := "open"
	switch {
	case pn.Closed:
		state = "closed"
	case pn.Ended(now):
		state = "voting ended " + string(pn.Until)
	case pn.Until != "":
		state += " until " + string(pn.Until)
	}
	members := make([]string, len(p.members[obj]))
	for i, m := range p.members[obj] {
		members[i] = bot.User(m)
	}
	head := fmt.Sprintf("Members: %s", orNone(members))
	if gs := p.guests[obj]; len(gs) > 0 {
		names := make([]string, len(gs))
		for i, g := range gs {
			names[i] = bot.Escape(g.Name) + " (" + g.Category + ")"
		}
		head += "\nGuests: " + strings.Join(names, ", ")
	}
	out := []bot.Block{{Title: fmt.Sprintf("Panel on %s (%s), %s", obj, pn.Cycle, state), Text: head}}
	for i := range ts {
		t := &ts[i]
		if framework.Ref(t.Framework, t.Objective) != obj || !t.Live() {
			continue
		}
		var lines []string
		services := []string{""}
		for k := range p.votes {
			if ref, svc, _ := strings.Cut(k, "|"); ref == t.Ref() && svc != "" && !slices.Contains(services, svc) {
				services = append(services, svc)
			}
		}
		slices.Sort(services[1:])
		for _, svc := range services {
			if svc != "" || len(services) == 1 || len(p.votes[tallyKey(t.Ref(), "")]) > 0 {
				lines = append(lines, tallyLines(p, obj, t.Ref(), svc)...)
			}
		}
		out = append(out, bot.Block{Title: t.Ref() + " " + t.Title, Text: strings.Join(lines, "\n")})
	}
	return out
}

// tallyLines are one target's (or service's) votes per grade, median,
// spread, who has not voted, and the agreed grade.
func tallyLines(p *panels, obj, ref, service string) []string {
	votes := p.votes[tallyKey(ref, service)]
	tl := framework.TallyVotes(votes)
	prefix := ""
	if service != "" {
		prefix = "Service " + code(service) + ": "
	}
	if tl.Votes == 0 {
		return []string{prefix + "no votes yet" + notVoted(p, obj, votes)}
	}
	var counts []string
	for _, r := range framework.Ratings {
		if n := tl.Counts[r]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %s %d", view.RatingEmoji(r), r, n))
		}
	}
	lines := []string{
		prefix + plural(tl.Votes, "vote") + ": " + strings.Join(counts, " · "),
		fmt.Sprintf("Median %s · spread %s to %s", bot.Bold(string(tl.Median)), tl.Low, tl.High) + notVoted(p, obj, votes),
	}
	if a := p.agreed[tallyKey(ref, service)]; a != "" {
		lines = append(lines, "Agreed: "+view.RatingEmoji(a)+" "+bot.Bold(string(a)))
	}
	return lines
}

// notVoted names the members and guests with no vote among votes.
func notVoted(p *panels, obj string, votes []framework.Vote) string {
	var out []string
	for _, m := range p.members[obj] {
		if !slices.ContainsFunc(votes, func(v framework.Vote) bool { return v.Guest == "" && framework.SameUser(v.Voter, m) }) {
			out = append(out, bot.User(m))
		}
	}
	for _, g := range p.guests[obj] {
		if !slices.ContainsFunc(votes, func(v framework.Vote) bool { return strings.EqualFold(v.Guest, g.Name) }) {
			out = append(out, bot.Escape(g.Name))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "\nNot voted: " + strings.Join(out, ", ")
}

func orNone(words []string) string {
	if len(words) == 0 {
		return "none yet"
	}
	return strings.Join(words, ", ")
}
