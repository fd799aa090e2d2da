package commands

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// Input limits keep notes and titles within what every platform shows in
// one message. Forms and Discord options read them from the verb table.
const (
	maxNote   = 1000
	maxTitle  = 200
	maxReason = 200
	maxCode   = 16 // the longest code framework.ValidCode allows
	// maxZone is the longest time zone name loadLocation tries.
	maxZone = 64
	// maxHistory is the largest count history takes; `all` shows more.
	maxHistory = 1000
	// maxURL is the longest evidence link, as framework.ValidURL takes.
	maxURL = framework.MaxURL
	// maxPerson is the longest `people set` takes after the user: a
	// name and a role, each of framework.MaxPersonName, and " | ".
	maxPerson = 2*framework.MaxPersonName + len(" | ")
)

// runFunc runs one verb. Errors are *framework.Error values; Handle turns
// them into replies.
type runFunc func(h *Handler, ctx context.Context, c *call) (bot.Reply, error)

// VerbInfo declares one verb: what help says about it, who may run it,
// its typed arguments and the code that runs it. Dispatch, help and the
// adapters' command registration and forms all derive from this table;
// adapters read the bot.Command part through bot.Language.
type VerbInfo struct {
	bot.Command
	// ClaimsOnce verbs take a request's once key themselves, inside
	// their write (see Handler.Handle), instead of before they run.
	ClaimsOnce bool
	// NoWorkspace verbs run in a chat that is in no workspace yet (a
	// Teams 1:1 chat before its user picked one); every other verb is
	// refused there.
	NoWorkspace bool
	run         runFunc
}

// The target argument most verbs start with.
var targetArg = bot.Arg{Name: "target", Kind: bot.ArgTarget, Required: true, Description: "The target, for example eds-2022/1A or nhse-2024-26/5.2"}

