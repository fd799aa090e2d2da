package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// The update form's text inputs.
const (
	inputProgress = "progress"
	inputStatus   = "status"
	inputNote     = "note"
)

// updateModal is the form a Form button opens: progress, status and note
// for the target its command names. Every field is optional, as in
// /target update; the command layer says what is wrong with the answers.
func updateModal(customID, command string) *discordgo.InteractionResponse {
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
				row(discordgo.TextInput{CustomID: inputProgress, Label: "Progress (0 to 100%)", Style: discordgo.TextInputShort, Placeholder: "40", MaxLength: 4}),
				row(discordgo.TextInput{CustomID: inputStatus, Label: "Status", Style: discordgo.TextInputShort, Placeholder: "on-track, at-risk, off-track or done", MaxLength: 20}),
				row(discordgo.TextInput{CustomID: inputNote, Label: "Note", Style: discordgo.TextInputParagraph, Placeholder: "What changed", MaxLength: 1000}),
			},
		},
	}
}

// modalText builds "<command> <n>% <status> -- <note>" from the fields
// that were filled in.
func modalText(command string, data discordgo.ModalSubmitInteractionData) string {
	values := map[string]string{}
	collectInputs(data.Components, values)
	words := []string{command}
	if p := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(values[inputProgress]), "%")); p != "" {
		words = append(words, p+"%")
	}
	if s := strings.TrimSpace(values[inputStatus]); s != "" {
		words = append(words, s)
	}
	if n := strings.TrimSpace(values[inputNote]); n != "" {
		words = append(words, "--", n)
	}
	return strings.Join(words, " ")
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
