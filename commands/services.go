package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Services (DESIGN.md section 16): a framework may grade some objectives
// per service. The services and their grades per cycle are entries of
// kind entryService, laid out by framework (ServiceEntries). The
// target's own grade is the aggregate, recorded through the rate path,
// so scores and reports count the target once.
const entryService = store.EntryKind(framework.ServiceEntries)

// The kinds of workspace event services record.
const (
	// eventService records a service declared (To its name) or removed
	// (From its code); Title names the framework and the code.
	eventService framework.EventKind = "service"
	// eventServiceGrade records a service's grade of a target: Title
	// names the target and service, From and To are the grades.
	eventServiceGrade framework.EventKind = "service-grade"
)

// services are the workspace's services as read: the entries, and the
// book framework reads from them (which shares raw).
type services struct {
	raw map[string]string
	framework.ServiceBook
}

// readServices reads the workspace's services and grades: one round
// trip.
func (h *Handler) readServices(ctx context.Context, ws string) (*services, error) {
	raw, err := h.store.Entries(ctx, ws, entryService)
	if err != nil {
		return nil, storeErr("load services", err)
	}
	return &services{raw: raw, ServiceBook: framework.ServicesOf(raw)}, nil
}

// known refuses a service code the framework has not declared.
func (s *services) known(fw, code string) error {
	if s.Known(fw, code) {
		return nil
	}
	codes := make([]string, len(s.Defs[fw]))
	for i, d := range s.Defs[fw] {
		codes[i] = bot.Code(d.Code)
	}
	if len(codes) == 0 {
		return framework.FieldErrorf("service", "%s has no services yet: an admin declares one with `/target service add %s <code> <name>`", bot.Code(fw), fw)
	}
	return framework.FieldErrorf("service", "%s is not a service of %s: use %s", bot.Code(short(code, 20)), bot.Code(fw), orList(codes))
}

// serviceVerb lists, declares or removes a framework's services.
func (h *Handler) serviceVerb(ctx context.Context, c *call) (bot.Reply, error) {
	action := strings.ToLower(c.arg("action"))
	words := strings.Fields(c.arg("rest"))
	if action != "add" && action != "remove" {
		if len(words) > 0 {
			return bot.Reply{}, usageError("service", "action", fmt.Sprintf("%s is not an action: say add or remove", code(short(action, 20))))
		}
		return h.listServices(ctx, c, action)
	}
	if len(words) < 2 || action == "add" && len(words) < 3 || action == "remove" && len(words) != 2 {
		return bot.Reply{}, usageError("service", "code", "name the framework, the service's code and (to add) its name")
	}
	f := h.framework(words[0])
	if f == nil {
		return bot.Reply{}, framework.Errorf(framework.ENOTFOUND, "unknown framework %s: see `/target frameworks`", code(short(words[0], 40)))
	}
	if f.Grading == nil || f.Grading.Services == nil {
		return bot.Reply{}, framework.FieldErrorf("framework", "%s grades no %s per service", code(f.ID), f.ObjectiveLabel())
	}
	svc := strings.ToLower(words[1])
	if !framework.ValidCode(svc) || len(svc) > maxCode {
		return bot.Reply{}, framework.FieldErrorf("code", "%s is not a service code: use letters, digits, dots or hyphens, at most %d", code(short(words[1], 20)), maxCode)
	}
	name := strings.Join(words[2:], " ")
	if action == "add" {
		if err := checkPersonName("name", name); err != nil {
			return bot.Reply{}, err
		}
	}
	if err := h.requireAdmin(ctx, c, action+" services"); err != nil {
		return bot.Reply{}, err
	}
	s, err := h.readServices(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	k := framework.ServiceDefKey(f.ID, svc)
	cur, had := s.raw[k]
	wr := store.EntryWrite{Expect: []store.Entry{{Kind: entryService, Key: k, Value: cur}}}
	ev := framework.Event{Kind: eventService, Author: c.req.User, Time: c.now, Title: f.ID + " " + svc}
	switch {
	case action == "add" && had:
		return bot.Reply{}, noChange(framework.ErrNoChange.About(svc), "nothing changed: %s already has service %s", code(f.ID), code(svc))
	case action == "remove" && !had:
		return bot.Reply{}, s.known(f.ID, svc)
	case action == "add":
		wr.Put = []store.Entry{{Kind: entryService, Key: k, Value: encodeJSON(framework.Service{Code: svc, Name: name, By: c.req.User, At: c.now})}}
		ev.To = name
	default:
		wr.Put = []store.Entry{{Kind: entryService, Key: k}}
		ev.From = svc
	}
	wr.Events = []framework.Event{ev}
	if _, err := h.store.WriteEntries(ctx, c.req.Workspace, wr); err != nil {
		return bot.Reply{}, storeErr(action+" service", err)
	}
	if action == "remove" {
		return announce(fmt.Sprintf("%s removed service %s of %s: its grades stay in the record, and the next grade recomputes each outcome", bot.User(c.req.User), code(svc), code(f.ID))), nil
	}
	return announce(fmt.Sprintf("%s added service %s (%s) to %s: grade it with %s", bot.User(c.req.User), code(svc), bot.Escape(name), code(f.ID),
		code("/target rate <target> <grade> service "+svc+" [reason]"))), nil
}

// listServices lists the services declared here.
func (h *Handler) listServices(ctx context.Context, c *call, fw string) (bot.Reply, error) {
	s, err := h.readServices(ctx, c.req.Workspace)
	if err != nil {
		return bot.Reply{}, err
	}
	var lines []string
	for _, f := range h.frameworks {
		if fw != "" && !strings.EqualFold(fw, f.ID) {
			continue
		}
		for _, d := range s.Defs[f.ID] {
			lines = append(lines, view.Bullet(code(f.ID)+" "+code(d.Code)+": "+bot.Escape(d.Name)))
		}
	}
	if len(lines) == 0 {
		return ephemeral("No services are declared here. An admin declares one with " + code("/target service add <framework> <code> <name>") + "."), nil
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "Services", Text: strings.Join(lines, "\n")}}}, nil
}

