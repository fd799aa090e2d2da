package teams

import (
	"context"
	"errors"
	"fmt"

	"github.com/targetbot/targetbot/bot"
)

// errNotYours is Use's answer for a workspace the user was never seen
// in; the command layer words what the user sees.
var errNotYours = errors.New("teams: not one of the user's workspaces")

// switcher is a 1:1 or group chat's bot.Switcher: the user's teams, as
// their record in adapter state lists them.
type switcher struct {
	a      *Adapter
	tenant string
	user   string // AAD object id
}

var _ bot.Switcher = (*switcher)(nil)

// Workspaces lists the user's teams in the order they were first seen,
// each with its name as Teams last gave it.
func (s *switcher) Workspaces(ctx context.Context) ([]bot.WorkspaceChoice, error) {
	rec, err := s.a.user(ctx, s.tenant, s.user)
	if err != nil {
		return nil, err
	}
	out := make([]bot.WorkspaceChoice, 0, len(rec.Teams))
	for _, ws := range rec.Teams {
		t, err := s.a.team(ctx, ws)
		if err != nil {
			return nil, err
		}
		out = append(out, bot.WorkspaceChoice{ID: ws, Name: t.Name, Current: ws == rec.Current})
	}
	return out, nil
}

// Use makes ws the user's current workspace.
func (s *switcher) Use(ctx context.Context, ws string) error {
	mine := false
	err := s.a.updateUser(ctx, s.tenant, s.user, func(r *userRecord) bool {
		if mine = r.has(ws); !mine {
			return false
		}
		changed := r.Current != ws
		r.Current = ws
		return changed
	})
	if err == nil && !mine {
		err = fmt.Errorf("%w: %s", errNotYours, ws)
	}
	return err
}

// member reports whether a user belongs to the team workspace ws: seen
// there, or on its roster, as the Connector says (and then recorded).
func (a *Adapter) member(ctx context.Context, tenant, aad, ws, serviceURL string) (bool, error) {
	if !inTenant(ws, tenant) {
		return false, nil
	}
	rec, err := a.user(ctx, tenant, aad)
	if err != nil {
		return false, err
	}
	if rec.has(ws) {
		return true, nil
	}
	t, err := a.team(ctx, ws)
	if err != nil || t.ID == "" {
		return false, err // a team the bot never saw has no roster to ask
	}
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	m, err := a.lookupMember(ctx, serviceURL, t.ID, aad)
	var se *statusError
	switch {
	case errors.As(err, &se) && (se.Status == 404 || se.Status == 403):
		// 404: not on the roster; 403: the bot has left the team, so
		// nobody can be confirmed a member of it.
		return false, nil
	case err != nil:
		return false, fmt.Errorf("teams: look %s up in the roster of %s: %w", aad, ws, err)
	}
	if canonical(m.AADObjectID) != canonical(aad) {
		return false, nil
	}
	a.seeUser(ctx, tenant, aad, ws, false)
	return true, nil
}
