package commands

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// A verb reads its arguments through call.arg, and a verb whose
// arguments need checking through a read<Verb> function here, so text
// and structured requests take the same path. For text, a read function
// first checks the word count with the verb's own wording; structured
// requests were checked against the table by checkNamed instead. Then
// each value goes through the same checks, with the same messages,
// whichever way it came.

// text reports whether the call came as text rather than named arguments.
func (c *call) text() bool { return c.named == nil }

// arg returns the raw value of the verb's argument name, "" when not
// given: the named value of a structured request, or the word of a text
// request at the argument's place (the rest of the line for a Rest
// argument).
func (c *call) arg(name string) string {
	if c.named != nil {
		return c.named[name]
	}
	i := 0
	for _, a := range c.v.Args {
		switch {
		case a.Kind == bot.ArgFlag:
			continue // not positional
		case a.Name != name:
			i++
		case a.Rest:
			return c.args.from(i)
		default:
			return c.args.at(i)
		}
	}
	return ""
}

// positional lists the arguments that text gives by place, in order:
// all but flags, which text says with a word of another argument.
func (v *VerbInfo) positional() []bot.Arg {
	out := make([]bot.Arg, 0, len(v.Args))
	for _, a := range v.Args {
		if a.Kind != bot.ArgFlag {
			out = append(out, a)
		}
	}
	return out
}

// checkNamed checks a structured request's arguments against the verb's
// declaration and returns them tidied: values trimmed, and empty values
// and false flags left out, as if not given. An unknown name, a flag
// that is neither true nor false, or a missing required argument is
// EINVALID, with the verb's usage.
func (v *VerbInfo) checkNamed(in map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		a, ok := v.Arg(name)
		if !ok {
			return nil, usageError(v.Name, "", fmt.Sprintf("%s has no argument %s", v.Name, code(short(name, 40))))
		}
		val := strings.TrimSpace(in[name])
		if a.Kind == bot.ArgFlag && val != "" {
			on, err := strconv.ParseBool(val)
			if err != nil {
				return nil, usageError(v.Name, name, fmt.Sprintf("%s is %s: say true or false", name, code(short(val, 20))))
			}
			val = ""
			if on {
				val = "true"
			}
		}
		if val != "" {
			out[name] = val
		}
	}
	for _, a := range v.Args {
		if a.Required && out[a.Name] == "" {
			return nil, usageError(v.Name, a.Name, fmt.Sprintf("the %s is missing", a.Name))
		}
	}
	return out, nil
}

// readUpdate reads what an update asks to change: from the words after
// the target, or from the named progress, status and note. A named note
// is taken as it is, so one that looks like a status or a percentage
// stays a note.
func readUpdate(c *call) (updateArgs, error) {
	if c.text() {
		if c.args.len() < 1 {
			return updateArgs{}, usageError("update", "target", "name the target to update")
		}
		return parseUpdateArgs(c.args, 1)
	}
	u := updateArgs{progress: framework.Unchanged}
	if s := c.arg("progress"); s != "" {
		p, err := parseProgress(s)
		if err != nil {
			return u, err
		}
		u.progress = p
	}
	if s := c.arg("status"); s != "" {
		st, ok := parseStatus(s)
		if !ok {
			return u, framework.FieldErrorf("status", "%s is not a status: use %s", code(short(s, 30)), statusNames("or"))
		}
		u.status = st
	}
	u.note = c.arg("note")
	return checkUpdate(u)
}

// readAssign reads the new owner of `assign <target> @user|me|none`: a
// user id, or "" to unassign. Named, the owner is the user argument, or
// none when the unassign flag is set.
func readAssign(c *call) (string, error) {
	if c.text() && c.args.len() != 2 {
		return "", usageError("assign", "owner", "name a target and a user, like `@amy`, or `none`")
	}
	arg := c.arg("user")
	if !c.text() {
		switch unassign := c.arg("unassign") != ""; {
		case unassign && arg != "":
			return "", usageError("assign", "owner", "give a user or unassign, not both")
		case unassign:
			return "", nil
		case arg == "":
			return "", usageError("assign", "owner", "name a user, or unassign")
		case validUserID(arg):
			return canonicalUser(c.req.Workspace, arg), nil // a platform's user id, as its user picker gives it
		}
	} else {
		switch strings.ToLower(arg) {
		case "none", "nobody":
			return "", nil
		case "me", "myself":
			return c.req.User, nil
		}
	}
	id, ok := parseMention(arg)
	if !ok {
		return "", framework.FieldErrorf("owner", "%s is not a user: mention them, like `@amy`, or write `none` to unassign", code(short(arg, 40)))
	}
	return canonicalUser(c.req.Workspace, id), nil
}

// The years a due date may fall in.
const (
	minDueYear = "2000"
	maxDueYear = "2099"
)

// readDue reads the date of `due <target> <YYYY-MM-DD|none>`; none is
// the zero Date.
func readDue(c *call) (framework.Date, error) {
	if c.text() && c.args.len() != 2 {
		return "", usageError("due", "due", "name a target and a date, like `"+exampleDue(c.now)+"`, or `none`")
	}
	var d framework.Date
	if arg := c.arg("date"); !strings.EqualFold(arg, "none") {
		var err error
		if d, err = framework.ParseDate(short(arg, 30)); err != nil {
			return "", framework.FieldErrorf("due", "%s is not a date: use YYYY-MM-DD, for example %s", code(short(arg, 30)), exampleDue(c.now))
		}
		// Catch typos such as 0226 or 20266 for 2026: no team plans
		// outside this century.
		if y := string(d)[:4]; y < minDueYear || y > maxDueYear {
			return "", framework.FieldErrorf("due", "%s has year %s: give a date from %s to %s as YYYY-MM-DD, for example %s", code(string(d)), y, minDueYear, maxDueYear, exampleDue(c.now))
		}
	}
	return d, nil
}

// readAdd reads the code and title of `add <objective> <code> <title…>`.
func readAdd(c *call) (tcode, title string, err error) {
	if c.text() && c.args.len() < 3 {
		return "", "", usageError("add", "", "give an objective, a new code and a title")
	}
	tcode = c.arg("code")
	if !framework.ValidCode(tcode) {
		return "", "", framework.FieldErrorf("code", "%s is not a valid code: use letters, digits, dots, hyphens or underscores, at most %d, like `2.4`", code(short(tcode, 30)), maxCode)
	}
	title, err = readTitle("add", c.arg("title"))
	return tcode, title, err
}

// readTitle tidies and checks a target title verb was given. A title is
// one line in every list: line breaks and runs of spaces fold, as the
// catalog does for built-in titles.
func readTitle(verb, raw string) (string, error) {
	title := strings.Join(strings.Fields(raw), " ")
	if err := checkText("title", "title", title, maxTitle); err != nil {
		return "", err
	}
	if !strings.ContainsFunc(title, func(r rune) bool { return r != ' ' && unicode.IsPrint(r) }) {
		return "", usageError(verb, "title", "the title has nothing visible in it: give the target a title in words")
	}
	return title, nil
}

// readSnooze reads the reason of `snooze <target> <until> [reason…]`.
// The until word needs the workspace's today, so snooze reads it itself.
func readSnooze(c *call) (reason string, err error) {
	if c.text() && c.args.len() < 2 {
		return "", usageError("snooze", "until", "name a target and how long, like `7d`, `2w` or `"+exampleLater(c.now)+"`, or `off`")
	}
	reason = c.arg("reason")
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return "", err
	}
	return reason, nil
}
