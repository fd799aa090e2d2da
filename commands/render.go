package commands

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// view holds what rendering needs to judge dates: the clock reading and
// the workspace's time zone.
type view struct {
	now time.Time
	loc *time.Location
}

// ephemeral is a private reply with msg as its Text.
func ephemeral(msg string) bot.Reply {
	return bot.Reply{Ephemeral: true, Text: msg}
}

// announce is an in-channel reply: the team sees the change.
func announce(msg string, blocks ...bot.Block) bot.Reply {
	return bot.Reply{Text: msg, Blocks: blocks}
}

// short cuts s to n characters, with an ellipsis when it cut.
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// owner is a target's owner as a mention, or "unassigned".
func owner(id string) string {
	if id == "" {
		return "unassigned"
	}
	return bot.MentionUser(id)
}

// dueText is a target's due date, flagged when overdue.
func (v view) dueText(t *framework.Target) string {
	switch {
	case t.Due.IsZero():
		return "no due date"
	case framework.Overdue(t, v.now, v.loc):
		return "due " + string(t.Due) + " ⚠️ *overdue*"
	default:
		return "due " + string(t.Due)
	}
}

// statusText is a status with its emoji: "🟢 on-track".
func statusText(s framework.Status) string {
	if s == "" {
		s = framework.NotStarted
	}
	return s.Emoji() + " " + string(s)
}

// targetLine is one compact line for lists: status, reference, title,
// progress, owner and due date.
func (v view) targetLine(t *framework.Target) string {
	parts := []string{
		t.Status.Emoji() + " " + code(t.Ref()) + " " + short(t.Title, 60),
		fmt.Sprintf("%d%%", t.Progress),
		owner(t.Owner),
	}
	if !t.Due.IsZero() {
		parts = append(parts, v.dueText(t))
	}
	if t.Rating != framework.Unrated {
		parts = append(parts, t.Rating.Emoji()+" "+string(t.Rating))
	}
	return strings.Join(parts, " · ")
}

// groupBlocks renders targets as one Block per objective, with the
// objective's roll-up in its title and colour. An objective too long for
// one block takes several, and a list of more than maxBlocks blocks is
// packed and, past that, cut with a note saying how to narrow it, so a
// big custom framework is never silently truncated by the platform.
func (h *Handler) groupBlocks(v view, ts []framework.Target) (text string, blocks []bot.Block) {
	var b strings.Builder
	var counts []int
	framework.SortTargets(ts)
	for _, r := range framework.Rollups(ts) {
		title := framework.Ref(r.Framework, r.Objective)
		if ot := h.objectiveTitle(r.Framework, r.Objective); ot != "" {
			title += " " + short(ot, 80)
		}
		title += " · " + framework.ProgressBar(r.Progress)
		var lines []string
		for i := range ts {
			if ts[i].Framework == r.Framework && ts[i].Objective == r.Objective {
				lines = append(lines, v.targetLine(&ts[i]))
			}
		}
		bs, ns := splitBlocks(title, lines, r.Status().Colour())
		blocks, counts = append(blocks, bs...), append(counts, ns...)
		fmt.Fprintf(&b, "\n*%s*\n%s", title, strings.Join(lines, "\n"))
	}
	return b.String(), fitBlocks(blocks, counts)
}

// maxBlocks is the most blocks a reply should carry: Slack's limit for
// one message. Discord shows ten embeds a message, and spills the rest.
const maxBlocks = 50

// fitBlocks keeps a list within maxBlocks. counts[i] is how many targets
// blocks[i] shows. Too many blocks are first packed several to a block,
// with their titles in bold in the text; if that is still too many, the
// last block says how many targets are left out and how to see them.
func fitBlocks(blocks []bot.Block, counts []int) []bot.Block {
	if len(blocks) <= maxBlocks {
		return blocks
	}
	var packed []bot.Block
	var pcounts []int
	for i, b := range blocks {
		sec := "*" + b.Title + "*\n" + b.Text
		if n := len(packed); n > 0 && utf8.RuneCountInString(packed[n-1].Text)+1+utf8.RuneCountInString(sec) <= maxBlockText {
			packed[n-1].Text += "\n" + sec
			pcounts[n-1] += counts[i]
			continue
		}
		packed, pcounts = append(packed, bot.Block{Text: sec}), append(pcounts, counts[i])
	}
	if len(packed) <= maxBlocks {
		return packed
	}
	hidden := 0
	for _, n := range pcounts[maxBlocks-1:] {
		hidden += n
	}
	note := fmt.Sprintf("…%s not shown: narrow the list with %s, %s or %s",
		plural(hidden, "more target"), code("/target list <objective>"), code("/target list mine"), code("/target list overdue"))
	return append(packed[:maxBlocks-1], bot.Block{Text: note})
}

