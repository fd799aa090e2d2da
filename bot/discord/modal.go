package discord

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// formModal is the modal a Form button opens: the form the command layer
// declares for the button's command, titled with the target the command
// names. Every field is optional, as the command's arguments are; the
// command layer says what is wrong with the answers. Each input's custom
// id is the name of the argument it answers, so the answers are named
// arguments.
func formModal(customID, command string, f bot.Form) *discordgo.InteractionResponse {
	title := f.Title
	if words := strings.Fields(command); len(words) > 1 {
		title += ": " + words[1]
	}
	rows := make([]discordgo.MessageComponent, 0, len(f.Fields))
	for _, field := range f.Fields {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{textInput(field)}})
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID:   customID,
			Title:      truncate(title, 45),
			Components: rows,
		},
	}
}

// textInput is a form field as a text input, the one input a Discord
// modal offers, allowing what the field's argument takes: a number up to
// its Max with room for a % sign, which people type after progress; one
// of its choices, listed in place of a menu; or text of its MaxLen, over
// several lines for the rest of a line.
func textInput(f bot.FormField) discordgo.TextInput {
	in := discordgo.TextInput{CustomID: f.Name, Label: f.Label, Style: discordgo.TextInputShort, Placeholder: f.Placeholder, MaxLength: f.MaxLen}
	switch f.Kind {
	case bot.ArgInteger:
		in.MaxLength = len(strconv.Itoa(f.Max)) + len("%")
	case bot.ArgChoice:
		values := f.ChoiceValues()
		in.Placeholder, in.MaxLength = orList(values), 0
		for _, v := range values {
			in.MaxLength = max(in.MaxLength, len(v))
		}
	}
	if f.Rest {
		in.Style = discordgo.TextInputParagraph
	}
	return in
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// modalAnswers returns the form's answers by input id, which is the
// argument each answers.
func modalAnswers(data discordgo.ModalSubmitInteractionData) map[string]string {
	values := map[string]string{}
	collectInputs(data.Components, values)
	return values
}

// collectInputs gathers text input values by custom id, through action
// rows, whichever way discordgo decoded them.
func collectInputs(cs []discordgo.MessageComponent, into map[string]string) {
	for _, c := range cs {
		switch c := c.(type) {
		case *discordgo.ActionsRow:
			if c != nil {
				collectInputs(c.Components, into)
			}
		case discordgo.ActionsRow:
			collectInputs(c.Components, into)
		case *discordgo.TextInput:
			if c != nil {
				into[c.CustomID] = c.Value
			}
		case discordgo.TextInput:
			into[c.CustomID] = c.Value
		}
	}
}
