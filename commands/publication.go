package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// The publication's record in chat: the organisation's profile (`org`)
// and the current cycle's own record (`cycle engagement`, `cycle
// stakeholder`, `cycle sign-off`, `cycle published`). Each is kept as a
// store entry, read, changed by framework's rules, and written back with
// the value read as its expectation, so two admins at once cannot lose
// a change; each change is a workspace event.

// profileFieldNames lists the profile's fields as `org` takes them.
func profileFieldNames() []string {
	out := make([]string, len(framework.ProfileFields))
	for i, f := range framework.ProfileFields {
		out[i] = string(f)
	}
	return out
}

// orgVerb is `org` (the profile) and `org <field> <text…>` (admin).
func (h *Handler) orgVerb(ctx context.Context, c *call) (bot.Reply, error) {
	field, value := strings.ToLower(c.arg("field")), strings.TrimSpace(c.arg("value"))
	if utf8.RuneCountInString(value) > framework.MaxRecordText {
		return bot.Reply{}, framework.FieldErrorf("value", "the %s must be one line of at most %d characters", field, framework.MaxRecordText)
	}
	es, err := h.store.Entries(ctx, c.req.Workspace, store.EntryOrg)
	if err != nil {
		return bot.Reply{}, storeErr("read organisation profile", err)
	}
	old := es[store.OrgKey]
	org, err := store.DecodeOrganisation(old)
	if err != nil {
		return bot.Reply{}, storeErr("read organisation profile", err)
	}
	if field == "" {
		return ephemeral(profileText(&org)), nil
	}
	f := framework.ProfileField(field)
	if !slices.Contains(framework.ProfileFields, f) {
		return bot.Reply{}, usageError("org", "field", "unknown profile field "+code(short(field, 20))+": use "+orList(codes(profileFieldNames())))
	}
	if err := h.requireAdmin(ctx, c, "change the organisation profile"); err != nil {
		return bot.Reply{}, err
	}
	if value == "" {
		return bot.Reply{}, usageError("org", "value", "give the "+field+" after "+code("org "+field))
	}
	prev, err := org.Set(f, value)
	switch framework.ErrorKind(err) {
	case "":
		if err != nil {
			return bot.Reply{}, framework.FieldErrorf("value", "unknown level %s: use %s", code(short(value, 30)), orList(codes(levelNames())))
		}
	case framework.ErrNoChange:
		return bot.Reply{}, &framework.Error{Code: framework.ECONFLICT, Message: "nothing changed: the organisation's " + field + " is already " + bot.Escape(value), Err: err}
	case framework.ErrTooLong:
		return bot.Reply{}, framework.FieldErrorf("value", "the %s must be one line of at most %d characters", field, framework.MaxRecordText)
	default:
		return bot.Reply{}, storeErr("set organisation profile", err)
	}
	v, err := store.Encode(org)
	if err != nil {
		return bot.Reply{}, storeErr("set organisation profile", err)
	}
	_, err = h.store.WriteEntries(ctx, c.req.Workspace, store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryOrg, Key: store.OrgKey, Value: old}},
		Put:    []store.Entry{{Kind: store.EntryOrg, Key: store.OrgKey, Value: v}},
		Events: []framework.Event{{Kind: framework.EventOrg, Author: c.req.User, Time: c.now, Reason: field, From: prev, To: org.Get(f)}},
	})
	if err != nil {
		return bot.Reply{}, storeErr("set organisation profile", err)
	}
	return announce(fmt.Sprintf("%s set the organisation's %s to %s.", bot.User(c.req.User), profileLabel(f), bot.Bold(bot.Escape(org.Get(f))))), nil
}

func levelNames() []string {
	out := make([]string, len(framework.Levels))
	for i, l := range framework.Levels {
		out[i] = string(l)
	}
	return out
}

func codes(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return out
}

// profileLabel is how the summary names a profile field.
func profileLabel(f framework.ProfileField) string {
	switch f {
	case framework.ProfileName:
		return "name"
	case framework.ProfileICS:
		return "integrated care system"
	case framework.ProfileLead:
		return "EDS lead"
	case framework.ProfileSponsor:
		return "board sponsor"
	case framework.ProfileLevel:
		return "level the review was completed at"
	}
	return string(f)
}

// profileText shows the profile, field by field, with how to set what
// is missing.
func profileText(o *framework.Organisation) string {
	lines := []string{bot.Bold("Organisation profile")}
	for _, f := range framework.ProfileFields {
		v := o.Get(f)
		if v == "" {
			v = "not set: " + code("/target org "+string(f)+" …")
		} else {
			v = bot.Escape(v)
		}
		lines = append(lines, "• "+capital(profileLabel(f))+": "+v)
	}
	return strings.Join(lines, "\n")
}

