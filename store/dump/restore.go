package dump

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Restore writes the workspaces of f (those opts names, or all) into s,
// one atomic store.Transfer.Restore each, and returns what each held.
// Without opts.Replace it refuses, before writing any, when any of them
// holds records in s already. A failure part of the way names the
// workspaces restored before it and those not tried; the one that failed
// is unchanged, unless the store could not say (ErrOutcomeUnknown),
// which the error then says.
func Restore(ctx context.Context, s store.Store, f *File, opts Options) ([]Counts, error) {
	snaps := f.Workspaces
	if len(opts.Workspaces) > 0 {
		snaps = nil
		for _, ws := range opts.Workspaces {
			i := slices.IndexFunc(f.Workspaces, func(s *store.Snapshot) bool { return s.Workspace.ID == ws })
			if i < 0 {
				return nil, &MissingError{Workspace: ws, Has: f.Header.Workspaces}
			}
			snaps = append(snaps, f.Workspaces[i])
		}
	}
	ids := make([]string, len(snaps))
	for i, snap := range snaps {
		ids[i] = snap.Workspace.ID
	}
	if err := refuseExisting(ctx, s, ids, opts.Replace); err != nil {
		return nil, err
	}
	var counts []Counts
	for i, snap := range snaps {
		if err := restoreOne(ctx, s, snap, "restore", opts); err != nil {
			return counts, partial(err, ids, i)
		}
		counts = append(counts, CountSnapshot(snap))
	}
	return counts, nil
}

// Opener opens a dump from its start, each time it is called: a file
// can be read twice, where a pipe cannot (a caller spools one to a
// file first).
type Opener func() (io.ReadCloser, error)

// Checked is a dump read once and found good: every line and every
// record of the workspaces it names (Check).
type Checked struct {
	open Opener
	only []string
	ids  []string // the workspaces to restore, in the dump's order
}

