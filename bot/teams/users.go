package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// What the adapter remembers of users and teams, in adapter state
// (Options.State), and how long this process trusts its copy.
const (
	// teamKey is the adapter-state key, in a team's workspace, of the
	// team's Teams id and name (teamInfo).
	teamKey = "teams:team"
	// maxUserTeams bounds the teams a user's record lists, so it stays
	// far under the store's value limit; the oldest is forgotten first
	// (it comes back the next time they use the bot there).
	maxUserTeams = 20
	// userTTL is how long a user's record is read from this process's
	// copy. Another replica's `use` reaches this one within it; until
	// then a request costs no extra read.
	userTTL = 30 * time.Second
	// teamTTL is how long a team's id and name are trusted; a name seen
	// changed is written at once.
	teamTTL = time.Hour
	// memoryTTL is how long records live when there is no State.
	memoryTTL = 24 * time.Hour
)

// userKey is the adapter-state key, in the tenant's usersWorkspace, of
// one user's record.
func userKey(aad string) string { return "teams:user:" + canonical(aad) }

// userRecord is what the adapter knows of one user: the team workspaces
// they were seen in, in the order first seen (the order `use` numbers),
// and the one their 1:1 and group chats run in.
type userRecord struct {
	Current string   `json:"current,omitempty"`
	Teams   []string `json:"teams,omitempty"`
}

// has reports whether ws is one of the user's teams.
func (r userRecord) has(ws string) bool { return slices.Contains(r.Teams, ws) }

// teamInfo is a team's Teams id, as Teams writes it (the Connector
// needs it to read the roster; the workspace id has it in lower case),
// and its name as Teams gives it.
type teamInfo struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// user reads a user's record: this process's copy while fresh, else the
// store's. A record the store cannot give, or that does not parse, is
// empty: the user is then asked to use the bot in a team first.
func (a *Adapter) user(ctx context.Context, tenant, aad string) (userRecord, error) {
	key := tenant + "/" + canonical(aad)
	if rec, ok := a.users.Get(key, a.now()); ok {
		return rec, nil
	}
	var rec userRecord
	if a.opts.State == nil {
		return rec, nil
	}
	raw, err := a.opts.State.AdapterState(ctx, usersWorkspace(tenant), userKey(aad))
	if err != nil {
		return rec, fmt.Errorf("teams: read what is known of user %s: %w", aad, err)
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			a.log.Warn("teams: a user's record does not parse; starting afresh", "user", aad, "err", err)
			rec = userRecord{}
		}
	}
	// A record may have come from an edited dump: keep only this
	// tenant's team workspaces.
	rec.Teams = slices.DeleteFunc(rec.Teams, func(ws string) bool { return !inTenant(ws, tenant) })
	if !rec.has(rec.Current) {
		rec.Current = ""
	}
	a.users.Put(key, rec, a.now().Add(userTTL))
	return rec, nil
}

// updateUser changes a user's record with edit, which reports whether
// it changed anything, and keeps it when it did.
func (a *Adapter) updateUser(ctx context.Context, tenant, aad string, edit func(*userRecord) bool) error {
	unlock := a.userLocks.Lock(tenant + "/" + canonical(aad))
	defer unlock()
	// Read the store's record, not this process's copy: another replica
	// may have changed it since (a team left), and writing a stale copy
	// back would undo that.
	if a.opts.State != nil {
		a.users.Put(tenant+"/"+canonical(aad), userRecord{}, a.now())
	}
	rec, err := a.user(ctx, tenant, aad)
	if err != nil {
		return err
	}
	rec.Teams = slices.Clone(rec.Teams) // the cached copy is shared
	if !edit(&rec) {
		return nil
	}
	ttl := memoryTTL
	if a.opts.State != nil {
		ttl = userTTL
		b, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("teams: encode the record of user %s: %w", aad, err)
		}
		if err := a.opts.State.PutAdapterState(ctx, usersWorkspace(tenant), userKey(aad), string(b)); err != nil {
			a.users.Put(tenant+"/"+canonical(aad), userRecord{}, a.now()) // read it afresh next time
			return fmt.Errorf("teams: keep the record of user %s: %w", aad, err)
		}
	}
	a.users.Put(tenant+"/"+canonical(aad), rec, a.now().Add(ttl))
	return nil
}

