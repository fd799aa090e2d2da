package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Digest section limits: a busy week has thousands of updates, and chat
// platforms cap message size. The counts in the headline stay exact.
const (
	maxUpdatesListed = 50 // the newest updates a digest lists; it counts them all
	escalateFrom     = 3  // unanswered reminders before admins hear of a target
)

// digestData is everything one digest shows.
type digestData struct {
	// Paused is the day the workspace's paused reminders start again,
	// "" when they are not paused.
	Paused  framework.Date
	Loc     *time.Location
	At      time.Time
	Since   time.Time
	Targets []framework.Target
	// Archived are the archived targets: they are shown nowhere, but a
	// framework's score counts its archived own targets as waiting.
	Archived []framework.Target
	Updates  []framework.Update // the newest since Since, oldest first, none withdrawn
	// UpdateCount is how many updates there were since Since; Updates may
	// hold only the newest of them. 0 means len(Updates).
	UpdateCount int
	// Titles names objectives by ref ("eds/1"); an objective with no
	// title here shows its ref alone.
	Titles map[string]string
	// Frameworks are the offered frameworks by id: their labels name
	// objectives and targets, and a framework with grading gets its
	// score in the ratings summary.
	Frameworks map[string]*framework.Framework
	// Cycle is the grading cycle the targets' grades belong to, and
	// Previous the one closed before it ("" for none): the ratings
	// summary shows each framework's grades beside the previous cycle's.
	Cycle, Previous string
	// People names the owners and authors the digest mentions (nil: by
	// reference alone).
	People framework.People
	// Metrics is the workspace's metric book, nil when it has no metric
	// targets: flagged metrics get a section (reminders/metrics.go).
	Metrics *framework.MetricBook
	// Actions are the workspace's actions: the open ones overdue or due
	// soon are listed as targets are.
	Actions []framework.Action
}

// targetWord is what the digest's frameworks call their targets, when
// they agree, and "target" when they differ or are not offered.
func (d *digestData) targetWord(ts []framework.Target) string {
	word := ""
	for i := range ts {
		l := "target"
		if f := d.Frameworks[ts[i].Framework]; f != nil {
			l = f.TargetLabel()
		}
		switch {
		case word == "":
			word = l
		case l != word:
			return "target"
		}
	}
	if word == "" {
		return "target"
	}
	return word
}

// digestLists sorts a workspace's targets into the digest's sections.
type digestLists struct {
	overdue, dueSoon, snoozed, escalated, unowned []framework.Target
}

func classify(d digestData) digestLists {
	var l digestLists
	for i := range d.Targets {
		t := &d.Targets[i]
		if !t.Open() {
			continue
		}
		overdue := framework.Overdue(t, d.At, d.Loc)
		switch {
		case overdue:
			l.overdue = append(l.overdue, *t)
		case framework.DueSoon(t, d.At, d.Loc):
			l.dueSoon = append(l.dueSoon, *t)
		}
		// A snooze is an answer: snoozed targets are listed with their
		// reason, not escalated.
		switch {
		case framework.Snoozed(t, d.At, d.Loc):
			l.snoozed = append(l.snoozed, *t)
		case t.Reminders >= escalateFrom:
			l.escalated = append(l.escalated, *t)
		}
		if overdue && t.Owner == "" {
			l.unowned = append(l.unowned, *t)
		}
	}
	return l
}