// recordActions are the `cycle` actions that change the current cycle's
// record.
var recordActions = []string{"engagement", "stakeholder", "sign-off", "published"}

// cycleRecordVerb is `cycle engagement|stakeholder|sign-off|published …`
// (admin): it adds to the current cycle's record.
func (h *Handler) cycleRecordVerb(ctx context.Context, c *call, action, details string) (bot.Reply, error) {
	if err := h.requireAdmin(ctx, c, "change the cycle's record"); err != nil {
		return bot.Reply{}, err
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	name := w.CurrentCycle(c.now)
	es, err := h.store.Entries(ctx, c.req.Workspace, store.EntryCycle)
	if err != nil {
		return bot.Reply{}, storeErr("read cycle record", err)
	}
	old := es[name]
	rec, err := store.DecodeCycleRecord(name, old)
	if err != nil {
		return bot.Reply{}, storeErr("read cycle record", err)
	}
	words := strings.Fields(details)
	loc := w.Location(h.loc)
	var said string
	switch action {
	case "engagement":
		if len(words) == 0 {
			return bot.Reply{}, usageError("cycle", "", "give the date, the domains and what happened: "+code("cycle engagement 2026-10-01 1 2 Listening event with the patients' panel"))
		}
		d, err := readRecordDate(words[0], "engagement", false, c, loc)
		if err != nil {
			return bot.Reply{}, err
		}
		domains, note, err := h.domainsAndText(&w, words[1:], "engagement", "what happened")
		if err != nil {
			return bot.Reply{}, err
		}
		rec.Engagements = append(rec.Engagements, framework.Engagement{Date: d, Domains: domains, Note: note, By: c.req.User, At: c.now})
		said = fmt.Sprintf("recorded an engagement event of %s on %s for %s: %s", name, d, domainList(domains), bot.Escape(note))
	case "stakeholder":
		if len(words) == 0 {
			return bot.Reply{}, usageError("cycle", "", "give the category, the domains and the name: "+code("cycle stakeholder trade-union 3 Unison branch"))
		}
		cat, ok := framework.ParseStakeholderCategory(words[0])
		if !ok {
			names := make([]string, len(framework.StakeholderCategories))
			for i, k := range framework.StakeholderCategories {
				names[i] = code(string(k))
			}
			return bot.Reply{}, framework.FieldErrorf("category", "unknown stakeholder category %s: use %s", code(short(words[0], 30)), orList(names))
		}
		domains, who, err := h.domainsAndText(&w, words[1:], "stakeholder", "the stakeholder's name")
		if err != nil {
			return bot.Reply{}, err
		}
		rec.Stakeholders = append(rec.Stakeholders, framework.Stakeholder{Category: cat, Domains: domains, Name: who, By: c.req.User, At: c.now})
		said = fmt.Sprintf("recorded %s (%s) as a stakeholder of %s for %s", bot.Escape(who), cat, name, domainList(domains))
	case "sign-off":
		if len(words) < 2 {
			return bot.Reply{}, usageError("cycle", "", "give the date and who authorised the results: "+code("cycle sign-off 2027-01-20 Trust board"))
		}
		d, err := readRecordDate(words[0], "sign-off", true, c, loc)
		if err != nil {
			return bot.Reply{}, err
		}
		by := strings.Join(words[1:], " ")
		if framework.CheckRecordText(by) != nil {
			return bot.Reply{}, framework.FieldErrorf("by", "who signed off must be one line of at most %d characters", framework.MaxRecordText)
		}
		if so := rec.SignOff; so != nil && so.Date == d && so.By == by {
			return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: %s was already signed off on %s by %s", name, d, bot.Escape(by))
		}
		rec.SignOff = &framework.SignOff{Date: d, By: by, Recorder: c.req.User, At: c.now}
		said = fmt.Sprintf("recorded that %s authorised the results of %s on %s", bot.Escape(by), name, d)
	case "published":
		if len(words) != 1 {
			return bot.Reply{}, usageError("cycle", "", "give the day the summary was published: "+code("cycle published 2027-02-20"))
		}
		d, err := readRecordDate(words[0], "published", true, c, loc)
		if err != nil {
			return bot.Reply{}, err
		}
		if rec.Published == d {
			return bot.Reply{}, framework.Errorf(framework.ECONFLICT, "nothing changed: %s was already published on %s", name, d)
		}
		rec.Published = d
		said = fmt.Sprintf("recorded that the summary of %s was published on %s", name, d)
	}
	v, err := store.Encode(rec)
	if err != nil {
		return bot.Reply{}, storeErr("write cycle record", err)
	}
	_, err = h.store.WriteEntries(ctx, c.req.Workspace, store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryCycle, Key: name, Value: old}},
		Put:    []store.Entry{{Kind: store.EntryCycle, Key: name, Value: v}},
		Events: []framework.Event{{Kind: framework.EventCycleRecord, Author: c.req.User, Time: c.now, Cycle: name, Reason: action, To: strings.Join(words, " ")}},
	})
	if err != nil {
		return bot.Reply{}, storeErr("write cycle record", err)
	}
	return announce(bot.User(c.req.User) + " " + said + "."), nil
}

