package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/store/dump"
)

// runMigrate copies every workspace (or one) from one store to another,
// each in one atomic restore, reads each back and compares it with what
// it moved, record type by record type; adapter state (the Teams service
// URLs among it) moves with the records. It prints what it moved; any
// difference is an error, so the exit status says whether the copy is
// good.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs := m.flagSet("migrate")
	var fromURL, toURL string
	fs.StringVar(&fromURL, "from", "", "the store to copy from: bolt:PATH, redis://…, rediss://… or redis-cluster://…")
	fs.StringVar(&toURL, "to", "", "the store to copy to, in the same forms")
	ws := fs.String("workspace", "", "move only this workspace (default: every one)")
	replace := fs.Bool("replace", false, "replace workspaces the destination holds already (without it, migrate refuses and moves nothing)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	switch {
	case fromURL == "" || toURL == "":
		return errors.New("migrate: --from and --to are both required, for example: targetbot migrate --from bolt:targetbot.db --to redis://localhost:6379/0")
	case fromURL == toURL:
		return fmt.Errorf("migrate: --from and --to are the same store, %s", redact(fromURL))
	}
	from, err := m.openTransferStore(ctx, fromURL, "--from", true)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := m.openTransferStore(ctx, toURL, "--to", false)
	if err != nil {
		return err
	}
	m.Store = to
	pr := m.newProgress()
	opts := dump.Options{Replace: *replace, Progress: pr.show}
	if *ws != "" {
		opts.Workspaces = []string{*ws}
	}
	counts, err := dump.Migrate(ctx, from, to, opts)
	pr.clear()
	if len(counts) > 0 {
		fmt.Fprintf(m.Stdout, "migrated %s from %s to %s, each read back and compared: the same records, type by type\n",
			view.Plural(len(counts), "workspace"), redact(fromURL), redact(toURL))
		if werr := dump.WriteTable(m.Stdout, counts); err == nil {
			err = werr
		}
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	n, e := 0, 0
	for _, c := range counts {
		if c.AdapterState > 0 {
			n++
		}
		if c.Entries+c.WorkspaceEvents > 0 {
			e++
		}
	}
	if n > 0 {
		fmt.Fprintf(m.Stdout, "and the adapter state (such as Teams service URLs) of %s\n", view.Plural(n, "workspace"))
	}
	if e > 0 {
		fmt.Fprintf(m.Stdout, "and the admins, people and their record of %s\n", view.Plural(e, "workspace"))
	}
	return nil
}