// splitBlocks puts lines under a title in as many blocks as it takes to
// keep each within maxBlockText, so that a big objective or a long
// history is shown whole instead of cut off by the platform. Blocks after
// the first are titled as continuations. counts[i] is how many lines
// block i holds.
func splitBlocks(title string, lines []string, colour string) (blocks []bot.Block, counts []int) {
	cur, n := bot.Block{Title: title, Colour: colour}, 0
	size := func(b *bot.Block) int {
		return utf8.RuneCountInString("*"+b.Title+"*\n") + utf8.RuneCountInString(b.Text)
	}
	for _, l := range lines {
		if cur.Text != "" && size(&cur)+1+utf8.RuneCountInString(l) > maxBlockText {
			blocks, counts = append(blocks, cur), append(counts, n)
			cur, n = bot.Block{Title: short(title, 60) + " (continued)", Colour: colour}, 0
		}
		if cur.Text != "" {
			cur.Text += "\n"
		}
		cur.Text += l
		n++
	}
	return append(blocks, cur), append(counts, n)
}

// updateLine is one update for show and history: when, who, what, and
// whether it was withdrawn.
func (v view) updateLine(u *framework.Update) string {
	var what []string
	if u.Progress != u.PrevProgress {
		what = append(what, fmt.Sprintf("%d%% → %d%%", u.PrevProgress, u.Progress))
	}
	if u.Status != u.PrevStatus && u.Status != "" {
		what = append(what, statusText(u.Status))
	}
	line := u.Time.In(v.loc).Format("2006-01-02 15:04") + " " + bot.MentionUser(u.Author)
	if len(what) > 0 {
		line += ": " + strings.Join(what, ", ")
	}
	if u.Note != "" {
		line += " “" + short(u.Note, 300) + "”"
	}
	if u.Withdrawn {
		line = "~" + line + "~ _(withdrawn)_"
	}
	return line
}

// targetFields are a target's settings as labelled fields.
func (v view) targetFields(t *framework.Target) []bot.Field {
	rating := t.Rating.Emoji() + " " + t.Rating.String()
	fields := []bot.Field{
		{Name: "Status", Value: statusText(t.Status), Inline: true},
		{Name: "Progress", Value: framework.ProgressBar(t.Progress), Inline: true},
		{Name: "Owner", Value: owner(t.Owner), Inline: true},
		{Name: "Due", Value: strings.TrimPrefix(v.dueText(t), "due "), Inline: true},
		{Name: "Rating", Value: rating, Inline: true},
	}
	if framework.Snoozed(t, v.now, v.loc) {
		s := "until " + string(t.SnoozedUntil)
		if t.SnoozeReason != "" {
			s += ": " + t.SnoozeReason
		}
		fields = append(fields, bot.Field{Name: "Reminders snoozed", Value: s})
	}
	return fields
}

// fieldsText renders fields as "Name: value" lines for the Text fallback.
func fieldsText(fs []bot.Field) string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = "*" + f.Name + ":* " + f.Value
	}
	return strings.Join(lines, "\n")
}

// targetButtons are the actions offered under a target.
func targetButtons(t *framework.Target) []bot.Button {
	bs := []bot.Button{{Label: "Log update", Command: "update " + t.Ref(), Form: true}}
	if t.Open() {
		bs = append(bs, bot.Button{Label: "Mark done", Command: "update " + t.Ref() + " done", Style: "primary"})
	}
	return bs
}

// colour is the colour a target shows in: its rating once rated, its
// status before.
func colour(t *framework.Target) string {
	if t.Rating != framework.Unrated {
		return t.Rating.Colour()
	}
	return t.Status.Colour()
}

// plural counts n of a thing: "1 target", "18 targets".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// maxBlockText is the most characters one Block's title and text may
// hold together: Slack's limit for a section's text. Longer lists are
// split across blocks rather than cut by the adapter.
const maxBlockText = 3000
