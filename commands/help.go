package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// VerbInfo describes one verb for help text and for adapters that
// register commands (Discord subcommands, the Slack manifest's hint).
type VerbInfo struct {
	Name     string
	Usage    string   // the verb and its arguments, for example "update <target> [<n>%] [status] [note…]"
	Summary  string   // one line saying what it does
	Access   string   // who may run it: "anyone", "admin", or "admin or owner"
	Examples []string // whole command lines without the leading /target
}

// verbInfos is every verb, in the order help lists them. It holds data
// only; Handler.dispatch maps names to code.
var verbInfos = []VerbInfo{
	{"help", "help [verb]", "list the verbs, or show one verb's usage with examples", "anyone",
		[]string{"help", "help update"}},
	{"frameworks", "frameworks", "the built-in and custom frameworks, and which are imported here", "anyone",
		[]string{"frameworks"}},
	{"import", "import <framework-id>", "copy a framework's objectives and targets into this workspace (safe to repeat)", "admin",
		[]string{"import eds", "import nhse-2024-26"}},
	{"list", "list [<objective>|mine|overdue|at-risk|@user]", "targets grouped by objective, all of them or a selection", "anyone",
		[]string{"list", "list eds/1", "list 2", "list mine", "list overdue", "list at-risk", "list @amy"}},
	{"show", "show <target>", "a target's owner, due date, status, progress, rating and last 5 updates", "anyone",
		[]string{"show eds/1.1", "show 1.1"}},
	{"update", "update <target> [<n>%] [on-track|at-risk|off-track|done] [note…]", "log progress, a status or a note (at least one); `--` starts a note taken word for word", "anyone",
		[]string{"update eds/1.1 40% on-track", "update 1.1 at-risk waiting on HR data", "update eds/1.1 done", "update eds/1.1 -- 50% of staff trained"}},
	{"rate", "rate <target> <undeveloped|developing|achieving|excelling|none>", "set a target's EDS grade", "admin or owner",
		[]string{"rate eds/1.1 achieving", "rate eds/1.1 none"}},
	{"assign", "assign <target> @user|me|none", "set or clear a target's owner", "admin",
		[]string{"assign eds/1.1 @amy", "assign eds/1.1 none"}},
	{"due", "due <target> <YYYY-MM-DD|none>", "set or clear a target's due date", "admin or owner",
		[]string{"due eds/1.1 2026-12-31", "due eds/1.1 none"}},
	{"add", "add <objective> <code> <title…>", "add a custom target under an imported objective", "admin",
		[]string{"add eds/2 2.5 Staff networks meet monthly", "add 2 2.5 Staff networks meet monthly"}},
	{"history", "history <target> [n]", "a target's updates, newest first (10 by default, at most 50)", "anyone",
		[]string{"history eds/1.1", "history eds/1.1 25"}},
	{"undo", "undo", "withdraw your own last update, within 15 minutes of logging it", "anyone",
		[]string{"undo"}},
	{"snooze", "snooze <target> <7d|2w|YYYY-MM-DD|off> [reason…]", "pause overdue reminders for a target until a day", "admin or owner",
		[]string{"snooze eds/1.1 7d", "snooze eds/1.1 2w waiting for board sign-off", "snooze eds/1.1 2026-12-01", "snooze eds/1.1 off"}},
	{"digest", "digest here [<cron>] | digest off | digest now", "post digests to this channel on a schedule (default \"0 9 * * MON\", workspace time zone), stop them, or post one now", "admin",
		[]string{"digest here", "digest here 0 8 * * MON-FRI", "digest off", "digest now"}},
	{"timezone", "timezone [<IANA name>]", "show the workspace time zone, or set it", "anyone to show, admin to set",
		[]string{"timezone", "timezone Europe/London"}},
	{"reminders", "reminders [<cron>|default]", "show or set when overdue owners are reminded (default \"0 9 * * MON-FRI\")", "anyone to show, admin to set",
		[]string{"reminders", "reminders 0 10 * * MON,THU", "reminders default"}},
}

// Verbs describes every verb, in help order.
func Verbs() []VerbInfo {
	out := make([]VerbInfo, len(verbInfos))
	for i, v := range verbInfos {
		v.Examples = slices.Clone(v.Examples)
		out[i] = v
	}
	return out
}

// verbInfo returns the description of a verb by name.
func verbInfo(name string) (VerbInfo, bool) {
	for _, v := range verbInfos {
		if v.Name == name {
			return v, true
		}
	}
	return VerbInfo{}, false
}

// usage formats a verb's usage and examples for help and usage errors.
func usage(v VerbInfo) string {
	var b strings.Builder
	b.WriteString(code("/target "+v.Usage) + "\n" + v.Summary + ". Who: " + v.Access + ".\nExamples:")
	for _, e := range v.Examples {
		b.WriteString("\n• " + code("/target "+e))
	}
	return b.String()
}

// usageError is an EINVALID error that says what was wrong and then shows
// the verb's usage.
func usageError(verb, field, problem string) error {
	v, _ := verbInfo(verb)
	return &framework.Error{Code: framework.EINVALID, Field: field, Message: problem + "\n" + usage(v)}
}

// help lists the verbs, or explains one.
func (h *Handler) help(_ context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 1 {
		return bot.Reply{}, usageError("help", "", "help takes at most one verb")
	}
	if name := strings.ToLower(c.args.at(0)); name != "" {
		v, ok := verbInfo(name)
		if !ok {
			return bot.Reply{}, framework.Errorf(framework.EINVALID, "there is no verb %s: see `/target help` for the list", code(short(name, 40)))
		}
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "/target " + v.Name, Text: usage(v)}}}, nil
	}
	var b strings.Builder
	b.WriteString("Track your team's targets. Use `/target <verb>`:")
	for _, v := range verbInfos {
		b.WriteString("\n• " + code(v.Usage) + ": " + v.Summary)
		if v.Access != "anyone" {
			b.WriteString(" (" + v.Access + ")")
		}
	}
	b.WriteString("\nTargets are written `eds/1.1`, or just `1.1` when only one framework has that code. `/target help <verb>` shows examples.")
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "targetbot commands", Text: b.String()}}}, nil
}

// suggestVerb returns the verb closest to a mistyped one, or "".
func suggestVerb(s string) string {
	best, bestD := "", 3
	for _, v := range verbInfos {
		if d := editDistance(s, v.Name); d < bestD {
			best, bestD = v.Name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between short ASCII-ish words.
func editDistance(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
