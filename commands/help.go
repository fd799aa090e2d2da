package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// helpIntro is what targetbot is for, as help and the welcome open.
const helpIntro = "Track your team's targets"

// usage formats a verb's usage and examples for help and usage errors.
func usage(v VerbInfo, now time.Time) string {
	var b strings.Builder
	b.WriteString(code("/target "+v.Usage) + "\n" + v.Summary + ". Who: " + v.Access + ".\nExamples:")
	for _, e := range v.ExamplesAt(now) {
		b.WriteString("\n• " + code("/target "+e))
	}
	return b.String()
}

// usageError is an EINVALID error that says what was wrong and then shows
// the verb's usage.
func usageError(verb, field, problem string) error {
	v, _ := verbInfo(verb)
	return &framework.Error{Code: framework.EINVALID, Field: field, Message: problem + "\n" + usage(v, time.Now())}
}

// labelsNote says what each offered framework calls its objectives and
// targets, where that is not "objectives and targets": help speaks of
// targets, and each framework's own words are these.
func (h *Handler) labelsNote() string {
	var parts []string
	for _, f := range h.frameworks {
		if f.ObjectiveLabel() != "objective" || f.TargetLabel() != "target" {
			parts = append(parts, fmt.Sprintf("%s has %ss and %ss", code(f.ID), f.ObjectiveLabel(), f.TargetLabel()))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Frameworks name their objectives and targets in their own words: " + strings.Join(parts, "; ") + "."
}

// help lists the verbs, or explains one.
func (h *Handler) help(_ context.Context, c *call) (bot.Reply, error) {
	if c.args.len() > 1 {
		return bot.Reply{}, usageError("help", "", "help takes at most one verb")
	}
	if name := strings.ToLower(c.arg("verb")); name != "" {
		v, ok := verbInfo(name)
		if !ok {
			return bot.Reply{}, framework.Errorf(framework.EINVALID, "there is no verb %s: see `/target help` for the list", code(short(name, 40)))
		}
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "/target " + v.Name, Text: usage(v, c.now)}}}, nil
	}
	var b strings.Builder
	b.WriteString(helpIntro + ". Use `/target <verb>`:")
	for _, v := range verbInfos {
		b.WriteString("\n• " + code(v.Usage) + ": " + v.Summary)
		if v.Access != "anyone" {
			b.WriteString(" (" + v.Access + ")")
		}
	}
	b.WriteString("\nTargets are written `eds-2022/1A`, or just `1A` when only one framework has that code. `/target help <verb>` shows examples.")
	if labels := h.labelsNote(); labels != "" {
		b.WriteString("\n" + labels)
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "targetbot commands", Text: b.String()}}}, nil
}

// suggestVerb returns the verb closest to a mistyped one, or "".
func suggestVerb(s string) string {
	best, bestD := "", 3
	for _, v := range verbInfos {
		if d := framework.EditDistance(s, v.Name); d < bestD {
			best, bestD = v.Name, d
		}
	}
	return best
}
