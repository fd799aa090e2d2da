package teams

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// The update form's inputs. Their ids carry the form's number, since one
// card may hold a form per target and Adaptive Card input ids must be
// unique within a card.
const (
	inputProgress = "progress"
	inputStatus   = "status"
	inputNote     = "note"
	maxNote       = 1000
)

func inputID(name, form string) string { return name + "-" + form }

// formCommand builds "<command> <n>% <status> -- <note>" from a submitted
// update form, leaving out what was not filled in. "--" keeps a note that
// starts with a status word or a percentage a note. Teams sends inputs as
// strings; a number is accepted too.
func formCommand(cmd, form string, values map[string]any) string {
	str := func(name string) string {
		switch v := values[inputID(name, form)].(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	words := []string{cmd}
	if p := strings.TrimSpace(strings.TrimSuffix(str(inputProgress), "%")); p != "" {
		words = append(words, p+"%")
	}
	if s := str(inputStatus); s != "" {
		words = append(words, s)
	}
	if n := str(inputNote); n != "" {
		words = append(words, "--", n)
	}
	return strings.Join(words, " ")
}

// updateForm is the card an update button shows in place: progress,
// status and note, each optional as in /target update, and a Save button
// whose data names the command and the form. The command layer checks
// the answers and says what is wrong with them.
func updateForm(cmd, form string) map[string]any {
	choices := []map[string]any{}
	for _, st := range framework.Statuses {
		choices = append(choices, map[string]any{"title": view.Status(st), "value": string(st)})
	}
	target := ""
	if f := strings.Fields(cmd); len(f) > 1 {
		target = f[1]
	}
	return map[string]any{
		"type": "AdaptiveCard",
		"body": []any{
			textBlock(fmt.Sprintf("Log an update for %s", escapeMarkdown(target, true)), "Bolder"),
			map[string]any{"type": "Input.Number", "id": inputID(inputProgress, form), "label": "Progress (0 to 100%)",
				"min": 0, "max": 100, "placeholder": "40"},
			map[string]any{"type": "Input.ChoiceSet", "id": inputID(inputStatus, form), "label": "Status",
				"style": "compact", "placeholder": "No change", "choices": choices},
			map[string]any{"type": "Input.Text", "id": inputID(inputNote, form), "label": "Note",
				"isMultiline": true, "maxLength": maxNote, "placeholder": "What changed?"},
		},
		"actions": []any{map[string]any{
			"type": "Action.Submit", "title": "Save", "style": "positive",
			"data": submission{Command: cmd, Form: form},
		}},
	}
}