// verbTable declares every verb, in the order help lists them. It is a
// function, not a variable, because the run funcs it names read the
// table back (for usage), which Go does not allow of a variable's
// initializer.
func verbTable() []VerbInfo {
	// A status's label is how every reply shows it, so a menu matches.
	statuses := make([]bot.Choice, len(framework.Statuses))
	for i, s := range framework.Statuses {
		statuses[i] = bot.Choice{Value: string(s), Label: view.Status(s)}
	}
	grades := make([]string, 0, len(framework.Ratings)+1)
	for _, r := range framework.Ratings {
		grades = append(grades, string(r))
	}
	grades = append(grades, "none")

	vs := []VerbInfo{
		{Command: bot.Command{Name: "help", Usage: "help [verb]", Summary: "list the verbs, or show one verb's usage with examples", Access: "anyone",
			Examples: []string{"help", "help update"}, Query: true, Args: []bot.Arg{{Name: "verb", Kind: bot.ArgChoice, Description: "The command to explain"}}},
			NoWorkspace: true, run: (*Handler).help},
		{Command: bot.Command{Name: "frameworks", Usage: "frameworks", Summary: "the built-in and custom frameworks, and which are imported here", Access: "anyone",
			Examples: []string{"frameworks"}, Query: true},
			run: (*Handler).frameworksVerb},
		{Command: bot.Command{Name: "import", Usage: "import <framework-id>", Summary: "copy a framework's objectives and targets into this workspace (safe to repeat)", Access: "admin",
			Examples: []string{"import eds-2022", "import nhse-2024-26"}, Args: []bot.Arg{{Name: "framework", Kind: bot.ArgFramework, Required: true, Description: "The framework id, for example eds-2022"}}},
			run: (*Handler).importVerb},
		{Command: listCommand(), run: (*Handler).list},
		{Command: bot.Command{Name: "show", Usage: "show <target>|<objective>", Summary: "a target's status, progress, grade, evidence and changes, or an objective and its targets", Access: "anyone",
			Examples: []string{"show eds-2022/1A", "show eds-2022/1"}, Query: true, Args: []bot.Arg{{Name: "target", Kind: bot.ArgTarget, Required: true, Description: "A target such as eds-2022/1A, or an objective such as eds-2022/1"}}},
			run: (*Handler).show},
		{Command: bot.Command{Name: "update", Usage: "update <target> [<n>%] [" + statusNames("|") + "] [note…]", Summary: "log progress, a status (`finished` means done) or a note; `--` starts a note taken word for word", Access: "anyone",
			Examples: []string{"update eds-2022/1A 40% on-track", "update eds-2022/1A at-risk waiting on HR data", "update eds-2022/1A done", "update eds-2022/1A -- 50% of staff trained"}, Args: []bot.Arg{
				targetArg,
				{Name: "progress", Kind: bot.ArgInteger, Min: 0, Max: 100, Description: "Progress, 0 to 100 percent"},
				{Name: "status", Kind: bot.ArgChoice, Choices: statuses, Description: "The target's status"},
				{Name: "note", Kind: bot.ArgText, Rest: true, MaxLen: maxNote, Description: "What changed"},
			}},
			ClaimsOnce: true, run: (*Handler).update},
		{Command: bot.Command{Name: "rate", Usage: "rate <target> <undeveloped|developing|achieving|excelling|none> [service <code>] [in <YYYY/YY>] [reason…]", Summary: "grade a target in the current grading cycle, with the reason, kept in its history", Access: "admin or owner",
			Examples: []string{"rate eds-2022/2A achieving policy published and staff trained", "rate eds-2022/2A none", "rate eds-2022/2A developing in 2025/26 as published"}, Args: []bot.Arg{
				targetArg,
				{Name: "grade", Kind: bot.ArgChoice, Required: true, Choices: choices(grades...), Description: "The EDS grade, or none to clear it"},
				{Name: "reason", Kind: bot.ArgText, Rest: true, MaxLen: maxReason, Description: "Why this grade, for the record"},
			}},
			run: (*Handler).rate},
		{Command: bot.Command{Name: "assign", Usage: "assign <target> @user|me|none", Summary: "set or clear a target's owner", Access: "admin",
			Examples: []string{"assign eds-2022/1A @amy", "assign eds-2022/1A none"}, Args: []bot.Arg{
				targetArg,
				{Name: "user", Kind: bot.ArgUser, Description: "The new owner"},
				{Name: "unassign", Kind: bot.ArgFlag, Description: "Leave the target with no owner"},
			}},
			run: (*Handler).assign},
		{Command: bot.Command{Name: "due", Usage: "due <target> <YYYY-MM-DD|none>", Summary: "set or clear a target's due date", Access: "admin or owner",
			Examples: []string{"due eds-2022/1A {due}", "due eds-2022/1A none"}, Args: []bot.Arg{targetArg, {Name: "date", Kind: bot.ArgDate, Required: true, Description: "YYYY-MM-DD, or none to clear it"}}},
			run: (*Handler).due},
		{Command: bot.Command{Name: "add", Usage: "add <objective> <code> <title…>", Summary: "add a custom target under an imported objective", Access: "admin",
			Examples: []string{"add eds-2022/2 2E Staff networks meet monthly"}, Args: []bot.Arg{
				{Name: "objective", Kind: bot.ArgObjective, Required: true, Description: "The objective, for example eds-2022/1"},
				{Name: "code", Kind: bot.ArgText, Required: true, MaxLen: maxCode, Description: "The new target's code, for example 1.9"},
				{Name: "title", Kind: bot.ArgText, Required: true, Rest: true, MaxLen: maxTitle, Description: "The new target's title"},
			}},
			run: (*Handler).add},
		{Command: bot.Command{Name: "edit", Usage: "edit <target> <title…>", Summary: "retitle a target; the old title stays in its history", Access: "admin",
			Examples: []string{"edit eds-2022/2A Staff get support to manage long-term conditions"}, Args: []bot.Arg{targetArg, {Name: "title", Kind: bot.ArgText, Required: true, Rest: true, MaxLen: maxTitle, Description: "The new title"}}},
			run: (*Handler).edit},
		{Command: bot.Command{Name: "archive", Usage: "archive <target>", Summary: "take a target out of lists, digests, reminders, roll-ups and scores; its history stays", Access: "admin",
			Examples: []string{"archive eds-2022/3B"}, Args: []bot.Arg{targetArg}},
			run: (*Handler).archive},
		{Command: bot.Command{Name: "restore", Usage: "restore <target>", Summary: "bring an archived target back", Access: "admin",
			Examples: []string{"restore eds-2022/3C"}, Args: []bot.Arg{targetArg}},
			run: (*Handler).restore},
		{Command: bot.Command{Name: "evidence", Usage: "evidence <target> <url> [title…]", Summary: "attach a link as evidence; show lists it", Access: "anyone",
			Examples: []string{"evidence eds-2022/1A https://example.org/board-papers/2026-11.pdf November board paper"}, Args: []bot.Arg{
				targetArg,
				{Name: "url", Kind: bot.ArgText, Required: true, MaxLen: maxURL, Description: "An https:// or http:// link"},
				{Name: "title", Kind: bot.ArgText, Rest: true, MaxLen: maxTitle, Description: "What the link is"},
			}},
			run: (*Handler).evidenceVerb},
		{Command: bot.Command{Name: "history", Usage: "history <target> [n|all]", Summary: "a target's updates and other changes, newest first (10 by default)", Access: "anyone",
			Examples: []string{"history eds-2022/1A", "history eds-2022/1A 25", "history eds-2022/1A all"}, Query: true, Args: []bot.Arg{
				targetArg,
				{Name: "count", Kind: bot.ArgInteger, Min: 1, Max: maxHistory, Description: "How many changes to show"},
				{Name: "all", Kind: bot.ArgFlag, Description: "Show every change"},
			}},
			run: (*Handler).history},
		{Command: bot.Command{Name: "undo", Usage: "undo", Summary: "withdraw your own last update, within 15 minutes of logging it", Access: "anyone",
			Examples: []string{"undo"}},
			run: (*Handler).undo},
		{Command: bot.Command{Name: "snooze", Usage: "snooze <target> <7d|2w|YYYY-MM-DD|off> [reason…]", Summary: "pause overdue reminders for a target until a day", Access: "admin or owner",
			Examples: []string{"snooze eds-2022/1A 7d", "snooze eds-2022/1A 2w waiting for board sign-off", "snooze eds-2022/1A {later}", "snooze eds-2022/1A off"}, Args: []bot.Arg{
				targetArg,
				{Name: "until", Kind: bot.ArgText, Required: true, Description: "7d, 2w or YYYY-MM-DD, or off to end the snooze"},
				{Name: "reason", Kind: bot.ArgText, Rest: true, MaxLen: maxReason, Description: "Why, for the record"},
			}},
			run: (*Handler).snooze},
		{Command: bot.Command{Name: "cycle", Usage: "cycle [start <YYYY/YY> | backfill <YYYY/YY> | undo | engagement <YYYY-MM-DD> <domain…> <note…> | stakeholder <category> <domain…> <name…> | sign-off <YYYY-MM-DD> <by…> | published <YYYY-MM-DD>]",
			Summary: "show the grading cycle and its record, start the next or add to it", Access: "anyone to show, admin to change",
			Examples: []string{"cycle", "cycle start {next-cycle}", "cycle engagement 2026-10-01 1 2 Listening event with the patients' panel", "cycle stakeholder trade-union 3 Unison branch", "cycle sign-off 2026-11-20 Trust board", "cycle published 2026-11-22", "cycle backfill 2024/25"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgChoice, Choices: choices(append([]string{"start", "backfill", "undo"}, recordActions...)...), Description: "start the next cycle, add a past one, undo a start, or record"},
				{Name: "cycle", Kind: bot.ArgText, MaxLen: len("2026/27"), Description: "The cycle to start or add, named after its financial year, like 2027/28"},
				// No MaxLen: each part of the record has its own limit.
				{Name: "details", Kind: bot.ArgText, Rest: true, Description: "What to record: date, domains, note; category, domains, name; date and who; or the date"},
			}},
			run: (*Handler).cycleVerb},
		{Command: bot.Command{Name: "org", Group: "eds", Usage: "org [name|ics|lead|sponsor <text…> | level <organisation|partnership|system>]", Summary: "show the organisation profile for the EDS summary, or set a field", Access: "anyone to show, admin to set",
			Examples: []string{"org", "org name Northtown NHS Trust", "org ics Northtown Integrated Care System", "org lead Amy Khan", "org sponsor Dr Sam Lee, Chief Nurse", "org level organisation"}, Args: []bot.Arg{
				{Name: "field", Kind: bot.ArgChoice, Choices: choices(profileFieldNames()...), Description: "The field to set"},
				{Name: "value", Kind: bot.ArgText, Rest: true, MaxLen: framework.MaxRecordText, Description: "Its value"},
			}},
			run: (*Handler).orgVerb},
		{Command: bot.Command{Name: "publish-check", Group: "eds", Usage: "publish-check [<framework-id>] [<cycle>]", Summary: "what stands between the cycle and a publishable EDS summary, and how to clear it", Access: "anyone",
			Examples: []string{"publish-check", "publish-check eds-2022"}, Query: true, Args: []bot.Arg{
				{Name: "framework", Kind: bot.ArgFramework, Description: "A graded framework, such as eds-2022; every graded framework imported when left out"},
				{Name: "cycle", Kind: bot.ArgText, Description: "A grading cycle, such as 2025/26; the current one when left out"},
			}},
			run: (*Handler).publishCheckVerb},
		{Command: bot.Command{Name: "report", Usage: "report [<framework-id>] [<cycle>] [summary]", Summary: "the score, band and counts of a grading cycle, with a link to the full report (or the EDS summary)", Access: "anyone",
			Examples: []string{"report", "report eds-2022", "report eds-2022 {cycle}", "report eds-2022 summary"}, Query: true, Args: []bot.Arg{
				{Name: "framework", Kind: bot.ArgFramework, Description: "A framework id, such as eds-2022; every imported framework when left out"},
				// No MaxLen: any cycle name but the workspace's own is refused
				// by name, so a length limit would add nothing.
				{Name: "cycle", Kind: bot.ArgText, Description: "A grading cycle, such as 2025/26; the current one when left out"},
				{Name: "template", Kind: bot.ArgChoice, Choices: choices(string(report.SummaryTemplate)), Description: "summary: lay the report out as NHS England's EDS 2022 summary"},
			}},
			run: (*Handler).reportVerb},
		{Command: bot.Command{Name: "digest", Usage: "digest here [<cron>] | digest off | digest now", Summary: "post digests here on a schedule (default `0 9 * * MON`), stop them, or post one now", Access: "admin",
			Examples: []string{"digest here", "digest here 0 8 * * MON-FRI", "digest off", "digest now"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgChoice, Required: true, Choices: choices("here", "off", "now"), Description: "here: post digests in this channel; off: stop them; now: post one now"},
				{Name: "cron", Kind: bot.ArgCron, Rest: true, Description: `With "here": a cron schedule in the workspace time zone, default "0 9 * * MON"`},
			}},
			run: (*Handler).digestVerb},
		{Command: bot.Command{Name: "timezone", Group: "workspace", Usage: "timezone [<IANA name>]", Summary: "show the workspace time zone, or set it", Access: "anyone to show, admin to set",
			Examples: []string{"timezone", "timezone Europe/London"}, Args: []bot.Arg{{Name: "name", Kind: bot.ArgZone, MaxLen: maxZone, Description: "An IANA name, for example Europe/London"}}},
			run: (*Handler).timezone},
		{Command: bot.Command{Name: "reminders", Group: "workspace", Usage: "reminders [<cron>|default|off|pause <7d|2w|YYYY-MM-DD>|resume]", Summary: "show or set the overdue reminder schedule (default `0 9 * * MON-FRI`)", Access: "anyone to show, admin to set",
			Examples: []string{"reminders", "reminders 0 10 * * MON,THU", "reminders default", "reminders off", "reminders pause 2w", "reminders resume"}, Args: []bot.Arg{{Name: "cron", Kind: bot.ArgCron, Rest: true, Description: `A cron schedule such as "0 9 * * MON-FRI", default, or off`}}},
			run: (*Handler).reminders},
		{Command: bot.Command{Name: "admins", Group: "workspace", Usage: "admins [add|remove @user]", Summary: "who the admins are and why; grant or remove admin here", Access: "anyone to show, admin to change",
			Examples: []string{"admins", "admins add @amy", "admins remove @bob"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgChoice, Choices: choices("add", "remove"), Description: "add: make the user an admin; remove: end their grant"},
				{Name: "user", Kind: bot.ArgUser, Description: "The user to make an admin, or to remove"},
			}},
			run: (*Handler).adminsVerb},
		{Command: bot.Command{Name: "people", Group: "workspace", Usage: "people [set @user <name…> [| <role…>]]", Summary: "people's names and roles, as replies show them; set one by hand", Access: "anyone to show, admin to set",
			Examples: []string{"people", "people set @amy Amy Khan | EDI lead"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgChoice, Choices: choices("set"), Description: "set: set the user's name and role"},
				{Name: "user", Kind: bot.ArgUser, Description: "The user to name"},
				{Name: "person", Kind: bot.ArgText, Rest: true, MaxLen: maxPerson, Description: "Their name, then | and their role if any, like Amy Khan | EDI lead"},
			}},
			run: (*Handler).peopleVerb},
		{Command: bot.Command{Name: "use", Group: "workspace", Usage: "use [<n>|<name>]", Summary: "in a Teams chat outside a team: list your workspaces, or pick the one this chat runs in", Access: "anyone",
			Examples: []string{"use", "use 2", "use Equality and Inclusion"}, Args: []bot.Arg{
				{Name: "workspace", Kind: bot.ArgText, Rest: true, Description: "The number `use` lists, or the team's name"},
			}},
			NoWorkspace: true, run: (*Handler).useVerb},
		{Command: bot.Command{Name: "vote", Group: "eds", Usage: "vote <target> <grade> [service <code>] [for <guest…>] [reason…]", Summary: "vote on a target's grade in a panel; voting again replaces it", Access: "panel members; admin for a guest",
			Examples: []string{"vote eds-2022/3A achieving staff network survey shows progress", "vote eds-2022/3A developing for Pat Jones"}, Args: []bot.Arg{
				targetArg,
				{Name: "grade", Kind: bot.ArgChoice, Required: true, Choices: choices(grades[:len(grades)-1]...), Description: "The grade you vote for"},
				{Name: "reason", Kind: bot.ArgText, Rest: true, Description: "service <code>, for <guest>, then why (the why up to 200 characters)"},
			}},
			run: (*Handler).vote},
		{Command: bot.Command{Name: "panel", Group: "eds", Usage: "panel [<objective>] | panel open <objective> [until YYYY-MM-DD] | panel add <objective> @user… | panel guest <objective> <category> <name…> | panel agree <target> <grade> [service <code>] [reason…] | panel close <objective>", Summary: "a stakeholder panel's tally; open, add, guest, agree, close", Access: "anyone to show, admin to change",
			Examples: []string{"panel", "panel eds-2022/3", "panel open eds-2022/2", "panel add eds-2022/3 @amy @bob", "panel guest eds-2022/3 staff-network Sam Lee", "panel agree eds-2022/3B achieving", "panel close eds-2022/3"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgText, Description: "open, add, guest, agree or close; or an objective for its tally"},
				{Name: "rest", Kind: bot.ArgText, Rest: true, Description: "The objective or target and the rest"},
			}},
			run: (*Handler).panelVerb},
		{Command: bot.Command{Name: "service", Group: "eds", Usage: "service [<framework>] | service add <framework> <code> <name…> | service remove <framework> <code>", Summary: "the services an objective is graded per; declare or remove one", Access: "anyone to show, admin to change",
			Examples: []string{"service", "service add eds-2022 op Outpatients", "service remove eds-2022 ae"}, Args: []bot.Arg{
				{Name: "action", Kind: bot.ArgText, Description: "add or remove; or a framework to list its services"},
				{Name: "rest", Kind: bot.ArgText, Rest: true, Description: "The framework, the code and the name"},
			}},
			run: (*Handler).serviceVerb},
		actionVerbInfo(),
	}
	vs = append(vs, metricVerbs()...)
	// help can name any verb, and choices make that a menu.
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.Name
	}
	vs[0].Args[0].Choices = choices(names...)
	return vs
}

