package commands

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// Readers for the verbs that keep the record: rate with its reason,
// history's count, edit, evidence and cycle.

// readRate reads the grade and reason of `rate <target> <grade> [reason…]`.
// The grade stays a word until the target is found: what it may be (a
// name, a score, a colour) is up to the target's framework (parseGrade).
func readRate(c *call) (grade, reason string, err error) {
	if c.text() && c.args.len() < 2 {
		return "", "", usageError("rate", "rating", "name a target and a grade")
	}
	reason = strings.Join(strings.Fields(c.arg("reason")), " ")
	if err := checkText("reason", "reason", reason, maxReason); err != nil {
		return "", "", err
	}
	return c.arg("grade"), reason, nil
}

// parseGrade reads a grade as the framework's grading takes it (names,
// and its scores and colours where it declares them), and words the
// forms it takes when s is none of them. g may be nil: names only.
func parseGrade(g *framework.Grading, s string) (framework.Rating, error) {
	return parseGradeOr(g, s, true)
}

// parseVoteGrade is parseGrade for a vote or an agreed grade, which
// cannot be none: its hint leaves none out.
func parseVoteGrade(g *framework.Grading, s string) (framework.Rating, error) {
	return parseGradeOr(g, s, false)
}

func parseGradeOr(g *framework.Grading, s string, none bool) (framework.Rating, error) {
	if r, ok := g.ParseGrade(s); ok {
		return r, nil
	}
	forms := "undeveloped, developing, achieving or excelling"
	if g != nil {
		var scores, colours []string
		for _, r := range framework.Ratings {
			if n, ok := g.Scores[r]; ok {
				scores = append(scores, strconv.Itoa(n))
			}
			if c := g.Colours[r]; c != "" {
				colours = append(colours, c)
			}
		}
		forms = "undeveloped, developing, achieving, excelling"
		if len(colours) > 0 {
			forms += ", a score (" + orList(scores) + ") or a colour (" + orList(colours) + ")"
		} else {
			forms += " or a score (" + orList(scores) + ")"
		}
	}
	if !none {
		return "", framework.FieldErrorf("rating", "%s is not a grade: use %s", code(short(s, 30)), forms)
	}
	return "", framework.FieldErrorf("rating", "%s is not a grade: use %s (or none to clear it)", code(short(s, 30)), forms)
}

// readHistory reads how many entries `history <target> [n|all]` shows:
// 10 by default, 0 for all of them.
func readHistory(c *call) (int, error) {
	if c.text() && (c.args.len() < 1 || c.args.len() > 2) {
		return 0, usageError("history", "target", "name one target, and optionally how many changes to show, or all")
	}
	all := c.arg("all") != ""
	s := c.arg("count")
	if c.text() && strings.EqualFold(s, "all") {
		all, s = true, ""
	}
	switch {
	case all && s != "":
		return 0, usageError("history", "n", "give a count or all, not both")
	case all:
		return 0, nil
	case s == "":
		return 10, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxHistory {
		return 0, usageError("history", "n", fmt.Sprintf("%s is not a count: give a whole number from 1 to %d, or `all`", code(short(s, 20)), maxHistory))
	}
	return n, nil
}

// readEdit reads the new title of `edit <target> <title…>`.
func readEdit(c *call) (string, error) {
	if c.text() && c.args.len() < 2 {
		return "", usageError("edit", "title", "name a target and its new title")
	}
	return readTitle("edit", c.arg("title"))
}

// readEvidence reads `evidence <target> <url> [title…]`: an http or
// https link, and an optional title.
func readEvidence(c *call) (url, title string, err error) {
	if c.text() && c.args.len() < 2 {
		return "", "", usageError("evidence", "url", "name a target and a link, like `https://…`")
	}
	url = escapeURL(c.arg("url"))
	if len(url) > framework.MaxURL {
		return "", "", framework.FieldErrorf("url", "that link is %d characters long, and evidence links can be at most %d: link to the page that holds the document, or shorten the link", len(url), framework.MaxURL)
	}
	if !framework.ValidURL(url) {
		return "", "", framework.FieldErrorf("url", "%s is not a web link: evidence is a link starting with https:// or http://, like `https://example.org/board-papers/2026-11.pdf`", code(short(c.arg("url"), 60)))
	}
	title = strings.Join(strings.Fields(c.arg("title")), " ")
	if err := checkText("title", "title", title, maxTitle); err != nil {
		return "", "", err
	}
	return url, title, nil
}

// escapeURL percent-encodes the bytes of a pasted link that no chat
// platform keeps inside a link (non-ASCII letters, quotes, angle
// brackets, pipes, backslashes, braces), so the link it shows is the one
// given and works everywhere. Other characters, % included, stay.
func escapeURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x7e || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// readCycle reads `cycle [start <name>]`: the name of the cycle to
// start, or "" to show the current one.
func readCycle(c *call) (string, error) {
	if c.text() && c.args.len() > 2 {
		return "", usageError("cycle", "", "cycle takes `start` and one name")
	}
	action, name := strings.ToLower(c.arg("action")), c.arg("cycle")
	switch {
	case action == "" && name == "":
		return "", nil
	case action != "start":
		return "", usageError("cycle", "", "say `cycle` to see the grading cycle, or `cycle start <name>` to start the next")
	case name == "":
		return "", usageError("cycle", "cycle", "name the cycle to start after its financial year, like `2027/28`")
	case !framework.ValidCycle(name):
		return "", framework.FieldErrorf("cycle", "%s is not a cycle name: name a cycle after its financial year, April to March, like `2027/28`", code(short(name, 20)))
	}
	return name, nil
}
