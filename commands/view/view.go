// Package view is the one set of helpers that commands and reminders
// build replies from: how a target, an update, a status, a grade, an
// owner and progress read, and which buttons a target offers. It decides
// what to say, in the bot's declared markup (see bot/markup.go); each
// platform adapter decides how to show it.
package view

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// StatusEmoji is a status's marker: a coloured circle, or a tick.
func StatusEmoji(s framework.Status) string {
	switch s {
	case framework.OnTrack:
		return "🟢"
	case framework.AtRisk:
		return "🟠"
	case framework.OffTrack:
		return "🔴"
	case framework.Done:
		return "✅"
	default:
		return "⚪"
	}
}

// StatusColour is a status's RAG colour as "#rrggbb".
func StatusColour(s framework.Status) string {
	switch s {
	case framework.OnTrack:
		return "#2eb67d"
	case framework.AtRisk:
		return "#ecb22e"
	case framework.OffTrack:
		return "#e01e5a"
	case framework.Done:
		return "#1d9bd1"
	default:
		return "#9e9e9e"
	}
}

// Alert is the colour of a section that needs attention (overdue).
const Alert = "#e01e5a"

// Warning is the colour of a section that soon will (due soon).
const Warning = "#ecb22e"

// RatingEmoji is a grade's coloured square, in its EDS band's colour.
func RatingEmoji(r framework.Rating) string {
	switch r.Band() {
	case "red":
		return "🟥"
	case "amber":
		return "🟧"
	case "green":
		return "🟩"
	case "purple":
		return "🟪"
	default:
		return "⬜"
	}
}

// RatingColour is a grade's EDS band colour as "#rrggbb".
func RatingColour(r framework.Rating) string {
	switch r.Band() {
	case "red":
		return "#d4351c"
	case "amber":
		return "#f47738"
	case "green":
		return "#00703c"
	case "purple":
		return "#6f2c91"
	default:
		return "#b1b4b6"
	}
}

// Status is a status with its marker: "🟢 on-track".
func Status(s framework.Status) string {
	if s == "" {
		s = framework.NotStarted
	}
	return StatusEmoji(s) + " " + string(s)
}

// Rating is a grade with its marker: "🟩 achieving", "⬜ unrated". The
// name carries the meaning, so colour is never the only signal.
func Rating(r framework.Rating) string { return RatingEmoji(r) + " " + r.String() }

// ProgressBar draws p percent as ten blocks: "▓▓▓▓░░░░░░ 40%".
func ProgressBar(p int) string {
	p = max(0, min(100, p))
	filled := (p + 5) / 10
	// One buffer, one string: every update's reply draws one.
	var b [48]byte
	out := b[:0]
	for i := range 10 {
		if i < filled {
			out = append(out, "▓"...)
		} else {
			out = append(out, "░"...)
		}
	}
	out = append(strconv.AppendInt(append(out, ' '), int64(p), 10), '%')
	return string(out)
}

// Ref is a target or objective reference as code: `eds/1.1`.
func Ref(ref string) string { return bot.Code(ref) }

// Title is a title people typed, made inert, and cut to n characters
// with an ellipsis when longer (0 keeps it whole). Lists cut titles to
// keep one line a target; show gives the whole title.
func Title(s string, n int) string { return bot.UserText(Short(s, n)) }

// Short cuts s to n characters, ending it with an ellipsis when it cut.
// n of 0 keeps s whole.
func Short(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s // n bytes are at most n characters
	}
	// Find where the n-1'th character ends, and whether s goes on past
	// the n'th.
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
		}
		if count == n {
			return strings.TrimSpace(s[:cut]) + "…"
		}
		count++
	}
	return s
}

// Colour is the colour a target shows in: its grade once graded, its
// status before.
func Colour(t *framework.Target) string {
	if t.Rating != framework.Unrated {
		return RatingColour(t.Rating)
	}
	return StatusColour(t.Status)
}

// Clock is what rendering needs to judge dates and grades: the time, the
// workspace's time zone, and its grading cycles.
type Clock struct {
	Now time.Time
	Loc *time.Location
	// Cycle is the current grading cycle's name, and Previous the cycle
	// closed before it ("" when none has closed): grades show beside the
	// previous cycle's.
	Cycle, Previous string
	// People names users by the names the workspace knows (nil: by
	// reference alone).
	People framework.People
}

