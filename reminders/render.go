package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// Digest section limits: a busy week has thousands of updates, and chat
// platforms cap message size. The counts in the headline stay exact.
const (
	maxListed    = 25 // lines per digest section
	dueSoonDays  = 14
	escalateFrom = 3 // unanswered reminders before admins hear of a target
)

// digestData is everything one digest shows.
type digestData struct {
	Loc     *time.Location
	At      time.Time
	Since   time.Time
	Targets []framework.Target
	Updates []framework.Update // the newest since Since, oldest first, none withdrawn
	// UpdateCount is how many updates there were since Since; Updates may
	// hold only the newest of them. 0 means len(Updates).
	UpdateCount int
	// Titles names objectives by ref ("eds/1"); an objective with no
	// title here shows its ref alone.
	Titles map[string]string
}

// digestLists sorts a workspace's targets into the digest's sections.
type digestLists struct {
	overdue, dueSoon, snoozed, escalated, unowned []framework.Target
}

func classify(d digestData) digestLists {
	var l digestLists
	today := framework.Today(d.At, d.Loc)
	soon := today.AddDays(dueSoonDays)
	for i := range d.Targets {
		t := &d.Targets[i]
		if !t.Open() {
			continue
		}
		overdue := framework.Overdue(t, d.At, d.Loc)
		switch {
		case overdue:
			l.overdue = append(l.overdue, *t)
		case !t.Due.IsZero() && !t.Due.Before(today) && t.Due <= soon:
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

// renderDigest is the digest as a Reply: a short headline in Text and one
// summary Block, with the sections in Details (a thread on Slack).
func renderDigest(d digestData) bot.Reply {
	if d.UpdateCount < len(d.Updates) {
		d.UpdateCount = len(d.Updates)
	}
	sinceDay := framework.DateOf(d.Since, d.Loc)
	if len(d.Targets) == 0 {
		return bot.Reply{Text: "📊 *Digest*: no targets yet. An admin can add some with `/target frameworks` and `/target import <framework>`."}
	}
	l := classify(d)
	progress, byStatus := framework.Overall(d.Targets)
	if d.UpdateCount == 0 && len(l.overdue) == 0 && len(l.dueSoon) == 0 {
		return bot.Reply{Text: fmt.Sprintf("📊 *Digest*: nothing new since %s: no updates, nothing overdue or due in the next %d days (%d targets, %d%% overall).",
			sinceDay, dueSoonDays, len(d.Targets), progress)}
	}

	counts := statusCounts(byStatus)
	news := fmt.Sprintf("%s since %s · %d overdue · %d due in the next %d days",
		plural(d.UpdateCount, "update"), sinceDay, len(l.overdue), len(l.dueSoon), dueSoonDays)
	text := fmt.Sprintf("📊 *Digest*: %s, %d%% overall\n%s\n%s", plural(len(d.Targets), "target"), progress, counts, news)
	if n := len(l.escalated) + len(l.unowned); n > 0 {
		text += fmt.Sprintf("\n⚠️ %s need an admin (see thread)", plural(n, "target"))
	}
	summary := bot.Block{
		Title: "Targets digest",
		Text:  framework.ProgressBar(progress) + "\n" + counts,
		Fields: []bot.Field{
			{Name: "Updates", Value: fmt.Sprint(d.UpdateCount), Inline: true},
			{Name: "Overdue", Value: fmt.Sprint(len(l.overdue)), Inline: true},
			{Name: "Due soon", Value: fmt.Sprint(len(l.dueSoon)), Inline: true},
		},
		Colour: worstColour(byStatus),
	}

	refs := make(map[string]*framework.Target, len(d.Targets))
	for i := range d.Targets {
		refs[d.Targets[i].Ref()] = &d.Targets[i]
	}
	var details []bot.Block
	for _, r := range framework.Rollups(d.Targets) {
		details = append(details, bot.Block{
			Title:  strings.TrimSpace(framework.Ref(r.Framework, r.Objective) + " " + d.Titles[framework.Ref(r.Framework, r.Objective)]),
			Text:   fmt.Sprintf("%s · %s", framework.ProgressBar(r.Progress), plural(r.Targets, "target")) + "\n" + statusCounts(r.ByStatus),
			Colour: r.Status().Colour(),
		})
	}
	if len(d.Updates) > 0 {
		b := listBlock(fmt.Sprintf("Updates since %s", sinceDay), len(d.Updates), func(i int) string {
			u := d.Updates[len(d.Updates)-1-i] // newest first
			line := fmt.Sprintf("• `%s` %s %s %d%% by %s", u.Target, u.Status.Emoji(), u.Status, u.Progress, bot.MentionUser(u.Author))
			if t := refs[u.Target]; t != nil {
				line = fmt.Sprintf("• `%s` %s: %s %s %d%% by %s", u.Target, t.Title, u.Status.Emoji(), u.Status, u.Progress, bot.MentionUser(u.Author))
			}
			if u.Note != "" {
				line += ": " + u.Note
			}
			return line
		})
		// The store read only the newest; say how many more there were.
		if more := d.UpdateCount - len(d.Updates); more > 0 {
			b.Text += fmt.Sprintf("\n…and %d more", more)
		}
		details = append(details, b)
	}
	if len(l.overdue) > 0 {
		details = append(details, targetList("Overdue", "#e01e5a", l.overdue, func(t *framework.Target) string {
			return fmt.Sprintf("due %s, %s, %d%%", t.Due, ownerOf(t), t.Progress)
		}))
	}
	if len(l.dueSoon) > 0 {
		details = append(details, targetList(fmt.Sprintf("Due in the next %d days", dueSoonDays), "#ecb22e", l.dueSoon, func(t *framework.Target) string {
			return fmt.Sprintf("due %s, %s, %d%%", t.Due, ownerOf(t), t.Progress)
		}))
	}
	if len(l.snoozed) > 0 {
		details = append(details, targetList("Snoozed", "", l.snoozed, func(t *framework.Target) string {
			s := fmt.Sprintf("until %s", t.SnoozedUntil)
			if t.SnoozeReason != "" {
				s += ": " + t.SnoozeReason
			}
			return s
		}))
	}
	if len(l.escalated) > 0 {
		details = append(details, targetList(fmt.Sprintf("For admins: %d or more reminders unanswered", escalateFrom), "#e01e5a", l.escalated, func(t *framework.Target) string {
			return fmt.Sprintf("%s, %d reminders, due %s", ownerOf(t), t.Reminders, t.Due)
		}))
	}
	if len(l.unowned) > 0 {
		details = append(details, targetList("For admins: overdue with no owner", "#e01e5a", l.unowned, func(t *framework.Target) string {
			return fmt.Sprintf("due %s: assign with `/target assign %s @user`", t.Due, t.Ref())
		}))
	}
	details = append(details, ratingsBlock(framework.RatingCounts(d.Targets)))
	return bot.Reply{Text: text, Blocks: []bot.Block{summary}, Details: details}
}

// statusCounts is "⚪ 3 not-started · 🟢 2 on-track", statuses in display
// order, zero counts left out.
func statusCounts(by map[framework.Status]int) string {
	var parts []string
	for _, st := range framework.Statuses {
		if n := by[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d %s", st.Emoji(), n, st))
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
	return r.Status().Colour()
}

func ratingsBlock(counts map[framework.Rating]int) bot.Block {
	var parts []string
	for _, r := range append(append([]framework.Rating(nil), framework.Ratings...), framework.Unrated) {
		parts = append(parts, fmt.Sprintf("%s %s %d", r.Emoji(), r, counts[r]))
	}
	return bot.Block{Title: "Ratings", Text: strings.Join(parts, " · ")}
}

func targetList(title, colour string, ts []framework.Target, detail func(*framework.Target) string) bot.Block {
	b := listBlock(fmt.Sprintf("%s (%d)", title, len(ts)), len(ts), func(i int) string {
		t := &ts[i]
		return fmt.Sprintf("• `%s` %s: %s", t.Ref(), t.Title, detail(t))
	})
	b.Colour = colour
	return b
}

// listBlock lists up to maxListed of n lines and says how many it left out.
func listBlock(title string, n int, line func(i int) string) bot.Block {
	var b strings.Builder
	for i := 0; i < n && i < maxListed; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line(i))
	}
	if n > maxListed {
		fmt.Fprintf(&b, "\n…and %d more", n-maxListed)
	}
	return bot.Block{Title: title, Text: b.String()}
}

func ownerOf(t *framework.Target) string {
	if t.Owner == "" {
		return "no owner"
	}
	return bot.MentionUser(t.Owner)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