// Check reads the dump open gives once, as Scan does, holding one
// workspace at a time, and writes nothing: the first read of a restore.
// Its error is Scan's: a *LineError, a *MissingError, or the failure
// to read.
func Check(ctx context.Context, open Opener, only []string) (*Checked, error) {
	c := &Checked{open: open, only: only}
	err := scanFile(open, only, func(snap *store.Snapshot) error {
		c.ids = append(c.ids, snap.Workspace.ID)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Workspaces are the workspaces Restore writes, in the dump's order.
func (c *Checked) Workspaces() []string { return c.ids }

// Restore restores the checked dump into s as the package's Restore
// does a File, reading it again and writing each workspace as it is
// read, so that it holds one at a time. The dump's workspaces are the
// ones Check was given (opts.Workspaces is not read). Without
// opts.Replace it refuses, before writing any, when any holds records.
//
// A dump that changed since Check is refused at its first changed
// line, after the workspaces before it were restored; the error says
// which.
func (c *Checked) Restore(ctx context.Context, s store.Store, opts Options) ([]Counts, error) {
	ids := c.ids
	if err := refuseExisting(ctx, s, ids, opts.Replace); err != nil {
		return nil, err
	}
	var counts []Counts
	err := scanFile(c.open, c.only, func(snap *store.Snapshot) error {
		i := len(counts)
		if i >= len(ids) || snap.Workspace.ID != ids[i] {
			return fmt.Errorf("the dump changed while it was restored: workspace %s came where the first read had %q", snap.Workspace.ID, ids[i:])
		}
		if err := restoreOne(ctx, s, snap, "restore", opts); err != nil {
			return err
		}
		counts = append(counts, CountSnapshot(snap))
		return nil
	})
	if err == nil {
		return counts, nil
	}
	var le *LineError
	if errors.As(err, &le) {
		err = fmt.Errorf("the dump changed while it was restored: %w", err)
	}
	if len(counts) == len(ids) {
		return counts, fmt.Errorf("%w (every workspace was restored before it: %s)", err, strings.Join(ids, ", "))
	}
	return counts, partial(err, ids, len(counts))
}

// RestoreFrom checks the dump open gives and restores it (Check, then
// Checked.Restore), holding one workspace at a time rather than the
// file: a dump bad anywhere is refused whole, with nothing written.
func RestoreFrom(ctx context.Context, s store.Store, open Opener, opts Options) ([]Counts, error) {
	c, err := Check(ctx, open, opts.Workspaces)
	if err != nil {
		return nil, err
	}
	return c.Restore(ctx, s, opts)
}

// scanFile opens the dump and scans it.
func scanFile(open Opener, only []string, fn func(*store.Snapshot) error) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = Scan(r, only, fn)
	return err
}

// Migrate copies the workspaces opts names (every one from holds, by
// default) into to, and verifies each: it exports the workspace from
// from, restores it into to in one atomic step, reads it back from to,
// and compares the two record type by record type, counts and
// checksums. It returns what each workspace held, and an error for the
// first that failed or read back differently. Without opts.Replace it
// refuses, before moving any, when any of them holds records in to.
func Migrate(ctx context.Context, from, to store.Store, opts Options) ([]Counts, error) {
	ids, err := workspaceIDs(ctx, from, opts.Workspaces)
	if err != nil {
		return nil, err
	}
	if err := refuseExisting(ctx, to, ids, opts.Replace); err != nil {
		return nil, err
	}
	var counts []Counts
	for i, ws := range ids {
		moved, err := migrateOne(ctx, from, to, ws, opts)
		if err != nil {
			return counts, partial(err, ids, i)
		}
		// The copy is counted as it is read back, not held.
		got := Counts{Workspace: ws}
		err = exportEach(ctx, to, ws, "verify", opts, func(r *store.Record) error {
			got.Add(r)
			return nil
		})
		if err != nil {
			return counts, partial(fmt.Errorf("read %s back: %w", ws, err), ids, i)
		}
		if moved.Diff(&got) != "" {
			return counts, partial(fmt.Errorf("verify %s: the copy differs: %s", ws, moved.Diff(&got)), ids, i)
		}
		counts = append(counts, moved)
	}
	return counts, nil
}

// migrateOne copies ws from from into to and returns what it held.
// A store that restores from a stream of records (store.RecordRestorer)
// is given the export as it is read, twice (once to check, once to
// write), so that neither side holds the workspace; any other is given
// it as a Snapshot.
func migrateOne(ctx context.Context, from, to store.Store, ws string, opts Options) (Counts, error) {
	rr, ok := to.(store.RecordRestorer)
	if !ok {
		snap, err := exportCounting(ctx, from, ws, "dump", opts)
		if err != nil {
			return Counts{}, fmt.Errorf("read %s: %w", ws, err)
		}
		if err := restoreOne(ctx, to, snap, "restore", opts); err != nil {
			return Counts{}, err
		}
		return CountSnapshot(snap), nil
	}
	var moved Counts
	reads := 0
	recs := func(fn func(store.Record) error) error {
		// The first read checks, the second writes: each counts afresh.
		reads++
		step := "dump"
		if reads > 1 {
			step = "restore"
		}
		moved = Counts{Workspace: ws}
		var fnErr error
		err := exportEach(ctx, from, ws, step, opts, func(r *store.Record) error {
			moved.Add(r)
			fnErr = fn(*r)
			return fnErr
		})
		if fnErr != nil {
			return fnErr
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", ws, err)
		}
		return nil
	}
	err := rr.RestoreRecords(ctx, ws, recs, store.RestoreOptions{Replace: opts.Replace})
	if err != nil {
		return Counts{}, restoreError(ws, err)
	}
	return moved, nil
}

// exportCounting exports ws from s into a Snapshot, reporting progress
// as step.
func exportCounting(ctx context.Context, s store.Store, ws, step string, opts Options) (*store.Snapshot, error) {
	snap := &store.Snapshot{}
	err := exportEach(ctx, s, ws, step, opts, func(r *store.Record) error {
		snap.Add(*r)
		return nil
	})
	return snap, err
}

// exportEach exports ws from s to fn, reporting progress as step.
func exportEach(ctx context.Context, s store.Store, ws, step string, opts Options, fn func(*store.Record) error) error {
	n := 0
	err := s.Export(ctx, ws, func(r store.Record) error {
		if err := fn(&r); err != nil {
			return err
		}
		if n++; n%1024 == 0 {
			opts.report(Progress{Step: step, Workspace: ws, Done: n})
		}
		return nil
	})
	if err == nil {
		opts.report(Progress{Step: step, Workspace: ws, Done: n, Total: n})
	}
	return err
}

func restoreOne(ctx context.Context, s store.Store, snap *store.Snapshot, step string, opts Options) error {
	ws := snap.Workspace.ID
	err := s.Restore(ctx, snap, store.RestoreOptions{Replace: opts.Replace, Progress: func(n, total int) {
		opts.report(Progress{Step: step, Workspace: ws, Done: n, Total: total})
	}})
	return restoreError(ws, err)
}

// restoreError words a restore's failure for the one who ran it.
func restoreError(ws string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, framework.ErrOutcomeUnknown):
		return fmt.Errorf("restore %s: the store stopped answering as it committed: the workspace may or may not be restored, whole; dump it to see: %w", ws, err)
	case errors.Is(err, store.ErrWorkspaceExists):
		return fmt.Errorf("restore %s: it holds records now (written since the check): it is unchanged", ws)
	}
	return fmt.Errorf("restore %s: it is unchanged: %w", ws, err)
}

// refuseExisting refuses, unless replace, to write any of ids when any
// holds records in s.
func refuseExisting(ctx context.Context, s store.Store, ids []string, replace bool) error {
	if replace {
		return nil
	}
	all, err := s.Workspaces(ctx)
	if err != nil {
		return err
	}
	var clash []string
	for _, w := range all {
		if slices.Contains(ids, w.ID) {
			clash = append(clash, w.ID)
		}
	}
	switch len(clash) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("workspace %s holds records already: nothing was written; --replace replaces it", clash[0])
	}
	return fmt.Errorf("workspaces %s hold records already: nothing was written; --replace replaces them", strings.Join(clash, ", "))
}

// partial adds to err, the failure of ids[i], which workspaces were
// moved before it and which were not tried.
func partial(err error, ids []string, i int) error {
	var notes []string
	if i > 0 {
		notes = append(notes, "done before it: "+strings.Join(ids[:i], ", "))
	}
	if i+1 < len(ids) {
		notes = append(notes, "not tried: "+strings.Join(ids[i+1:], ", "))
	}
	if len(notes) == 0 {
		return err
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(notes, "; "))
}
