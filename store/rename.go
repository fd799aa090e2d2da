package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/targetbot/targetbot/framework"
)

// MaxWorkspaceID is the longest workspace id Rename takes, in bytes:
// far above any platform's ("teams:<tenant id>/<team id>" is under 120).
const MaxWorkspaceID = 256

// CheckWorkspaceID reports why id cannot name a workspace, as an
// EINVALID error, or nil: 1 to MaxWorkspaceID bytes of UTF-8 with no
// space or control character.
func CheckWorkspaceID(id string) error {
	if id == "" || len(id) > MaxWorkspaceID || !utf8.ValidString(id) || strings.ContainsFunc(id, notPrintable) {
		return framework.Errorf(framework.EINVALID, "workspace id %q is not 1 to %d characters with no space or control character", id, MaxWorkspaceID)
	}
	return nil
}

// Renamer is what Rename needs of a store.
type Renamer interface {
	Settings
	Transfer
}

// Rename moves every record of the workspace from to the workspace to,
// in s: settings, targets, updates, events, subscriptions (with their
// last digests), adapter state, entries and workspace events. It
// exports from, restores the records under to (one atomic write, which
// refuses a workspace that holds anything), then drops from (one atomic
// change). Between the two, both hold the records; a failure of the
// drop says so, and leaves both. Claims are not records: they stay
// with from and expire there. The subscriptions' last digests move, so
// a digest under the new id reports only what is new since the last
// one posted under the old.
//
// It returns the snapshot moved, under its new id. Errors: EINVALID for
// a malformed id or from == to, ENOTFOUND when from holds nothing,
// ErrWorkspaceExists (ECONFLICT) when to holds anything.
func Rename(ctx context.Context, s Renamer, from, to string) (*Snapshot, error) {
	for _, id := range []string{from, to} {
		if err := CheckWorkspaceID(id); err != nil {
			return nil, err
		}
	}
	if from == to {
		return nil, framework.Errorf(framework.EINVALID, "the workspace %s cannot be renamed to itself", from)
	}
	all, err := s.Workspaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the workspaces: %w", err)
	}
	ids := make([]string, len(all))
	for i := range all {
		ids[i] = all[i].ID
	}
	switch {
	case !slices.Contains(ids, from):
		return nil, framework.Errorf(framework.ENOTFOUND, "the store has no workspace %s", from)
	case slices.Contains(ids, to):
		return nil, WorkspaceExists(to)
	}
	snap, err := ExportSnapshot(ctx, s, from)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", from, err)
	}
	snap.Workspace.ID = to
	snap.Workspace.Admins = nil // the entries carry them
	for i := range snap.Subscriptions {
		snap.Subscriptions[i].Workspace = to
	}
	if err := s.Restore(ctx, snap, RestoreOptions{}); err != nil {
		return nil, fmt.Errorf("write %s: %w", to, err)
	}
	if err := s.Drop(ctx, from); err != nil {
		return snap, fmt.Errorf("every record of %s is in %s now, but removing the old copy failed, so both hold them: %w", from, to, err)
	}
	return snap, nil
}