// seeUser records that a user belongs to the team workspace ws, and,
// when current, that their chats run there from now on. A failure is
// logged: it costs the user their chats' workspace, not the command.
func (a *Adapter) seeUser(ctx context.Context, tenant, aad, ws string, current bool) {
	if aad == "" || !inTenant(ws, tenant) {
		return
	}
	err := a.updateUser(ctx, tenant, aad, func(r *userRecord) bool {
		changed := false
		if !r.has(ws) {
			r.Teams = append(r.Teams, ws)
			for len(r.Teams) > maxUserTeams {
				i := 0
				if r.Teams[0] == r.Current {
					i = 1
				}
				r.Teams = slices.Delete(r.Teams, i, i+1)
			}
			changed = true
		}
		if (current || r.Current == "") && r.Current != ws {
			r.Current, changed = ws, true
		}
		return changed
	})
	if err != nil {
		a.log.Warn("teams: could not record a user's team", "workspace", ws, "user", aad, "err", err)
	}
}

// team reads a team's id and name: this process's copy while fresh,
// else the store's.
func (a *Adapter) team(ctx context.Context, ws string) (teamInfo, error) {
	if t, ok := a.teams.Get(ws, a.now()); ok {
		return t, nil
	}
	var t teamInfo
	if a.opts.State == nil {
		return t, nil
	}
	raw, err := a.opts.State.AdapterState(ctx, ws, teamKey)
	if err != nil {
		return t, fmt.Errorf("teams: read the team of %s: %w", ws, err)
	}
	if raw != "" && json.Unmarshal([]byte(raw), &t) != nil {
		t = teamInfo{}
	}
	// The id is trusted only as the team the workspace names.
	if canonical(t.ID) != strings.TrimPrefix(ws, tenantWorkspace(tenantOf(ws))+"/") {
		t.ID = ""
	}
	a.teams.Put(ws, t, a.now().Add(teamTTL))
	return t, nil
}

// seeTeam records a team's id as Teams writes it and its name, when
// given and changed. A failure is logged: it costs `use` the name.
func (a *Adapter) seeTeam(ctx context.Context, ws, id, name string) {
	name = strings.TrimSpace(name)
	old, err := a.team(ctx, ws)
	if err != nil {
		a.log.Warn("teams: could not read a team's name", "workspace", ws, "err", err)
	}
	t := teamInfo{ID: id, Name: first(name, old.Name)}
	if t == old {
		return
	}
	ttl := memoryTTL
	if a.opts.State != nil {
		ttl = teamTTL
		b, err := json.Marshal(t)
		if err == nil {
			err = a.opts.State.PutAdapterState(ctx, ws, teamKey, string(b))
		}
		if err != nil {
			a.log.Warn("teams: could not keep a team's name", "workspace", ws, "err", err)
			return
		}
	}
	a.teams.Put(ws, t, a.now().Add(ttl))
	if old.ID == "" {
		// Admins need the id to move an older workspace to the team.
		a.log.Info("teams: a team's workspace", "workspace", ws, "team", t.Name)
	}
}

// membership records a team's changes of membership that Teams tells the
// bot of: a user added is a member, and a user removed is no longer one,
// so their chats and the team's cards stop running there for them.
func (a *Adapter) membership(ctx context.Context, ws string, fixed bool, act *activity) {
	tenant := act.tenant()
	if !fixed || act.ChannelData.Team.ID == "" || !inTenant(ws, tenant) {
		return
	}
	for _, m := range act.MembersAdded {
		if m.ID != act.Recipient.ID {
			a.seeUser(ctx, tenant, m.AADObjectID, ws, false)
		}
	}
	for _, m := range act.MembersRemoved {
		if m.AADObjectID == "" || m.ID == act.Recipient.ID {
			continue
		}
		err := a.updateUser(ctx, tenant, m.AADObjectID, func(r *userRecord) bool {
			if !r.has(ws) {
				return false
			}
			r.Teams = slices.DeleteFunc(r.Teams, func(t string) bool { return t == ws })
			if r.Current == ws {
				r.Current = ""
			}
			return true
		})
		if err != nil {
			a.log.Warn("teams: could not record a user's leaving a team", "workspace", ws, "user", m.AADObjectID, "err", err)
		}
	}
}