// choices are menu choices whose labels are their values.
func choices(values ...string) []bot.Choice {
	out := make([]bot.Choice, len(values))
	for i, v := range values {
		out[i] = bot.Choice{Value: v, Label: v}
	}
	return out
}

// The table is built once, on first use. It never changes afterwards.
var (
	tableOnce sync.Once
	table     []VerbInfo
)

// verbs is the verb table, shared: callers must not modify it.
func verbs() []VerbInfo {
	tableOnce.Do(func() { table = verbTable() })
	return table
}

// verbInfos ranges over the verb table in help order.
func verbInfos(yield func(int, VerbInfo) bool) {
	for i, v := range verbs() {
		if !yield(i, v) {
			return
		}
	}
}

// Verbs describes every verb, in help order. The slices are the caller's
// own.
func Verbs() []VerbInfo {
	vs := verbs()
	out := make([]VerbInfo, len(vs))
	for i := range vs {
		out[i] = vs[i].export()
	}
	return out
}

// ExamplesAt is v's examples with their dates as of now (see Examples).
func (v VerbInfo) ExamplesAt(now time.Time) []string {
	r := strings.NewReplacer(
		"{due}", exampleDue(now),
		"{later}", exampleLater(now),
		"{next-cycle}", framework.FinancialYear(now.AddDate(1, 0, 0)),
		"{cycle}", framework.FinancialYear(now),
	)
	out := make([]string, len(v.Examples))
	for i, e := range v.Examples {
		out[i] = r.Replace(e)
	}
	return out
}

// exampleDue is a due date for examples and hints that is never in the
// past: the next 31 March, the end of a financial year.
func exampleDue(now time.Time) string {
	next := now.AddDate(1, 0, 0)
	if now.Month() < time.April {
		next = now
	}
	return fmt.Sprintf("%04d-03-31", next.Year())
}

// exampleLater is a snooze date for examples and hints: four weeks on.
func exampleLater(now time.Time) string { return now.AddDate(0, 0, 28).Format("2006-01-02") }

// LookupVerb describes the named verb; ok is false when there is none.
// The slices are the caller's own.
func LookupVerb(name string) (v VerbInfo, ok bool) {
	if p := lookup(name); p != nil {
		return p.export(), true
	}
	return VerbInfo{}, false
}

// lookup returns the shared declaration of a verb by name, or nil.
func lookup(name string) *VerbInfo {
	vs := verbs()
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i]
		}
	}
	return nil
}

// verbInfo returns the declaration of a verb by name.
func verbInfo(name string) (VerbInfo, bool) {
	if v := lookup(name); v != nil {
		return *v, true
	}
	return VerbInfo{}, false
}
