package teams

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// An input's id carries its form's number after its field's name, since
// one card may hold a form per target and Adaptive Card input ids must be
// unique within a card.
func inputID(name, form string) string { return name + "-" + form }

// formCard is the card a form button shows in place: the form's fields,
// each optional as the command's arguments are, and a submit button whose
// data names the command, the form and the workspace. Each input allows what its
// argument takes: a number within its bounds, a menu of its choices with
// their labels, or text of its length, over several lines for the rest
// of a line. The command layer checks the answers and says what is wrong
// with them.
func formCard(cmd, form, ws string, f bot.Form) map[string]any {
	target := ""
	if words := strings.Fields(cmd); len(words) > 1 {
		target = words[1]
	}
	body := []any{textBlock(fmt.Sprintf("%s for %s", f.Title, escapeMarkdown(target, true)), "Bolder")}
	for _, ff := range f.Fields {
		in := map[string]any{"id": inputID(ff.Name, form), "label": ff.Label, "placeholder": ff.Placeholder}
		switch ff.Kind {
		case bot.ArgInteger:
			in["type"], in["min"], in["max"] = "Input.Number", ff.Min, ff.Max
		case bot.ArgChoice:
			choices := make([]map[string]any, len(ff.Choices))
			for i, c := range ff.Choices {
				choices[i] = map[string]any{"title": c.Label, "value": c.Value}
			}
			in["type"], in["style"], in["choices"] = "Input.ChoiceSet", "compact", choices
		default:
			in["type"], in["isMultiline"] = "Input.Text", ff.Rest
			if ff.MaxLen > 0 {
				in["maxLength"] = ff.MaxLen
			}
		}
		body = append(body, in)
	}
	return map[string]any{
		"type": "AdaptiveCard",
		"body": body,
		"actions": []any{map[string]any{
			"type": "Action.Submit", "title": f.Submit, "style": "positive",
			"data": submission{Command: cmd, Form: form, Workspace: ws},
		}},
	}
}

// formAnswers reads the answers to form number form of a submitted card,
// keyed by field name, which is the argument each answers. Teams sends
// inputs as strings; a number is taken too.
func formAnswers(f bot.Form, form string, values map[string]any) map[string]string {
	answers := map[string]string{}
	for _, ff := range f.Fields {
		switch v := values[inputID(ff.Name, form)].(type) {
		case string:
			answers[ff.Name] = v
		case float64:
			answers[ff.Name] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return answers
}
