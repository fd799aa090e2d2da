package bot

import "context"

// Switcher lets a user pick which of their workspaces a chat that belongs
// to none (a Teams 1:1 or group chat) runs in. An adapter sets
// Request.Switcher where the user can pick; the command layer's `use`
// verb reads it, and words every reply.
type Switcher interface {
	// Workspaces lists the workspaces the user belongs to (a team they
	// used the bot in, or that reminded them), with the current one
	// marked, in a stable order that `use <n>` numbers from 1.
	Workspaces(ctx context.Context) ([]WorkspaceChoice, error)
	// Use makes ws, one that Workspaces listed, the user's current
	// workspace.
	Use(ctx context.Context, ws string) error
}

// WorkspaceChoice is one workspace a user may switch to.
type WorkspaceChoice struct {
	ID      string // the workspace id, for example "teams:<tenant>/<team>"
	Name    string // the team's name as the platform gives it; "" when unknown
	Current bool
}

// Installer is implemented by Handlers that greet a workspace the bot
// was just added to. The adapter calls it when the platform says so (a
// Teams conversationUpdate adding the bot to a team), with the
// installing user as r.User; the handler makes them the workspace's
// first admin when it has none granted, and returns the welcome to post.
// Added to a chat that is no workspace (a Teams 1:1 or group chat), the
// adapter calls it with r.Workspace "": the handler then only greets.
type Installer interface {
	Installed(ctx context.Context, r Request) Reply
}
