package discord

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/framework"
)

// CommandName is the one application command the bot registers.
const CommandName = "target"

// verb is one subcommand of /target. Its options are listed in the order
// the command layer parses its words, and commandText relies on that
// order; Discord also requires required options before optional ones,
// which the grammar already satisfies.
type verb struct {
	name, description string
	// query verbs only read; their deferred answers are ephemeral.
	query   bool
	options []*discordgo.ApplicationCommandOption
}

func targetOption() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: "target", Required: true, Autocomplete: true,
		Description: "The target, for example eds/1.1 or nhse-2024-26/5.2",
	}
}

func stringOption(name, description string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: description, Required: required}
}

func choices[T ~string](values []T) []*discordgo.ApplicationCommandOptionChoice {
	out := make([]*discordgo.ApplicationCommandOptionChoice, len(values))
	for i, v := range values {
		out[i] = &discordgo.ApplicationCommandOptionChoice{Name: string(v), Value: string(v)}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// verbs is the command language of DESIGN.md section 4, as subcommands.
func verbs() []verb {
	statuses := stringOption("status", "The target's status", false)
	statuses.Choices = choices(framework.Statuses)
	grade := stringOption("grade", "The EDS grade", true)
	grade.Choices = choices(append(slices.Clone(framework.Ratings), "none"))
	action := stringOption("action", "here: post digests in this channel; off: stop them; now: post one now", true)
	action.Choices = choices([]string{"here", "off", "now"})
	vs := []verb{
		{name: "help", description: "List the commands, or show how to use one", query: true,
			options: []*discordgo.ApplicationCommandOption{stringOption("verb", "The command to explain", false)}},
		{name: "frameworks", description: "Built-in and custom frameworks, and which are imported here", query: true},
		{name: "import", description: "Admin: copy a framework's objectives and targets into this server",
			options: []*discordgo.ApplicationCommandOption{stringOption("framework", "The framework id, for example eds", true)}},
		{name: "list", description: "List targets: all, by objective, mine, overdue, at-risk or @user", query: true,
			options: []*discordgo.ApplicationCommandOption{stringOption("filter", "An objective, mine, overdue, at-risk or @user", false)}},
		{name: "show", description: "A target's owner, due date, status, progress, rating and last updates", query: true,
			options: []*discordgo.ApplicationCommandOption{targetOption()}},
		{name: "update", description: "Log progress on a target", options: []*discordgo.ApplicationCommandOption{
			targetOption(),
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "progress", Description: "Progress, 0 to 100 percent", MinValue: ptr(0.0), MaxValue: 100},
			statuses,
			stringOption("note", "What changed", false),
		}},
		{name: "rate", description: "Admin or owner: give a target its EDS grade",
			options: []*discordgo.ApplicationCommandOption{targetOption(), grade}},
		{name: "assign", description: "Admin: make someone a target's owner, or clear it", options: []*discordgo.ApplicationCommandOption{
			targetOption(),
			{Type: discordgo.ApplicationCommandOptionUser, Name: "user", Description: "The new owner"},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "unassign", Description: "Leave the target with no owner"},
		}},
		{name: "due", description: "Admin or owner: set or clear a target's due date", options: []*discordgo.ApplicationCommandOption{
			targetOption(), stringOption("date", "YYYY-MM-DD, or none to clear it", true),
		}},
		{name: "add", description: "Admin: add a custom target under an objective", options: []*discordgo.ApplicationCommandOption{
			stringOption("objective", "The objective, for example eds/1", true),
			stringOption("code", "The new target's code, for example 1.9", true),
			stringOption("title", "The new target's title", true),
		}},
		{name: "history", description: "A target's updates, newest first", query: true, options: []*discordgo.ApplicationCommandOption{
			targetOption(),
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "count", Description: "How many updates to show", MinValue: ptr(1.0), MaxValue: 50},
		}},
		{name: "undo", description: "Withdraw your own last update, within 15 minutes"},
		{name: "snooze", description: "Owner or admin: no reminders for a target until a date", options: []*discordgo.ApplicationCommandOption{
			targetOption(),
			stringOption("until", "7d, 2w or YYYY-MM-DD", true),
			stringOption("reason", "Why, for the record", false),
		}},
		{name: "digest", description: "Admin: post digests in this channel, stop them, or post one now", options: []*discordgo.ApplicationCommandOption{
			action,
			stringOption("cron", `With "here": a cron schedule, default "0 9 * * MON"`, false),
		}},
		{name: "timezone", description: "Show the time zone, or set it (admin)",
			options: []*discordgo.ApplicationCommandOption{stringOption("name", "An IANA name, for example Europe/London", false)}},
		{name: "reminders", description: "Show when overdue owners are reminded, or set it (admin)",
			options: []*discordgo.ApplicationCommandOption{stringOption("cron", `A cron schedule such as "0 9 * * MON-FRI", or default`, false)}},
	}
	// help can name any verb, and choices make that a menu.
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.name
	}
	vs[0].options[0].Choices = choices(names)
	return vs
}

// lookupVerb returns the definition of the named verb.
func lookupVerb(name string) (verb, bool) {
	for _, v := range verbs() {
		if v.name == name {
			return v, true
		}
	}
	return verb{}, false
}

// Commands returns the /target definition: one chat command with a
// subcommand per verb, typed options and autocompleting targets.
func Commands() []*discordgo.ApplicationCommand {
	vs := verbs()
	subs := make([]*discordgo.ApplicationCommandOption, len(vs))
	for i, v := range vs {
		subs[i] = &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: v.name, Description: v.description, Options: v.options,
		}
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
func (a *Adapter) Register(ctx context.Context, guildID string) error {
	if a.token == "" || a.appID == "" {
		return errors.New("discord: register: set the bot token and the application id")
	}
	if _, err := a.session.ApplicationCommandBulkOverwrite(a.appID, guildID, Commands(), discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("discord: register commands (guild %q): %w", guildID, err)
	}
	return nil
}
