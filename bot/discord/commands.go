package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// CommandName is the one application command the bot registers.
const CommandName = "target"

// option is the Discord option for one argument of a verb, typed as the
// command declares it: integers with their range, users as a user
// picker, flags as booleans, choices as a menu, text with its maximum
// length, and targets autocompleting.
func option(a bot.Arg) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: a.Name, Description: a.Description, Required: a.Required,
	}
	switch a.Kind {
	case bot.ArgInteger:
		o.Type, o.MinValue, o.MaxValue = discordgo.ApplicationCommandOptionInteger, ptr(float64(a.Min)), float64(a.Max)
	case bot.ArgUser:
		o.Type = discordgo.ApplicationCommandOptionUser
	case bot.ArgFlag:
		o.Type = discordgo.ApplicationCommandOptionBoolean
	case bot.ArgTarget:
		o.Autocomplete = true
	}
	for _, c := range a.Choices {
		// A choice is named by its value, which is what a user types.
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c.Value, Value: c.Value})
	}
	if o.Type == discordgo.ApplicationCommandOptionString {
		o.MaxLength = a.MaxLen
	}
	return o
}

func ptr[T any](v T) *T { return &v }

// description is a verb's summary as a subcommand description, saying
// who may run it unless anyone may. It is never cut: the limits test
// holds the table's summaries to Discord's 100 characters.
func description(v bot.Command) string {
	s := bot.PlainText(v.Summary) // Discord shows descriptions as plain text
	d := strings.ToUpper(s[:1]) + s[1:]
	if v.Access != "anyone" {
		d += " (" + v.Access + ")"
	}
	return d
}

// Commands returns the /target definition: one chat command with a
// subcommand per command lang declares, its arguments as typed options.
func Commands(lang bot.Language) []*discordgo.ApplicationCommand {
	vs := lang.Commands()
	subs := make([]*discordgo.ApplicationCommandOption, len(vs))
	for i, v := range vs {
		sub := &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: v.Name, Description: description(v),
		}
		for _, a := range v.Args {
			sub.Options = append(sub.Options, option(a))
		}
		subs[i] = sub
	}
	return []*discordgo.ApplicationCommand{{
		Type:        discordgo.ChatApplicationCommand,
		Name:        CommandName,
		Description: "Track framework targets: log progress, list, rate and assign",
		Contexts:    &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		Options:     subs,
	}}
}

// Register replaces the application's commands with /target in one bulk
// overwrite: in guildID when set (instant, for testing), globally when not.
// The commands are those the Handler declares through bot.Language.
func (a *Adapter) Register(ctx context.Context, guildID string) error {
	if a.token == "" || a.appID == "" {
		return errors.New("discord: register: set the bot token and the application id")
	}
	// An overwrite with no commands would remove /target: refuse rather.
	if a.lang == nil {
		return errors.New("discord: register: the handler declares no commands (it does not implement bot.Language)")
	}
	if _, err := a.session.ApplicationCommandBulkOverwrite(a.appID, guildID, Commands(a.lang), discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: register commands (guild %q): %w", guildID, err)
	}
	return nil
}
