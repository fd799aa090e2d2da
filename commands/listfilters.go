package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// listScope is what a list filter picks from: the workspace's targets
// and what its frameworks call them, as of the request.
type listScope struct {
	all, live   []framework.Target // every target, and those not archived
	word, words string             // "target" and "targets", or the frameworks' own words
	now         time.Time
	loc         *time.Location
	user        string // the requester
}

// pick returns the targets of from that keep keeps.
func pick(from []framework.Target, keep func(*framework.Target) bool) []framework.Target {
	var out []framework.Target
	for i := range from {
		if keep(&from[i]) {
			out = append(out, from[i])
		}
	}
	return out
}

// listFilter is one word list takes besides frameworks, objectives and
// @users. The table below is the one place the words are declared: the
// list verb's usage, its option description, its examples, its parsing
// and the hint for a misspelt filter all derive from it.
type listFilter struct {
	word    string   // as usage writes it: "due-soon"
	aliases []string // other spellings taken: "duesoon", "due_soon"
	// brief filters are also named in the one-line option description,
	// which Discord keeps to 100 characters, and shown as examples.
	brief bool
	// noRollups filters pick targets that roll-ups leave out (archived
	// ones), so their headings show no roll-up, which would be of others.
	noRollups bool
	// sel picks the targets, with the list's heading and what it says
	// when none are picked.
	sel func(s listScope) (heading, empty string, ts []framework.Target)
}

// listFilters are the list verb's filter words, in usage order.
var listFilters = []listFilter{
	{word: "mine", aliases: []string{"me"}, brief: true, sel: func(s listScope) (string, string, []framework.Target) {
		// A request with no user (never from a real platform) owns
		// nothing, rather than every unowned target.
		return "Your " + s.words,
			"no " + s.words + " are assigned to you: ask an admin to run `/target assign <target> @you`, or see `/target list`",
			pick(s.live, func(t *framework.Target) bool { return t.Owner != "" && framework.SameUser(t.Owner, s.user) })
	}},
	{word: "overdue", brief: true, sel: func(s listScope) (string, string, []framework.Target) {
		return "Overdue " + s.words, "nothing is overdue 🎉 `/target list` shows every " + s.word,
			pick(s.live, func(t *framework.Target) bool { return framework.Overdue(t, s.now, s.loc) })
	}},
	{word: "due-soon", aliases: []string{"duesoon", "due_soon"}, brief: true, sel: func(s listScope) (string, string, []framework.Target) {
		return capital(s.words) + fmt.Sprintf(" due in the next %d days", framework.DueSoonDays),
			fmt.Sprintf("nothing open is due in the next %d days", framework.DueSoonDays),
			pick(s.live, func(t *framework.Target) bool { return framework.DueSoon(t, s.now, s.loc) })
	}},
	{word: "at-risk", aliases: []string{"atrisk", "at_risk"}, brief: true, sel: func(s listScope) (string, string, []framework.Target) {
		return capital(s.words) + " at risk or off track", "no " + s.word + " is at risk or off track 🎉",
			pick(s.live, func(t *framework.Target) bool { return t.Status == framework.AtRisk || t.Status == framework.OffTrack })
	}},
	{word: "done", brief: true, sel: statusFilter(framework.Done)},
	{word: "not-started", aliases: []string{"notstarted", "not_started"}, sel: statusFilter(framework.NotStarted)},
	{word: "unassigned", brief: true, sel: func(s listScope) (string, string, []framework.Target) {
		return capital(s.words) + " with no owner", "every " + s.word + " has an owner 🎉",
			pick(s.live, func(t *framework.Target) bool { return t.Owner == "" })
	}},
	{word: "archived", brief: true, noRollups: true, sel: func(s listScope) (string, string, []framework.Target) {
		return "Archived " + s.words, "no " + s.word + " is archived",
			pick(s.all, func(t *framework.Target) bool { return t.Archived })
	}},
}

// statusFilter lists the live targets with status st.
func statusFilter(st framework.Status) func(s listScope) (string, string, []framework.Target) {
	return func(s listScope) (string, string, []framework.Target) {
		return capital(s.words) + " " + string(st), "no " + s.word + " is " + string(st),
			pick(s.live, func(t *framework.Target) bool { return t.Status == st })
	}
}

// findListFilter returns the filter a word names, in any case and by
// any of its spellings.
func findListFilter(word string) (listFilter, bool) {
	for _, f := range listFilters {
		if strings.EqualFold(word, f.word) {
			return f, true
		}
		for _, a := range f.aliases {
			if strings.EqualFold(word, a) {
				return f, true
			}
		}
	}
	return listFilter{}, false
}

// listCommand declares the list verb, its usage, argument and examples
// written from the filter table.
func listCommand() bot.Command {
	words, brief := make([]string, 0, len(listFilters)), []string{}
	examples := []string{"list", "list eds-2022", "list eds-2022/1"}
	for _, f := range listFilters {
		words = append(words, f.word)
		if f.brief {
			brief = append(brief, f.word)
			examples = append(examples, "list "+f.word)
		}
	}
	return bot.Command{
		Name:     "list",
		Usage:    "list [<framework>|<objective>|" + strings.Join(words, "|") + "|@user]",
		Summary:  "targets grouped by objective, all of them or a selection",
		Access:   "anyone",
		Examples: append(examples, "list @amy"),
		Query:    true,
		Args: []bot.Arg{{Name: "filter", Kind: bot.ArgText,
			Description: "A framework, an objective, " + strings.Join(brief, ", ") + " or @user"}},
	}
}

// listFilterHint improves "unknown objective" for a filter that was
// probably meant as something else: a user without its @, or a
// misspelt filter word.
func listFilterHint(filter, msg string) string {
	best, bestD := "", 3
	for _, f := range listFilters {
		if d := framework.EditDistance(strings.ToLower(filter), f.word); d < bestD {
			best, bestD = f.word, d
		}
	}
	switch {
	case best != "":
		return msg + ". Did you mean " + code("/target list "+best) + "?"
	case validUserID(filter) && !strings.ContainsAny(filter, "./") && !isNumberish(filter):
		return msg + ". To list someone's, write " + code("/target list @"+short(filter, 40))
	}
	return msg
}