// renderDigest is the digest as a Reply: a short summary Block, with the
// sections in Details (a thread on Slack). Every section lists all its
// targets, however many: the adapter splits what does not fit. Only the
// updates are a window, since a busy week has thousands; the summary
// counts them all, and the section says how many it leaves out.
func renderDigest(d digestData) bot.Reply {
	if d.UpdateCount < len(d.Updates) {
		d.UpdateCount = len(d.Updates)
	}
	sinceDay := framework.DateOf(d.Since, d.Loc)
	if len(d.Targets) == 0 {
		return bot.Say("📊 "+bot.Bold("Digest")+": no targets yet. An admin can add some with `/target frameworks` and `/target import <framework>`.", false)
	}
	l := classify(d)
	word := d.targetWord(d.Targets)
	progress, byStatus := framework.Overall(d.Targets)
	acts := classifyActions(d)
	if d.UpdateCount == 0 && len(l.overdue) == 0 && len(l.dueSoon) == 0 && len(acts.overdue)+len(acts.dueSoon) == 0 {
		return bot.Say(fmt.Sprintf("📊 %s: nothing new since %s: no updates, nothing overdue or due in the next %d days (%s, %d%% overall).",
			bot.Bold("Digest"), sinceDay, framework.DueSoonDays, view.Plural(len(d.Targets), word), progress), false)
	}

	news := fmt.Sprintf("%s since %s · %d overdue · %d due in the next %d days",
		view.Plural(d.UpdateCount, "update"), sinceDay, len(l.overdue), len(l.dueSoon), framework.DueSoonDays)
	if n := len(acts.overdue); n > 0 {
		news += fmt.Sprintf(" · %s overdue", view.Plural(n, "action"))
	}
	text := fmt.Sprintf("📊 %s: %s, %s overall\n%s\n%s", bot.Bold("Digest"), view.Plural(len(d.Targets), word), view.ProgressBar(progress), statusCounts(byStatus), news)
	if n := len(l.escalated) + len(l.unowned); n > 0 {
		verb := "need"
		if n == 1 {
			verb = "needs"
		}
		text += fmt.Sprintf("\n⚠️ %s %s an admin (see the details)", view.Plural(n, word), verb)
	}
	if d.Paused != "" {
		text += fmt.Sprintf("\n⏸️ Overdue reminders are paused until %s", d.Paused)
	}
	flagged := flaggedMetrics(&d)
	if len(flagged) > 0 {
		text += fmt.Sprintf("\n⚠️ %s flagged: an adverse move, or outside parity (see the details)", view.Plural(len(flagged), "metric"))
	}
	summary := bot.Block{Text: text, Colour: worstColour(byStatus)}

	refs := make(map[string]*framework.Target, len(d.Targets))
	for i := range d.Targets {
		refs[d.Targets[i].Ref()] = &d.Targets[i]
	}
	var details []bot.Block
	for _, r := range framework.Rollups(d.Targets) {
		ref := framework.Ref(r.Framework, r.Objective)
		title := ref
		if t := d.Titles[ref]; t != "" {
			title += " " + view.Title(t, 80)
		}
		label := "target"
		if f := d.Frameworks[r.Framework]; f != nil {
			label = f.TargetLabel()
		}
		mine := make([]framework.Target, 0, r.Targets)
		for i := range d.Targets {
			if d.Targets[i].Framework == r.Framework && d.Targets[i].Objective == r.Objective {
				mine = append(mine, d.Targets[i])
			}
		}
		details = append(details, bot.Block{
			Title:  title,
			Text:   fmt.Sprintf("%s · %s", view.ProgressBar(r.Progress), view.Plural(r.Targets, label)) + "\n" + statusCounts(r.ByStatus) + view.OverdueNote(mine, d.At, d.Loc),
			Colour: view.StatusColour(r.Status()),
		})
	}
	if len(d.Updates) > 0 {
		// Grouped by target, the target most recently updated first, so a
		// long title is said once however many updates it had.
		var order []string
		byTarget := map[string][]*framework.Update{}
		for i := len(d.Updates) - 1; i >= 0; i-- { // newest first
			u := &d.Updates[i]
			if _, ok := byTarget[u.Target]; !ok {
				order = append(order, u.Target)
			}
			byTarget[u.Target] = append(byTarget[u.Target], u)
		}
		lines := make([]string, 0, len(order)+len(d.Updates)+1)
		for _, ref := range order {
			head := view.Ref(ref)
			if t := refs[ref]; t != nil {
				head += " " + view.Title(t.Title, 80)
			}
			lines = append(lines, view.Bullet(head))
			for _, u := range byTarget[ref] {
				line := fmt.Sprintf("    ◦ %s %d%% by %s", view.Status(u.Status), u.Progress, view.Person(d.People, u.Author))
				if u.Note != "" {
					line += " " + view.Note(u.Note)
				}
				lines = append(lines, line)
			}
		}
		// The store read only the newest; say how many more there were.
		if more := d.UpdateCount - len(d.Updates); more > 0 {
			lines = append(lines, fmt.Sprintf("…and %s since %s: %s shows each target's", view.Plural(more, "more update"), sinceDay, bot.Code("/target history <target>")))
		}
		details = append(details, bot.Block{Title: fmt.Sprintf("Updates since %s (%d)", sinceDay, d.UpdateCount), Text: strings.Join(lines, "\n")})
	}
	if len(l.overdue) > 0 {
		details = append(details, targetList("Overdue", view.Alert, l.overdue, func(t *framework.Target) string {
			return fmt.Sprintf("due %s, %s, %d%%", t.Due, d.ownerOf(t), t.Progress)
		}))
	}
	if len(l.dueSoon) > 0 {
		details = append(details, targetList(fmt.Sprintf("Due in the next %d days", framework.DueSoonDays), view.Warning, l.dueSoon, func(t *framework.Target) string {
			return fmt.Sprintf("due %s, %s, %d%%", t.Due, d.ownerOf(t), t.Progress)
		}))
	}
	details = append(details, actionSections(d, acts)...)
	if len(l.snoozed) > 0 {
		details = append(details, targetList("Snoozed", "", l.snoozed, func(t *framework.Target) string {
			s := fmt.Sprintf("until %s", t.SnoozedUntil)
			if t.SnoozeReason != "" {
				s += ": " + bot.UserText(t.SnoozeReason)
			}
			return s
		}))
	}
	if len(l.escalated) > 0 {
		details = append(details, targetList(fmt.Sprintf("For admins: %d or more reminders unanswered", escalateFrom), view.Alert, l.escalated, func(t *framework.Target) string {
			return fmt.Sprintf("%s, %d reminders, due %s", d.ownerOf(t), t.Reminders, t.Due)
		}))
	}
	if len(l.unowned) > 0 {
		details = append(details, targetList("For admins: overdue with no owner", view.Alert, l.unowned, func(t *framework.Target) string {
			return fmt.Sprintf("due %s: assign with %s", t.Due, bot.Code("/target assign "+t.Ref()+" @user"))
		}))
	}
	if len(flagged) > 0 {
		details = append(details, metricsBlock(flagged))
	}
	if b := ratingsBlock(d.Targets, d.Archived, d.Frameworks, d.Cycle, d.Previous); b.Text != "" {
		details = append(details, b)
	}
	return bot.Reply{Blocks: []bot.Block{summary}, Details: details}
}

