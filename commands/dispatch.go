package commands

import (
	"context"

	"github.com/targetbot/targetbot/bot"
)

// runFunc runs one verb. Errors are *framework.Error values; Handle turns
// them into replies.
type runFunc func(h *Handler, ctx context.Context, c *call) (bot.Reply, error)

// dispatch returns the code for a verb, or nil for an unknown one.
func dispatch(verb string) runFunc {
	switch verb {
	case "help":
		return (*Handler).help
	case "frameworks":
		return (*Handler).frameworksVerb
	case "import":
		return (*Handler).importVerb
	case "list":
		return (*Handler).list
	case "show":
		return (*Handler).show
	case "update":
		return (*Handler).update
	case "rate":
		return (*Handler).rate
	case "assign":
		return (*Handler).assign
	case "due":
		return (*Handler).due
	case "add":
		return (*Handler).add
	case "history":
		return (*Handler).history
	case "undo":
		return (*Handler).undo
	case "snooze":
		return (*Handler).snooze
	case "digest":
		return (*Handler).digestVerb
	case "timezone":
		return (*Handler).timezone
	case "reminders":
		return (*Handler).reminders
	}
	return nil
}
