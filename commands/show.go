package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// showEntries is how many history entries show lists.
const showEntries = 5

// show describes one target, or one objective with its narrative,
// roll-up and targets. A reference that names no target is tried as an
// objective.
func (h *Handler) show(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError("show", "target", "name one target or objective to show")
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err == nil {
		return h.showTarget(ctx, c, &w, &t)
	}
	if framework.ErrorCode(err) != framework.ENOTFOUND || len(w.Frameworks) == 0 {
		return bot.Reply{}, err
	}
	all, lerr := h.store.Targets(ctx, w.ID)
	if lerr != nil {
		return bot.Reply{}, storeErr("load targets", lerr)
	}
	o, oerr := h.resolveObjective(&w, all, c.arg("target"))
	switch {
	case oerr == nil:
		v, err := h.namedClock(ctx, c, &w)
		if err != nil {
			return bot.Reply{}, err
		}
		return h.showObjective(v, &w, o, all), nil
	case framework.ErrorCode(oerr) == framework.ENOTFOUND:
		return bot.Reply{}, err // neither: the target's error says what to try
	}
	return bot.Reply{}, oerr
}

// showTarget describes a target: its settings, its grade beside the
// previous cycle's, its evidence and its latest history.
func (h *Handler) showTarget(ctx context.Context, c *call, w *framework.Workspace, t *framework.Target) (bot.Reply, error) {
	v, err := h.namedClock(ctx, c, w)
	if err != nil {
		return bot.Reply{}, err
	}
	entries, total, err := h.historyOf(ctx, v, w, t, showEntries)
	if err != nil {
		return bot.Reply{}, err
	}
	for i := range entries {
		entries[i] = view.Bullet(entries[i])
	}
	evs, err := h.store.Evidence(ctx, w.ID, t.Ref())
	if err != nil {
		return bot.Reply{}, storeErr("load evidence", err)
	}
	objective := framework.Ref(t.Framework, t.Objective)
	if ot := h.objectiveTitle(t.Framework, t.Objective); ot != "" {
		objective += " " + bot.Escape(ot)
	}
	fields := append([]bot.Field{{Name: capital(h.objectiveLabel(t.Framework)), Value: objective}}, h.targetFields(v, t)...)
	book, err := h.metricBookFor(ctx, w.ID, []framework.Target{*t})
	if err != nil {
		return bot.Reply{}, err
	}
	if line := h.metricSuffix(book, t); line != "" {
		fields = append(fields, bot.Field{Name: "Metric", Value: strings.TrimPrefix(line, " · ")})
	}
	if per := h.serviceField(ctx, w.ID, w.CurrentCycle(v.Now), t); per != "" {
		fields = append(fields, bot.Field{Name: "Per service", Value: per})
	}
	recent := "No changes yet: log an update with " + code("/target update "+t.Ref()+" 10% on-track")
	if len(entries) > 0 {
		recent = bot.Bold("Latest changes") + "\n" + strings.Join(entries, "\n")
		if more := total - len(entries); more > 0 {
			recent += fmt.Sprintf("\n…%s: %s", plural(more, "older change"), code("/target history "+t.Ref()))
		}
	}
	title := view.StatusEmoji(t.Status) + " " + targetHeading(t, 0)
	if t.Custom {
		title += " (custom)"
	}
	blocks := []bot.Block{{Title: title, Fields: fields, Colour: view.Colour(t)}}
	if len(evs) > 0 {
		lines := make([]string, len(evs))
		for i := range evs {
			lines[i] = view.Bullet(v.EvidenceLine(&evs[i]))
		}
		blocks = append(blocks, bot.Block{Text: bot.Bold(fmt.Sprintf("Evidence (%d)", len(evs))) + "\n" + strings.Join(lines, "\n")})
	}
	acts, err := h.actions(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	if b, ok := actionsBlock(v, t, acts); ok {
		blocks = append(blocks, b)
	}
	last := bot.Block{Text: recent, Buttons: view.TargetButtons(t)}
	if t.Archived {
		last.Buttons = nil
		blocks[0].Title += " (archived)"
		last.Text = "Archived: it is left out of lists, digests, reminders and scores. An admin can bring it back with " + code("/target restore "+t.Ref()) + "\n" + last.Text
	}
	return bot.Reply{Ephemeral: true, Blocks: append(blocks, last)}, nil
}

// showObjective describes an objective: its title and narrative, the
// roll-up of its live targets, each of them, and its archived ones apart.
func (h *Handler) showObjective(v view.Clock, w *framework.Workspace, o objectiveRef, all []framework.Target) bot.Reply {
	var live, archived []framework.Target
	for _, t := range framework.SortTargets(all) {
		if t.Framework == o.Framework && t.Objective == o.Code {
			if t.Archived {
				archived = append(archived, t)
			} else {
				live = append(live, t)
			}
		}
	}
	label, words := h.objectiveLabel(o.Framework), h.targetLabel(o.Framework)+"s"
	head := bot.Block{Title: capital(label) + " " + o.String()}
	if o.Title != "" {
		head.Title += " " + view.Title(o.Title, 0)
	}
	var text []string
	if f := h.framework(o.Framework); f != nil {
		if fo, ok := f.Objective(o.Code); ok && strings.TrimSpace(fo.Text) != "" {
			text = append(text, bot.UserText(strings.Join(strings.Fields(fo.Text), " ")))
		}
	}
	if len(live) == 0 {
		text = append(text, "It has no "+words+" here: an admin can add one with "+code("/target add "+o.String()+" <code> <title>"))
		head.Text = strings.Join(text, "\n")
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{head}}
	}
	r := framework.Rollups(live)[0]
	head.Colour = view.StatusColour(r.Status())
	text = append(text, fmt.Sprintf("%s · %s · %s%s", view.ProgressBar(r.Progress), view.Status(r.Status()), plural(r.Targets, h.targetLabel(o.Framework)),
		view.OverdueNote(live, v.Now, v.Loc)))
	head.Text = strings.Join(text, "\n")
	lines := make([]string, len(live))
	for i := range live {
		lines[i] = v.TargetLine(&live[i])
	}
	blocks := []bot.Block{head, {Title: capital(words), Text: strings.Join(lines, "\n")}}
	if len(archived) > 0 {
		lines := make([]string, len(archived))
		for i := range archived {
			lines[i] = view.Bullet(view.Ref(archived[i].Ref()) + " " + view.Title(archived[i].Title, 60))
		}
		blocks = append(blocks, bot.Block{Title: fmt.Sprintf("Archived (%d)", len(archived)),
			Text: strings.Join(lines, "\n") + "\n" + archivedHint(archived)})
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}
}

