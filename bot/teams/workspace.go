package teams

import (
	"fmt"
	"strings"
)

// WorkspaceMode says what one Teams workspace is: a team, or a whole
// tenant. NHSmail is one tenant shared by most NHS organisations, so a
// tenant is not an organisation, and a team is the default.
type WorkspaceMode string

// The workspace modes (TEAMS_WORKSPACE).
const (
	// WorkspaceTeam makes each team its own workspace,
	// "teams:<tenant id>/<team id>". A 1:1 or group chat runs in the
	// user's current workspace: the last team they used the bot in, or
	// that reminded them, or the one they picked with `use`.
	WorkspaceTeam WorkspaceMode = "team"
	// WorkspaceTenant makes the whole tenant one workspace,
	// "teams:<tenant id>", for a tenant that is one organisation.
	WorkspaceTenant WorkspaceMode = "tenant"
)

// ParseWorkspaceMode reads a TEAMS_WORKSPACE value: "team" or "tenant",
// in any case; "" is WorkspaceTeam.
func ParseWorkspaceMode(s string) (WorkspaceMode, error) {
	switch m := WorkspaceMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return WorkspaceTeam, nil
	case WorkspaceTeam, WorkspaceTenant:
		return m, nil
	}
	return "", fmt.Errorf("teams: TEAMS_WORKSPACE %q is neither team (each team its own workspace, the default) nor tenant (the whole tenant one workspace)", s)
}

// canonical is the form GUIDs (tenant, team and user ids) take in
// workspace and user ids: Teams writes them in either case, and one
// user or team must be one id whichever it used.
func canonical(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// tenantWorkspace is the workspace of a whole tenant ("teams:<tenant>").
func tenantWorkspace(tenant string) string { return "teams:" + canonical(tenant) }

// teamWorkspace is the workspace of one team of a tenant.
func teamWorkspace(tenant, team string) string {
	return tenantWorkspace(tenant) + "/" + canonical(team)
}

// usersWorkspace is where the adapter keeps what it knows of a tenant's
// users across teams (their teams, their current workspace): a place of
// its own, not any team's, so that neither moving a team's workspace
// (`targetbot workspace rename`) nor a team's dump carries another
// team's memberships. A team id starts "19:", so it cannot collide.
func usersWorkspace(tenant string) string { return tenantWorkspace(tenant) + "/users" }

// tenantOf is the tenant id in a "teams:<tenant>" or
// "teams:<tenant>/<team>" workspace.
func tenantOf(ws string) string {
	t, _, _ := strings.Cut(strings.TrimPrefix(ws, "teams:"), "/")
	return t
}

// inTenant reports whether ws is a team workspace of tenant.
func inTenant(ws, tenant string) bool {
	rest, ok := strings.CutPrefix(ws, tenantWorkspace(tenant)+"/")
	return ok && rest != "" && rest != "users"
}

// workspaceOf is the workspace an activity belongs to by where it came
// from, and whether it is fixed by that: in a team's channel (or the
// whole tenant, in tenant mode) it is; in a 1:1 or group chat under the
// team mode it is not, and the user's current workspace applies.
func (a *Adapter) workspaceOf(act *activity) (ws string, fixed bool) {
	tenant := act.tenant()
	if a.opts.Workspace == WorkspaceTenant {
		return tenantWorkspace(tenant), true
	}
	if team := act.ChannelData.Team.ID; team != "" {
		return teamWorkspace(tenant, team), true
	}
	return "", false
}
