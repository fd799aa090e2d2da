package commands

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// token is one whitespace-separated word and where it starts in the text,
// so a verb can take the rest of the line verbatim (notes, titles).
type token struct {
	text  string
	start int
}

// args is the text after the verb, split into words.
type args struct {
	raw    string
	tokens []token
}

// splitVerb strips an optional leading "/target", and returns the verb in
// lower case and the text after it.
func splitVerb(text string) (verb, rest string) {
	text = strings.TrimSpace(text)
	if first, after, _ := cutWord(text); strings.EqualFold(first, "/target") {
		text = after
	}
	verb, rest, _ = cutWord(text)
	return strings.ToLower(verb), rest
}

// withoutControls drops control characters other than newline and tab
// (C0, DEL and C1: bells, terminal escapes) from everything typed, so no
// note or title stored can ring a bell or recolour a terminal later.
func withoutControls(r bot.Request) bot.Request {
	r.Text = dropControls(r.Text)
	if len(r.Args) > 0 {
		args := make(map[string]string, len(r.Args))
		for k, v := range r.Args {
			args[k] = dropControls(v)
		}
		r.Args = args
	}
	return r
}

func dropControls(s string) string {
	isControl := func(r rune) bool {
		return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f)
	}
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// cutWord splits s at its first run of white space.
func cutWord(s string) (word, rest string, ok bool) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, "", s != ""
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace), true
}

// tokenize splits s into words at white space, remembering offsets.
func tokenize(s string) args {
	// Room for a word after each space, so the slice is made once.
	a := args{raw: s, tokens: make([]token, 0, strings.Count(s, " ")+1)}
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsSpace(r) && start >= 0:
			a.tokens = append(a.tokens, token{s[start:i], start})
			start = -1
		case !unicode.IsSpace(r) && start < 0:
			start = i
		}
	}
	if start >= 0 {
		a.tokens = append(a.tokens, token{s[start:], start})
	}
	return a
}

// len is the number of words.
func (a args) len() int { return len(a.tokens) }

// at returns word i, or "" past the end.
func (a args) at(i int) string {
	if i < 0 || i >= len(a.tokens) {
		return ""
	}
	return a.tokens[i].text
}

// from returns the text from word i to the end, verbatim apart from
// leading and trailing white space; "" past the end.
func (a args) from(i int) string {
	if i < 0 || i >= len(a.tokens) {
		return ""
	}
	return strings.TrimSpace(a.raw[a.tokens[i].start:])
}

// after returns the text after word i, verbatim apart from leading and
// trailing white space.
func (a args) after(i int) string {
	if i < 0 || i >= len(a.tokens) {
		return ""
	}
	t := a.tokens[i]
	return strings.TrimSpace(a.raw[t.start+len(t.text):])
}

// looksLikeProgress reports whether a word was meant as a percentage:
// it ends in % and the rest is a number, well formed or not.
func looksLikeProgress(s string) bool {
	n, ok := strings.CutSuffix(s, "%")
	return ok && n != "" && isNumberish(n)
}

// isNumberish reports whether s is a signed decimal number, so that "40",
// "-5" and "40.5" are all taken as attempts at a progress value.
func isNumberish(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if s == "" {
		return false
	}
	dots := 0
	for _, r := range s {
		switch {
		case r == '.':
			dots++
		case r < '0' || r > '9':
			return false
		}
	}
	return dots <= 1 && s != "."
}

// parseProgress parses "40%" or "40" as a whole percentage from 0 to 100.
func parseProgress(s string) (int, error) {
	n := strings.TrimSuffix(s, "%")
	v, err := strconv.Atoi(n)
	if err != nil || v < 0 || v > 100 || strings.HasPrefix(n, "+") {
		return 0, framework.FieldErrorf("progress", "progress %s must be a whole number from 0 to 100 with a %% sign, for example `40%%`", code(short(s, 20)))
	}
	return v, nil
}

// parseStatus parses one word as a status; it also takes "on_track" and
// "ontrack".
func parseStatus(s string) (framework.Status, bool) {
	if st, ok := framework.ParseStatus(s); ok {
		return st, true
	}
	switch strings.ToLower(s) {
	case "ontrack":
		return framework.OnTrack, true
	case "atrisk":
		return framework.AtRisk, true
	case "offtrack":
		return framework.OffTrack, true
	case "notstarted":
		return framework.NotStarted, true
	case "complete", "completed", "finished":
		return framework.Done, true
	}
	return "", false
}

// statusNames lists the statuses in order, joined by sep, the last two
// by it as a word ("on-track, at-risk or done") unless it is "|".
func statusNames(sep string) string {
	names := make([]string, len(framework.Statuses))
	for i, st := range framework.Statuses {
		names[i] = string(st)
	}
	if sep == "|" {
		return strings.Join(names, "|")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + sep + " " + names[len(names)-1]
}

// parseMention normalises a user reference to its platform id: Slack's
// <@U123> and <@U123|name>, Discord's <@123> and <@!123>, and a plain
// @name (the console's users). ok is false for anything else.
func parseMention(s string) (id string, ok bool) {
	if inner, found := strings.CutPrefix(s, "<@"); found {
		inner, found = strings.CutSuffix(inner, ">")
		if !found {
			return "", false
		}
		inner = strings.TrimPrefix(inner, "!")
		if i := strings.IndexByte(inner, '|'); i >= 0 {
			inner = inner[:i]
		}
		return inner, validUserID(inner)
	}
	if inner, found := strings.CutPrefix(s, "@"); found {
		return inner, validUserID(inner)
	}
	return "", false
}

// validUserID accepts the characters platform user ids and console user
// names are made of.
func validUserID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-", r)) {
			return false
		}
	}
	return true
}

// checkText validates free text (notes, titles, reasons): valid UTF-8 and
// at most limit characters.
func checkText(field, what, s string, limit int) error {
	if !utf8.ValidString(s) {
		return framework.FieldErrorf(field, "the %s is not valid text: retype it", what)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return framework.FieldErrorf(field, "the %s is %d characters long: keep it to %d", what, n, limit)
	}
	return nil
}
