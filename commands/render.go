package commands

import (
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Short aliases for the view helpers every verb uses.
var (
	code   = bot.Code
	plural = view.Plural
	short  = view.Short
)

// ephemeral is a private reply of one block of markup.
func ephemeral(msg string) bot.Reply { return bot.Say(msg, true) }

// announce is an in-channel reply: the team sees the change. Its first
// block is the headline msg.
func announce(msg string, blocks ...bot.Block) bot.Reply {
	return bot.Reply{Blocks: append([]bot.Block{{Text: msg}}, blocks...)}
}

// groupBlocks renders targets ts as one Block per objective, with the
// objective's roll-up over all (the workspace's live targets) in its
// title and colour; with all nil, as for archived targets, the headings
// have no roll-up. A block holds every
// target of its objective, however many: the adapter splits what does
// not fit in one message. A metric target's line ends with its latest
// value against its baseline and goal, from book (nil: none).
func (h *Handler) groupBlocks(v view.Clock, ts, all []framework.Target, book *framework.MetricBook) []bot.Block {
	var blocks []bot.Block
	framework.SortTargets(ts)
	shown := map[string]bool{}
	for i := range ts {
		shown[framework.Ref(ts[i].Framework, ts[i].Objective)] = true
	}
	if all == nil {
		return h.bareGroupBlocks(v, ts)
	}
	// Each heading is its objective's real roll-up, over all of its live
	// targets, however few of them the list shows.
	for _, r := range framework.Rollups(all) {
		if !shown[framework.Ref(r.Framework, r.Objective)] {
			continue
		}
		title := framework.Ref(r.Framework, r.Objective)
		if ot := h.objectiveTitle(r.Framework, r.Objective); ot != "" {
			title += " " + view.Title(ot, 80)
		}
		title += " · " + view.ProgressBar(r.Progress)
		var lines []string
		for i := range ts {
			if ts[i].Framework == r.Framework && ts[i].Objective == r.Objective {
				lines = append(lines, v.TargetLine(&ts[i])+h.metricSuffix(book, &ts[i]))
			}
		}
		blocks = append(blocks, bot.Block{Title: title, Text: strings.Join(lines, "\n"), Colour: view.StatusColour(r.Status())})
	}
	return blocks
}

// bareGroupBlocks groups ts by objective under headings with no roll-up.
func (h *Handler) bareGroupBlocks(v view.Clock, ts []framework.Target) []bot.Block {
	var blocks []bot.Block
	for i := 0; i < len(ts); {
		fw, obj := ts[i].Framework, ts[i].Objective
		title := framework.Ref(fw, obj)
		if ot := h.objectiveTitle(fw, obj); ot != "" {
			title += " " + view.Title(ot, 80)
		}
		var lines []string
		for ; i < len(ts) && ts[i].Framework == fw && ts[i].Objective == obj; i++ {
			lines = append(lines, v.TargetLine(&ts[i]))
		}
		blocks = append(blocks, bot.Block{Title: title, Text: strings.Join(lines, "\n")})
	}
	return blocks
}

// targetFields are a target's settings as labelled fields. A target of
// a framework without grading shows a rating only once someone rated it.
func (h *Handler) targetFields(v view.Clock, t *framework.Target) []bot.Field {
	fields := []bot.Field{
		{Name: "Status", Value: view.Status(t.Status), Inline: true},
		{Name: "Progress", Value: view.ProgressBar(t.Progress), Inline: true},
		{Name: "Owner", Value: v.Owner(t.Owner), Inline: true},
		{Name: "Due", Value: strings.TrimPrefix(v.Due(t), "due "), Inline: true},
	}
	f := h.framework(t.Framework)
	if g := v.Grade(t, f == nil || f.Grading != nil); g != "" {
		fields = append(fields, bot.Field{Name: "Rating", Value: g, Inline: true})
	}
	if framework.Snoozed(t, v.Now, v.Loc) {
		s := "until " + string(t.SnoozedUntil)
		if t.SnoozeReason != "" {
			s += ": " + bot.UserText(t.SnoozeReason)
		}
		fields = append(fields, bot.Field{Name: "Reminders snoozed", Value: s})
	}
	return fields
}

// targetHeading is a target's reference and title, for the title of a
// block about it; n cuts the title (0 keeps it whole).
func targetHeading(t *framework.Target, n int) string {
	return t.Ref() + " " + view.Title(t.Title, n)
}

// targetHeadline names a target in a sentence: "*eds/1.1* Patients have…".
func targetHeadline(t *framework.Target) string {
	return bot.Bold(t.Ref()) + " " + view.Title(t.Title, 80)
}