// rateService records a service's grade of t, then t's grade as the
// aggregate of its services' grades through the rate path (a rate event
// whose reason names the services' grades).
func (h *Handler) rateService(ctx context.Context, c *call, w *framework.Workspace, t *framework.Target, g *framework.Grading, svc string, r framework.Rating, reason string) (framework.Target, error) {
	s, err := h.readServices(ctx, w.ID)
	if err != nil {
		return *t, err
	}
	if err := s.known(t.Framework, svc); err != nil {
		return *t, err
	}
	cycle := w.CurrentCycle(c.now)
	k := framework.ServiceGradeKey(cycle, t.Ref(), svc)
	old := s.raw[k]
	already := noChange(framework.ErrNoChange.About(old), "nothing changed: service %s of %s is already graded %s", code(svc), t.Ref(), r)
	if old == string(r) && reason == "" {
		return *t, already
	}
	s.raw[k] = string(r)
	ds, grades := s.Grades(t.Framework, t.Ref(), cycle)
	agg := g.ServiceGrade(grades)
	// The same grade again with a reason (a panel's agreement) writes no
	// service grade; the target's rate below records the reason, where
	// the store records a new reason for the grade a target has.
	if old != string(r) {
		wr := store.EntryWrite{
			Expect: []store.Entry{{Kind: entryService, Key: k, Value: old}},
			Put:    []store.Entry{{Kind: entryService, Key: k, Value: string(r)}},
			Events: []framework.Event{{Kind: eventServiceGrade, Author: c.req.User, Time: c.now, Title: t.Ref() + serviceWords(svc), From: old, To: string(r), Reason: reason}},
		}
		if _, err := h.store.WriteEntries(ctx, w.ID, wr); err != nil {
			return *t, storeErr("grade service", err)
		}
	}
	per := make([]string, len(ds))
	for i, d := range ds {
		per[i] = d.Code + " " + gradeWord(grades[i])
	}
	why := fmt.Sprintf("service %s graded %s; the median of services %s", svc, r, strings.Join(per, ", "))
	if reason != "" {
		why += " — " + reason
	}
	nt, err := h.change(ctx, c, w, t, framework.Change{Kind: framework.EventRate, Rating: agg, Reason: why})
	switch {
	case errors.Is(err, framework.ErrNoChange) && old == string(r):
		return *t, already
	case errors.Is(err, framework.ErrNoChange):
		return *t, nil // the services' median stands
	}
	return nt, err
}

func gradeWord(r framework.Rating) string {
	if r == framework.Unrated {
		return "ungraded"
	}
	return string(r)
}

// serviceField is a target's grades per service in cycle, for `show`;
// "" when its objective is not graded per service or has no services.
func (h *Handler) serviceField(ctx context.Context, ws, cycle string, t *framework.Target) string {
	f := h.framework(t.Framework)
	if f == nil || !f.Grading.PerService(t.Objective) {
		return ""
	}
	s, err := h.readServices(ctx, ws)
	if err != nil {
		return ""
	}
	ds, grades := s.Grades(t.Framework, t.Ref(), cycle)
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = code(d.Code) + " " + view.RatingEmoji(grades[i]) + " " + gradeWord(grades[i])
	}
	return strings.Join(parts, ", ")
}

// rateServiceClause takes `service <code>` off the front of a rate's
// reason: refused on an objective not graded per service, and required
// on one that is, once its framework has services here (an extra read,
// only for those objectives).
func (h *Handler) rateServiceClause(ctx context.Context, c *call, t *framework.Target, g *framework.Grading, reason string) (svc, rest string, err error) {
	svc, words := readServiceClause(strings.Fields(reason))
	rest = strings.Join(words, " ")
	per := g.PerService(t.Objective)
	switch {
	case svc != "" && !per:
		return "", "", framework.FieldErrorf("service", "%s is not graded per service: leave out %s", code(framework.Ref(t.Framework, t.Objective)), code("service "+short(svc, 20)))
	case !per:
		return "", reason, nil
	}
	s, err := h.readServices(ctx, c.req.Workspace)
	if err != nil {
		return "", "", err
	}
	if svc == "" && len(s.Defs[t.Framework]) > 0 {
		return "", "", framework.FieldErrorf("service", "%s is graded per service: name one, like `/target rate %s <grade> service %s`", code(framework.Ref(t.Framework, t.Objective)), t.Ref(), s.Defs[t.Framework][0].Code)
	}
	if svc != "" {
		if err := s.known(t.Framework, svc); err != nil {
			return "", "", err
		}
	}
	return svc, rest, nil
}