// ClockOf is the Clock of workspace w at now, in w's time zone or def.
func ClockOf(w *framework.Workspace, now time.Time, def *time.Location) Clock {
	c := Clock{Now: now, Loc: w.Location(def), Cycle: w.CurrentCycle(now)}
	if p, ok := w.PreviousCycle(); ok {
		c.Previous = p.Name
	}
	return c
}

// Due is a target's due date, flagged when overdue: "due 2026-03-31",
// "due 2026-03-31 ⚠️ *overdue*", or "no due date".
func (c Clock) Due(t *framework.Target) string {
	switch {
	case t.Due.IsZero():
		return "no due date"
	case framework.Overdue(t, c.Now, c.Loc):
		return "due " + string(t.Due) + " ⚠️ " + bot.Bold("overdue")
	default:
		return "due " + string(t.Due)
	}
}

// TargetLine is one compact line for lists: status, reference, title,
// progress, owner, due date and grade.
func (c Clock) TargetLine(t *framework.Target) string {
	parts := []string{
		StatusEmoji(t.Status) + " " + Ref(t.Ref()) + " " + Title(t.Title, 60),
		fmt.Sprintf("%d%%", t.Progress),
		c.Owner(t.Owner),
	}
	if !t.Due.IsZero() {
		parts = append(parts, c.Due(t))
	}
	if g := c.Grade(t, false); g != "" {
		parts = append(parts, g)
	}
	if t.Archived {
		parts = append(parts, "archived")
	}
	return strings.Join(parts, " · ")
}

// UpdateLine is one update for show and history: when, who, what, the
// note, and whether it was withdrawn.
func (c Clock) UpdateLine(u *framework.Update) string {
	var what []string
	if u.Progress != u.PrevProgress {
		what = append(what, fmt.Sprintf("%d%% → %d%%", u.PrevProgress, u.Progress))
	}
	if u.Status != u.PrevStatus && u.Status != "" {
		what = append(what, Status(u.Status))
	}
	line := u.Time.In(c.Loc).Format("2006-01-02 15:04") + " " + c.Person(u.Author)
	if len(what) > 0 {
		line += ": " + strings.Join(what, ", ")
	}
	if u.Note != "" {
		line += " " + Note(u.Note)
	}
	if u.Withdrawn {
		line = bot.Strike(line) + " (withdrawn)"
	}
	return line
}

// Note is a note people typed, quoted and inert, on one line; links in
// it work.
func Note(s string) string {
	return "“" + bot.UserText(oneLine(s)) + "”"
}

// oneLine is strings.Join(strings.Fields(s), " "): s on one line, its
// runs of white space made one space. Most notes are so already, and
// are returned as they are, uncopied.
func oneLine(s string) string {
	prevSpace := true // a space at the start is not kept
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (r != ' ' || prevSpace) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ") // a space at the end
	}
	return s
}

// Bullet starts a list item.
func Bullet(s string) string { return "• " + s }

// TargetButtons are the actions offered under a target.
func TargetButtons(t *framework.Target) []bot.Button {
	// Both commands are cut from one string, in a slice made once.
	done := "update " + t.Ref() + " done"
	bs := make([]bot.Button, 1, 2)
	bs[0] = bot.Button{Label: "Log update", Command: done[:len(done)-len(" done")], Form: true}
	if t.Open() {
		bs = append(bs, bot.Button{Label: "Mark done", Command: done, Style: "primary"})
	}
	return bs
}

// ReminderButtons are the actions under a reminded target. Each label
// names the target, so a row of them can never be mistaken for another
// target's.
func ReminderButtons(ref string, snooze string) []bot.Button {
	return []bot.Button{
		{Label: "Log " + ref, Command: "update " + ref, Form: true},
		{Label: "Snooze " + ref + " a week", Command: "snooze " + ref + " " + snooze},
		{Label: "Mark " + ref + " done", Command: "update " + ref + " done", Style: "primary"},
	}
}

// Plural counts n of a thing: "1 target", "18 targets".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
