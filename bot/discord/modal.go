package discord

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/commands"
)

// The update form's text inputs. Their custom ids are the names of the
// update verb's arguments, so the answers are its named arguments.
const (
	inputProgress = "progress"
	inputStatus   = "status"
	inputNote     = "note"
)

// updateModal is the form a Form button opens: progress, status and note
// for the target its command names. Every field is optional, as in
// /target update; the command layer says what is wrong with the answers.
// The limits are the update verb's own, from the command table.
func updateModal(customID, command string) *discordgo.InteractionResponse {
	update, _ := commands.LookupVerb("update")
	progress, _ := update.Arg(inputProgress)
	note, _ := update.Arg(inputNote)
	title := "Log an update"
	if f := strings.Fields(command); len(f) > 1 {
		title += ": " + f[1]
	}
	row := func(c discordgo.TextInput) discordgo.ActionsRow {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{c}}
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: customID,
			Title:    truncate(title, 45),
			Components: []discordgo.MessageComponent{
				row(discordgo.TextInput{CustomID: inputProgress, Label: "Progress (0 to 100%)", Style: discordgo.TextInputShort, Placeholder: "40", MaxLength: len(strconv.Itoa(progress.Max)) + len("%")}),
				row(discordgo.TextInput{CustomID: inputStatus, Label: "Status", Style: discordgo.TextInputShort, Placeholder: "on-track, at-risk, off-track or done", MaxLength: 20}),
				row(discordgo.TextInput{CustomID: inputNote, Label: "Note", Style: discordgo.TextInputParagraph, Placeholder: "What changed", MaxLength: note.MaxLen}),
			},
		},
	}
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
