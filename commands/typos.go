package commands

import (
	"strings"
	"unicode"

	"github.com/targetbot/targetbot/framework"
)

// Words that people write for a status but are not one. A note of just
// one of them was almost certainly meant as the status; a longer note
// that starts with one ("blocked by HR data") is a note.
var statusSynonyms = map[string]framework.Status{
	"blocked": framework.OffTrack, "stuck": framework.OffTrack, "late": framework.OffTrack,
	"behind": framework.AtRisk, "risk": framework.AtRisk, "risky": framework.AtRisk, "delayed": framework.AtRisk,
	"ok": framework.OnTrack, "fine": framework.OnTrack, "good": framework.OnTrack, "started": framework.OnTrack,
	"finished": framework.Done, "complete": framework.Done, "closed": framework.Done,
	"in-progress": framework.OnTrack, "inprogress": framework.OnTrack, "in progress": framework.OnTrack, "progressing": framework.OnTrack,
	"todo": framework.NotStarted, "to-do": framework.NotStarted, "pending": framework.NotStarted,
	// RAG colours, as many trusts report them.
	"green": framework.OnTrack, "amber": framework.AtRisk, "red": framework.OffTrack,
}

// misread returns a hint when the note that starts at word i of an
// update looks like a mistyped status or progress rather than a note:
// "on-trak", "40 %", "40%%", "٤٠%", or a one-word "blocked". ref names
// the target, so the hint can show the command that logs it as a note.
// It returns "" for a note that reads as a note.
func misread(a args, i int, ref string) string {
	first := a.at(i)
	note := a.from(i)
	asNote := func() string { return code("/target update " + ref + " -- " + short(note, 40)) }
	switch {
	case malformedProgress(first, a.at(i+1)):
		return code(short(first, 20)) + " looks like a progress, but progress is a whole number with a % sign, like `40%`. To log it as a note, write " + asNote()
	}
	// A slip of a short status ("dome") is only a slip when it is the
	// whole note: "gone to the board" is a sentence.
	if sts := nearStatuses(first); len(sts) > 0 && (len(sts[0]) > 5 || note == first) {
		names := make([]string, len(sts))
		for i, st := range sts {
			names[i] = code(string(st))
		}
		return "did you mean " + orList(names) + "? To log it as a note, write " + asNote()
	}
	if st, ok := statusSynonyms[strings.ToLower(note)]; ok {
		return code(note) + " is not a status: the statuses are " + statusNames("and") + " (did you mean " + code(string(st)) + "?). To log it as a note, write " + asNote()
	}
	return ""
}

// malformedProgress reports whether word (and the word after it) is a
// percentage written in a way progress does not take: "40 %", "40%%",
// "%40", or digits of another script ("٤٠%").
func malformedProgress(word, next string) bool {
	digits := strings.Trim(word, "%")
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return false
	}
	switch {
	case next == "%" && !strings.Contains(word, "%"):
		return true // "40 %"
	case strings.HasSuffix(word, "%%"), strings.HasPrefix(word, "%"):
		return true
	case strings.HasSuffix(word, "%") && strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
		return true // another script's digits
	}
	return false
}

// nearStatuses returns the statuses word is a typing slip of: those at
// the smallest edit distance from it, within two edits (one for short
// statuses), "of-track" giving both on-track and off-track.
func nearStatuses(word string) []framework.Status {
	if len(word) < 4 || len(word) > 16 {
		return nil
	}
	w := strings.ReplaceAll(strings.ToLower(word), "_", "-")
	var out []framework.Status
	best := 3
	for _, st := range framework.Statuses {
		limit := 2
		if len(st) <= 5 {
			limit = 1
		}
		if diff := len(w) - len(st); diff > limit || -diff > limit {
			continue // the distance is at least the difference in length
		}
		d := framework.EditDistance(w, string(st))
		if d == 0 || d > limit || d > best {
			continue
		}
		if d < best {
			best, out = d, nil
		}
		out = append(out, st)
	}
	return out
}