// readRecordDate reads a YYYY-MM-DD date of the record; past says it
// may not be after today.
func readRecordDate(s, what string, past bool, c *call, loc *time.Location) (framework.Date, error) {
	d := framework.Date(s)
	if framework.CheckDue(d) != nil {
		return "", framework.FieldErrorf("date", "%s is not a date: give the %s date as YYYY-MM-DD, for example 2027-01-20", code(short(s, 30)), what)
	}
	if past && framework.CheckSignOffDate(d, c.now, loc) != nil {
		return "", framework.FieldErrorf("date", "%s is in the future: record the %s once it has happened", d, what)
	}
	return d, nil
}

// domainsAndText splits words into the objective codes they start with
// (codes of the workspace's imported frameworks) and the text after;
// both are required.
func (h *Handler) domainsAndText(w *framework.Workspace, words []string, action, what string) ([]string, string, error) {
	var domains []string
	i := 0
	for ; i < len(words); i++ {
		if !h.isObjective(w, words[i]) {
			break
		}
		domains = append(domains, strings.ToUpper(words[i]))
	}
	text := strings.Join(words[i:], " ")
	switch {
	case len(domains) == 0:
		return nil, "", framework.FieldErrorf("domains", "name the domains after the %s, by code: for example %s", action, code("1 2"))
	case text == "":
		return nil, "", framework.FieldErrorf("text", "give %s after the domains", what)
	case framework.CheckRecordText(text) != nil:
		return nil, "", framework.FieldErrorf("text", "%s must be one line of at most %d characters", what, framework.MaxRecordText)
	}
	return domains, text, nil
}

// isObjective reports whether s is the code of an objective of a
// framework imported in w.
func (h *Handler) isObjective(w *framework.Workspace, s string) bool {
	for _, id := range w.Frameworks {
		if f := h.framework(id); f != nil {
			if _, ok := f.Objective(s); ok {
				return true
			}
			if _, ok := f.Objective(strings.ToUpper(s)); ok {
				return true
			}
		}
	}
	return false
}

// domainList is "domains 1 and 2".
func domainList(ds []string) string {
	if len(ds) == 1 {
		return "domain " + ds[0]
	}
	return "domains " + strings.Join(ds[:len(ds)-1], ", ") + " and " + ds[len(ds)-1]
}

// recordText shows a cycle's record under its summary.
func recordText(rec *framework.CycleRecord) string {
	lines := []string{bot.Bold("Record of " + rec.Cycle)}
	if len(rec.Engagements) == 0 {
		lines = append(lines, "• Engagement: none recorded ("+code("/target cycle engagement <YYYY-MM-DD> <domain…> <note…>")+")")
	}
	for _, e := range rec.Engagements {
		lines = append(lines, fmt.Sprintf("• Engagement %s, %s: %s", e.Date, domainList(e.Domains), bot.Escape(e.Note)))
	}
	if len(rec.Stakeholders) == 0 {
		lines = append(lines, "• Stakeholders: none recorded ("+code("/target cycle stakeholder <category> <domain…> <name…>")+")")
	}
	for _, s := range rec.Stakeholders {
		lines = append(lines, fmt.Sprintf("• Stakeholder %s (%s), %s", bot.Escape(s.Name), s.Category, domainList(s.Domains)))
	}
	if so := rec.SignOff; so != nil {
		lines = append(lines, fmt.Sprintf("• Signed off %s by %s", so.Date, bot.Escape(so.By)))
	} else {
		lines = append(lines, "• Sign-off: not yet ("+code("/target cycle sign-off <YYYY-MM-DD> <by…>")+")")
	}
	if rec.Published != "" {
		lines = append(lines, "• Published "+string(rec.Published))
	} else {
		lines = append(lines, "• Published: not yet ("+code("/target cycle published <YYYY-MM-DD>")+")")
	}
	return strings.Join(lines, "\n")
}
