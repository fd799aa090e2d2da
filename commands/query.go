package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// clock returns what rendering needs to judge dates and grades in a
// workspace.
func (h *Handler) clock(c *call, w *framework.Workspace) view.Clock {
	return view.ClockOf(w, c.now, h.loc)
}

// namedClock is clock, naming people by the names the workspace knows:
// for replies that name people (lists, show, history), at one read.
func (h *Handler) namedClock(ctx context.Context, c *call, w *framework.Workspace) (view.Clock, error) {
	v := h.clock(c, w)
	people, err := h.people(ctx, w.ID)
	v.People = people
	return v, err
}

// maxListed is the most targets one list shows. Past a few screens a
// list stops being read; it says how many more there are and how to
// narrow it instead.
const maxListed = 300

// frameworksVerb lists every framework offered and marks the imported ones.
func (h *Handler) frameworksVerb(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 0 {
		return bot.Reply{}, usageError("frameworks", "", "frameworks takes no arguments")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	var blocks []bot.Block
	for _, f := range h.frameworks {
		mark := "not imported: an admin can run " + code("/target import "+f.ID)
		if w.Imported(f.ID) {
			mark = "✅ imported"
		}
		counts := plural(len(f.Objectives), f.ObjectiveLabel()) + ", " + plural(f.TargetCount(), f.TargetLabel()) + "; "
		if strings.Contains(f.Name, plural(f.TargetCount(), f.TargetLabel())) {
			counts = "" // the name says them already
		}
		line := fmt.Sprintf("%s %s: %s%s", bot.Bold(bot.Escape(f.ID)), bot.Escape(f.Name), counts, mark)
		if f.Description != "" {
			line += "\n" + bot.Escape(sentences(f.Description, 300))
		}
		blocks = append(blocks, bot.Block{Text: line})
	}
	for _, id := range w.Frameworks {
		if h.framework(id) == nil {
			blocks = append(blocks, bot.Block{Text: bot.Bold(bot.Escape(id)) + " ✅ imported (no longer offered by this bot)"})
		}
	}
	if len(blocks) == 0 {
		return ephemeral("no frameworks are offered: whoever runs targetbot can add custom ones with TARGETBOT_FRAMEWORKS_DIR"), nil
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
}

// sentences is s cut to at most n bytes at the end of a sentence, or
// failing that at the end of a word, with an ellipsis: a description in
// a list is read, not searched, so it never stops mid-word.
func sentences(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndex(cut, ". "); i > n/3 {
		return cut[:i+1]
	}
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, ",;:") + "…"
}

// list shows targets grouped by objective: all, one objective, the
// requester's, overdue ones, at-risk ones, or one user's. Archived
// targets are left out, and each framework's own words are used.
func (h *Handler) list(ctx context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 1 {
		return bot.Reply{}, usageError("list", "", "list takes at most one filter")
	}
	w, err := h.workspace(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := h.requireImported(&w); err != nil {
		return bot.Reply{}, err
	}
	v, err := h.namedClock(ctx, c, &w)
	if err != nil {
		return bot.Reply{}, err
	}
	filter := c.arg("filter")
	// One read of every target: a filter picks from them, and each
	// objective's heading shows its real roll-up, not the selection's.
	all, err := h.store.Targets(ctx, w.ID)
	if err != nil {
		return bot.Reply{}, storeErr("list targets", err)
	}
	live := framework.Live(all)
	// The word for targets: the imported frameworks' own, when they agree.
	word := h.commonTargetLabel(w.Frameworks)
	words := word + "s"
	var ts []framework.Target
	var heading, empty string
	var graded *framework.Framework // a framework listed whole, whose score to show
	lower := strings.ToLower(filter)
	named, isFilter := findListFilter(lower)
	switch user, isUser := parseMention(filter); {
	case lower == "":
		heading, empty = "All "+words, "no "+words+" here yet: an admin can import a framework with `/target import <framework-id>`"
		ts = live
	case isFilter:
		heading, empty, ts = named.sel(listScope{all: all, live: live, word: word, words: words, now: c.now, loc: v.Loc, user: c.req.User})
	case isUser:
		heading = capital(words) + " owned by " + bot.User(user)
		empty = bot.User(user) + " owns no " + words + ": an admin can run `/target assign <target> " + filter + "`"
		ts = pick(live, func(t *framework.Target) bool { return framework.SameUser(t.Owner, user) })
	case !strings.Contains(filter, "/") && w.Imported(lower):
		words = h.targetLabel(lower) + "s"
		heading, empty = capital(words)+" of "+lower, "framework "+code(lower)+" has no "+words+" here"
		ts = pick(live, func(t *framework.Target) bool { return t.Framework == lower })
		if f := h.framework(lower); f != nil && f.Grading != nil {
			graded = f
		}
	default:
		o, oerr := h.resolveObjective(&w, all, filter)
		if oerr != nil {
			if framework.ErrorCode(oerr) == framework.ENOTFOUND {
				return bot.Reply{}, usageError("list", "objective", listFilterHint(filter, framework.ErrorMessage(oerr)))
			}
			return bot.Reply{}, oerr
		}
		words = h.targetLabel(o.Framework) + "s"
		heading = capital(words) + " of " + o.String()
		empty = h.objectiveLabel(o.Framework) + " " + code(o.String()) + " has no " + words + ": an admin can add one with " + code("/target add "+o.String()+" <code> <title>")
		ts = pick(live, func(t *framework.Target) bool { return t.Framework == o.Framework && t.Objective == o.Code })
	}
	if len(ts) == 0 {
		return ephemeral(empty), nil
	}
	head := bot.Block{Title: fmt.Sprintf("%s (%d)", heading, len(ts))}
	if graded != nil {
		// The score sees archived targets too: the band waits for them.
		head.Text = scoreLine(v, graded, pick(all, func(t *framework.Target) bool { return t.Framework == graded.ID }))
	}
	framework.SortTargets(ts)
	shown := ts[:min(len(ts), maxListed)]
	book, err := h.metricBookFor(ctx, w.ID, shown)
	if err != nil {
		return bot.Reply{}, err
	}
	rollups := live
	if isFilter && named.noRollups {
		rollups = nil
	}
	blocks := append([]bot.Block{head}, h.groupBlocks(v, shown, rollups, book)...)
	if hidden := len(ts) - len(shown); hidden > 0 {
		blocks = append(blocks, bot.Block{Text: fmt.Sprintf("…%s not shown: narrow the list with %s, %s or %s",
			plural(hidden, "more "+word), code("/target list <objective>"), code("/target list mine"), code("/target list overdue"))})
	}
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
}

// scoreLine is a graded framework's score in the current cycle, beside
// it the previous cycle's when the framework was graded then, and its
// local targets apart with their grades.
func scoreLine(v view.Clock, f *framework.Framework, ts []framework.Target) string {
	line := "Score " + view.Score(f, f.Score(ts, framework.Scope{}))
	if prev := f.Score(ts, framework.Scope{Cycle: v.Previous}); v.Previous != "" && prev.Graded > 0 {
		line = "Score " + view.Ref(f.ID) + " in " + v.Cycle + ": " + view.ScoreValue(f, f.Score(ts, framework.Scope{})) +
			"\nIn " + v.Previous + ": " + view.ScoreValue(f, prev)
	}
	if local := view.Unscored(f, ts, func(t *framework.Target) framework.Rating { return t.Rating }); local != "" {
		line += "\n" + local
	}
	return line
}

// commonTargetLabel is what the frameworks ids call their targets, when
// they all say the same, and "target" when they differ.
func (h *Handler) commonTargetLabel(ids []string) string {
	label := ""
	for _, id := range ids {
		switch l := h.targetLabel(id); {
		case label == "":
			label = l
		case l != label:
			return "target"
		}
	}
	if label == "" {
		return "target"
	}
	return label
}

// capital starts s with a capital letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
