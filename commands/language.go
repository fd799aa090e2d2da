package commands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// Language is the command language of the verb table, as bot declares it
// for adapters. It needs no store, so a program can register commands or
// write a manifest without a Handler; a Handler offers the same language
// through its own methods.
type Language struct{}

var (
	_ bot.Language = Language{}
	_ bot.Language = (*Handler)(nil)
)

// Commands declares every verb, in help order.
func (Language) Commands() []bot.Command {
	vs := verbs()
	out := make([]bot.Command, len(vs))
	for i := range vs {
		out[i] = vs[i].export().Command
	}
	return out
}

// Command declares the named verb; ok is false when there is none.
func (Language) Command(name string) (bot.Command, bool) {
	v, ok := LookupVerb(name)
	return v.Command, ok
}

// Form declares the form a Form button for command opens: the update
// form, for an update of the target command names.
func (Language) Form(command string) (bot.Form, bool) {
	name, rest := splitVerb(command)
	v := lookup(name)
	if v != nil && v.Name == "action" {
		return actionForm(v.export(), rest)
	}
	if v == nil || v.Name != "update" {
		return bot.Form{}, false
	}
	return updateForm(v.export()), true
}

// updateForm is the update form: progress, status and note, which are
// the update verb's own arguments, so the form takes exactly what the
// verb takes, on every platform.
func updateForm(v VerbInfo) bot.Form {
	field := func(name, label, placeholder string) bot.FormField {
		a, _ := v.Arg(name)
		return bot.FormField{Arg: a, Label: label, Placeholder: placeholder}
	}
	progress := field("progress", "", "40")
	progress.Label = fmt.Sprintf("Progress (%d to %d%%)", progress.Min, progress.Max)
	return bot.Form{Verb: v.Name, Title: "Log an update", Submit: "Save", Fields: []bot.FormField{
		progress,
		field("status", "Status", "No change"),
		field("note", "Note", "What changed?"),
	}}
}

// FormArgs turns a form into the Verb and Args of a structured request.
// The command of the button that opened the form, such as
// "update eds/1.1", names the verb and its first arguments, in the order
// text gives them; the answers, keyed by argument name, add the rest.
// Blank answers are left out. ok is false when the command names no verb
// or has more words than the verb takes.
func (Language) FormArgs(command string, answers map[string]string) (verb string, args map[string]string, ok bool) {
	name, rest := splitVerb(command)
	v := lookup(name)
	if v == nil {
		return "", nil, false
	}
	words := tokenize(rest)
	args = map[string]string{}
	used := 0
	for _, a := range v.positional() {
		if used == words.len() {
			break
		}
		if a.Rest {
			args[a.Name], used = words.from(used), words.len()
			break
		}
		args[a.Name] = words.at(used)
		used++
	}
	if used < words.len() {
		return "", nil, false
	}
	for k, val := range answers {
		if strings.TrimSpace(val) != "" {
			args[k] = val
		}
	}
	return v.Name, args, true
}

// Commands declares every verb, in help order (see Language).
func (h *Handler) Commands() []bot.Command { return Language{}.Commands() }

// Command declares the named verb (see Language).
func (h *Handler) Command(name string) (bot.Command, bool) { return Language{}.Command(name) }

// Form declares the form a Form button for command opens (see Language).
func (h *Handler) Form(command string) (bot.Form, bool) { return Language{}.Form(command) }

// FormArgs turns a form into a structured request (see Language).
func (h *Handler) FormArgs(command string, answers map[string]string) (string, map[string]string, bool) {
	return Language{}.FormArgs(command, answers)
}

// export copies a verb's declaration for a caller outside the package:
// its own slices, and no code.
func (v VerbInfo) export() VerbInfo {
	v.run = nil
	v.Examples = slices.Clone(v.Examples)
	v.Args = slices.Clone(v.Args)
	for i := range v.Args {
		v.Args[i].Choices = slices.Clone(v.Args[i].Choices)
	}
	return v
}
