package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// A chat that belongs to no workspace (a Teams 1:1 or group chat) runs
// in the user's current workspace, which `use` shows and picks through
// Request.Switcher. Without one there is nothing to run in.

// errNoWorkspace answers any command but help and use in a chat that is
// in no workspace yet.
var errNoWorkspace = framework.Errorf(framework.ENOTFOUND,
	"this chat is in no workspace yet: use targetbot in a team channel first, then `/target use` here picks that team")

// useVerb lists the workspaces the user may run this chat in, or picks
// one by its number or name.
func (h *Handler) useVerb(ctx context.Context, c *call) (bot.Reply, error) {
	pick := strings.TrimSpace(c.arg("workspace"))
	sw := c.req.Switcher
	if sw == nil {
		if c.req.Workspace == "" {
			return bot.Reply{}, errNoWorkspace
		}
		return ephemeral(fmt.Sprintf("This chat is in workspace %s, always: %s picks a workspace only in a Teams chat outside a team (a 1:1 or group chat).",
			code(c.req.Workspace), code("/target use"))), nil
	}
	choices, err := sw.Workspaces(ctx)
	if err != nil {
		return bot.Reply{}, &framework.Error{Code: framework.EUNAVAILABLE, Message: "your workspaces could not be read just now: try again shortly", Err: fmt.Errorf("commands: use: list workspaces: %w", err)}
	}
	if len(choices) == 0 {
		return bot.Reply{}, errNoWorkspace
	}
	if pick == "" {
		return listWorkspaces(choices), nil
	}
	i, err := pickWorkspace(choices, pick)
	if err != nil {
		return bot.Reply{}, err
	}
	ch := choices[i]
	if ch.Current {
		return ephemeral(fmt.Sprintf("This chat is already in %s.", workspaceName(ch))), nil
	}
	if err := sw.Use(ctx, ch.ID); err != nil {
		return bot.Reply{}, &framework.Error{Code: framework.EUNAVAILABLE, Message: "the workspace could not be switched just now: try again shortly", Err: fmt.Errorf("commands: use %s: %w", ch.ID, err)}
	}
	return ephemeral(fmt.Sprintf("This chat is now in %s: your commands here go to its targets.", workspaceName(ch))), nil
}

// listWorkspaces numbers the user's workspaces for `use <n>`.
func listWorkspaces(choices []bot.WorkspaceChoice) bot.Reply {
	lines := make([]string, len(choices))
	for i, ch := range choices {
		lines[i] = fmt.Sprintf("%d. %s", i+1, workspaceName(ch))
		if ch.Current {
			lines[i] += " (this chat's now)"
		}
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Title: "Your workspaces",
		Text: strings.Join(lines, "\n") + "\n" + code("/target use <n>") + " or " + code("/target use <name>") + " picks the one this chat runs in."}}}
}

// pickWorkspace finds the choice pick names: its number in the list, its
// name ignoring case, or its id.
func pickWorkspace(choices []bot.WorkspaceChoice, pick string) (int, error) {
	if n, err := strconv.Atoi(pick); err == nil {
		if n < 1 || n > len(choices) {
			return 0, framework.FieldErrorf("workspace", "there is no workspace %d: you belong to %s, numbered 1 to %d (see `/target use`)", n, plural(len(choices), "workspace"), len(choices))
		}
		return n - 1, nil
	}
	found := -1
	for i, ch := range choices {
		if strings.EqualFold(ch.Name, pick) || strings.EqualFold(ch.ID, pick) {
			if found >= 0 {
				return 0, framework.FieldErrorf("workspace", "more than one of your workspaces is called %s: pick it by its number (see `/target use`)", code(short(pick, 60)))
			}
			found = i
		}
	}
	if found < 0 {
		return 0, framework.FieldErrorf("workspace", "you belong to no workspace called %s: see `/target use` for yours", code(short(pick, 60)))
	}
	return found, nil
}

// workspaceName names a workspace choice: its name, or its id.
func workspaceName(ch bot.WorkspaceChoice) string {
	if ch.Name != "" {
		return bot.Bold(bot.Escape(ch.Name))
	}
	return code(ch.ID)
}
