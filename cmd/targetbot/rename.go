package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/dump"
)

const workspaceUsage = `usage: targetbot workspace rename --from ID --to ID
moves every record of workspace --from to the id --to, in the store --store (or TARGETBOT_STORE),
for example: targetbot workspace rename --from teams:TENANT --to teams:TENANT/TEAM`

// runWorkspace runs `workspace rename`: store.Rename, which moves every
// record of a workspace to a new id (used once to move a Teams tenant's
// workspace to its team's), then prints what it moved. Run it while the
// bot is stopped: a command arriving under either id during the move
// could land in the copy that is dropped.
func (m *Main) runWorkspace(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "rename" {
		return errors.New(workspaceUsage)
	}
	fs := m.flagSet("workspace rename")
	m.Config.commonFlags(fs)
	from := fs.String("from", "", "the workspace to move, such as teams:TENANT")
	to := fs.String("to", "", "its new id, such as teams:TENANT/TEAM; no workspace may hold records under it")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return errors.New("workspace rename: --from and --to are both required\n" + workspaceUsage)
	}
	// Refuse what Rename would before opening the store, with the flag
	// named.
	for _, f := range []struct{ flag, id string }{{"--from", *from}, {"--to", *to}} {
		if err := store.CheckWorkspaceID(f.id); err != nil {
			return fmt.Errorf("workspace rename: %s %q is not a workspace id: no spaces or control characters, at most %d bytes", f.flag, f.id, store.MaxWorkspaceID)
		}
	}
	if *from == *to {
		return fmt.Errorf("workspace rename: --from and --to are the same workspace, %s", *from)
	}
	s, err := m.openTransferStore(ctx, m.Config.Store, m.Config.StoreFrom, true)
	if err != nil {
		return err
	}
	m.Store = s
	snap, err := store.Rename(ctx, s, *from, *to)
	switch {
	case errors.Is(err, store.ErrWorkspaceExists):
		return fmt.Errorf("workspace rename: workspace %s already holds records in %s; rename refuses to write over it, and changed nothing", *to, redact(m.Config.Store))
	case framework.ErrorCode(err) == framework.ENOTFOUND:
		return fmt.Errorf("workspace rename: %s holds no workspace %s (targetbot dump lists what it holds); nothing changed", redact(m.Config.Store), *from)
	case err != nil:
		return fmt.Errorf("workspace rename: %w", err)
	}
	c := dump.CountSnapshot(snap)
	fmt.Fprintf(m.Stdout, "renamed workspace %s to %s in %s, and removed the old id's records:\n", *from, *to, redact(m.Config.Store))
	if err := dump.WriteTable(m.Stdout, []dump.Counts{c}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "and its adapter state (%d), entries such as admins and people (%d) and %s\n",
		c.AdapterState, c.Entries, view.Plural(c.WorkspaceEvents, "workspace event"))
	return nil
}