// statusCounts is "⚪ 3 not-started · 🟢 2 on-track", statuses in display
// order, zero counts left out.
func statusCounts(by map[framework.Status]int) string {
	var parts []string
	for _, st := range framework.Statuses {
		if n := by[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d %s", view.StatusEmoji(st), n, st))
		}
	}
	return strings.Join(parts, " · ")
}

// worstColour is the RAG colour of the worst status present.
func worstColour(by map[framework.Status]int) string {
	r := framework.Rollup{ByStatus: by}
	for _, n := range by {
		r.Targets += n
	}
	return view.StatusColour(r.Status())
}

// ratingsBlock counts grades per framework, never mixing frameworks, and
// scores each framework that has grading, in the current cycle and, when
// the framework was graded then, in the previous one beside it, with its
// local targets apart. The scores also see the archived targets. A
// framework without grading whose targets nobody graded has no line:
// "unrated 11" says nothing. With no line the block has no text.
func ratingsBlock(ts, archived []framework.Target, fws map[string]*framework.Framework, cycle, previous string) bot.Block {
	var lines []string
	var ids []string
	byFramework := map[string][]framework.Target{}
	for _, t := range ts {
		if _, ok := byFramework[t.Framework]; !ok {
			ids = append(ids, t.Framework)
		}
		byFramework[t.Framework] = append(byFramework[t.Framework], t)
	}
	for _, id := range ids {
		mine := byFramework[id]
		f := fws[id]
		if f != nil && f.Grading == nil && !anyGraded(mine) {
			continue
		}
		line := bot.Code(id) + ": " + gradeCounts(framework.RatingCounts(mine))
		scored := append(append([]framework.Target(nil), mine...), archived...)
		if f != nil && f.Grading != nil {
			line += "\nScore " + view.Score(f, f.Score(scored, framework.Scope{}))
			if local := view.Unscored(f, mine, func(t *framework.Target) framework.Rating { return t.Rating }); local != "" {
				line += "\n" + local
			}
		}
		prev := framework.GradeCounts(mine, previous)
		if previous != "" && prev[framework.Unrated] < len(mine) {
			line += "\nIn " + previous + ": " + gradeCounts(prev)
			if f != nil && f.Grading != nil {
				line += "\nScore in " + previous + ": " + view.ScoreValue(f, f.Score(scored, framework.Scope{Cycle: previous}))
			}
		}
		lines = append(lines, line)
	}
	title := "Ratings"
	if previous != "" {
		title += " (" + cycle + ")"
	}
	return bot.Block{Title: title, Text: strings.Join(lines, "\n")}
}

// anyGraded reports whether any of ts has a grade, in this cycle or a
// past one.
func anyGraded(ts []framework.Target) bool {
	for i := range ts {
		if ts[i].Rating != framework.Unrated {
			return true
		}
		for _, g := range ts[i].Grades {
			if g != framework.Unrated {
				return true
			}
		}
	}
	return false
}

// gradeCounts is "🟥 undeveloped 0 · … · ⬜ unrated 2", grades lowest first.
func gradeCounts(counts map[framework.Rating]int) string {
	var parts []string
	for _, r := range append(append([]framework.Rating(nil), framework.Ratings...), framework.Unrated) {
		parts = append(parts, fmt.Sprintf("%s %d", view.Rating(r), counts[r]))
	}
	return strings.Join(parts, " · ")
}

// targetList is a digest section listing every one of ts.
func targetList(title, colour string, ts []framework.Target, detail func(*framework.Target) string) bot.Block {
	lines := make([]string, len(ts))
	for i := range ts {
		t := &ts[i]
		lines[i] = view.Bullet(fmt.Sprintf("%s %s: %s", view.Ref(t.Ref()), view.Title(t.Title, 80), detail(t)))
	}
	return bot.Block{Title: fmt.Sprintf("%s (%d)", title, len(ts)), Text: strings.Join(lines, "\n"), Colour: colour}
}

// ownerOf names a target's owner without notifying them, by name where
// the workspace knows it, or says "no owner".
func (d *digestData) ownerOf(t *framework.Target) string {
	if t.Owner == "" {
		return "no owner"
	}
	return view.Person(d.People, t.Owner)
}
