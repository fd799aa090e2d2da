package view

import (
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

func TestProgressBar(t *testing.T) {
	for p, want := range map[int]string{40: "▓▓▓▓░░░░░░ 40%", 140: "▓▓▓▓▓▓▓▓▓▓ 100%", -5: "░░░░░░░░░░ 0%"} {
		if got := ProgressBar(p); got != want {
			t.Errorf("ProgressBar(%d) = %q, want %q", p, got, want)
		}
	}
}

// A note is inert: it cannot bold, strike, refer to anyone or disguise a
// link, and its URL is a working link that shows itself.
func TestNoteIsInert(t *testing.T) {
	n := Note("see *this* ~that~ <@U1> <!channel> @everyone [nhs.uk](https://evil.example) https://nhs.uk/a.")
	for _, sp := range bot.Parse(n) {
		if sp.Bold || sp.Strike || sp.Kind == bot.SpanUser {
			t.Errorf("note span %+v is live markup", sp)
		}
		if sp.Kind == bot.SpanLink && sp.Text != sp.URL {
			t.Errorf("link %+v shows a label other than its URL", sp)
		}
	}
	if got, want := bot.PlainText(n), "“see *this* ~that~ <@U1> <!channel> @everyone [nhs.uk](https://evil.example) https://nhs.uk/a.”"; got != want {
		t.Errorf("PlainText(Note) = %q, want %q", got, want)
	}
	links := 0
	for _, sp := range bot.Parse(n) {
		if sp.Kind == bot.SpanLink {
			links++
		}
	}
	if links != 2 {
		t.Errorf("note has %d links, want 2 (the two URLs): %q", links, n)
	}
}

func TestUpdateLineWithdrawn(t *testing.T) {
	c := Clock{Now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Loc: time.UTC}
	u := framework.Update{Author: "U1", Time: c.Now, Progress: 40, PrevProgress: 10, Status: framework.OnTrack, PrevStatus: framework.NotStarted, Note: "done *it*", Withdrawn: true}
	got := bot.PlainText(c.UpdateLine(&u))
	want := "2026-11-30 09:00 @U1: 10% → 40%, 🟢 on-track “done *it*” (withdrawn)"
	if got != want {
		t.Errorf("UpdateLine = %q, want %q", got, want)
	}
	struck := false
	for _, sp := range bot.Parse(c.UpdateLine(&u)) {
		struck = struck || sp.Strike
	}
	if !struck {
		t.Error("a withdrawn update is not struck through")
	}
}

func TestShort(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 0, "abc"},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ab cd", 4, "ab…"}, // the cut is trimmed
		{"héllo", 5, "héllo"},
		{"héllo wörld", 5, "héll…"},
		{"ééé", 3, "ééé"}, // 6 bytes, 3 characters
		{"éééé", 3, "éé…"},
		{"ab", 1, "…"},
		{"a", 1, "a"},
	} {
		if got := Short(c.s, c.n); got != c.want {
			t.Errorf("Short(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}