// archivedHint says how to see archived targets' records, with a real
// reference to copy rather than a placeholder.
func archivedHint(archived []framework.Target) string {
	first := code("/target history " + archived[0].Ref())
	if len(archived) == 1 {
		return first + " shows its record"
	}
	return first + " shows its record, and the same with another's reference shows that one's"
}

// history lists a target's updates and other changes, interleaved,
// newest first: n of them, or all. When n leaves some out it says how
// many, and the command that shows them all.
func (h *Handler) history(ctx context.Context, c *call) (bot.Reply, error) {
	n, err := readHistory(c)
	if err != nil {
		return bot.Reply{}, err
	}
	w, t, err := h.lookupTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	v, err := h.namedClock(ctx, c, &w)
	if err != nil {
		return bot.Reply{}, err
	}
	acts, err := h.actionHistory(ctx, v, &w, &t)
	if err != nil {
		return bot.Reply{}, err
	}
	lines, total, err := h.historyOf(ctx, v, &w, &t, n, acts...)
	if err != nil {
		return bot.Reply{}, err
	}
	if total == 0 {
		return ephemeral(code(t.Ref()) + " has no history yet: log an update with " + code("/target update "+t.Ref()+" 10% on-track")), nil
	}
	title := fmt.Sprintf("History of %s (newest first, %d of %d)", targetHeading(&t, 60), len(lines), total)
	if len(lines) == total {
		title = fmt.Sprintf("History of %s (newest first, %d)", targetHeading(&t, 60), total)
	}
	if t.Archived {
		title += ", archived"
	}
	for i := range lines {
		lines[i] = view.Bullet(lines[i])
	}
	if more := total - len(lines); more > 0 {
		lines = append(lines, fmt.Sprintf("…%s not shown: %s shows everything", plural(more, "older change"), code("/target history "+t.Ref()+" all")))
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: title, Text: strings.Join(lines, "\n"), Colour: view.Colour(&t)}}}, nil
}

// historyOf reads a target's updates and events and returns the newest n
// (n <= 0: all) as lines rendered by v, newest first, and how many there
// are in all.
// A target's history is tens or hundreds of records, so it is read whole
// to count it exactly.
func (h *Handler) historyOf(ctx context.Context, v view.Clock, w *framework.Workspace, t *framework.Target, n int, extra ...entry) ([]string, int, error) {
	us, err := h.store.Updates(ctx, w.ID, t.Ref(), 0)
	if err != nil {
		return nil, 0, storeErr("load updates", err)
	}
	es, err := h.store.Events(ctx, w.ID, t.Ref(), 0)
	if err != nil {
		return nil, 0, storeErr("load events", err)
	}
	all := mergeHistory(v, us, es, extra...)
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	lines := make([]string, len(all))
	for i := range all {
		lines[i] = all[i].line
	}
	return lines, len(us) + len(es) + len(extra), nil
}

// entry is one line of a target's history, when it happened, and the
// id of its event ("" for an update).
type entry struct {
	at   time.Time
	id   string
	line string
}

// mergeHistory interleaves updates and events, both newest first, into
// lines newest first. Events at the same time (one command's, or a test
// clock's) keep the order the store gave them by their ids, target and
// workspace events alike; an update comes before the events of its time.
func mergeHistory(v view.Clock, us []framework.Update, es []framework.Event, extra ...entry) []entry {
	evs := make([]entry, 0, len(es)+len(extra))
	evs = append(evs, extra...)
	for i := range es {
		evs = append(evs, entry{es[i].Time, es[i].ID, v.EventLine(&es[i])})
	}
	slices.SortStableFunc(evs, func(a, b entry) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return compareIDs(b.id, a.id)
	})
	out := make([]entry, 0, len(us)+len(evs))
	for i := range us {
		for len(evs) > 0 && evs[0].at.After(us[i].Time) {
			out, evs = append(out, evs[0]), evs[1:]
		}
		out = append(out, entry{us[i].Time, "", v.UpdateLine(&us[i])})
	}
	return append(out, evs...)
}

// compareIDs orders two event ids of one store as it gave them: Redis's
// are hex of one width, bbolt's decimal sequence numbers.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
