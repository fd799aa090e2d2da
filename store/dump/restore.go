package dump

import (
	"context"
	"errors"
	"fmt"
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
				return nil, fmt.Errorf("the dump has no workspace %q: it has %s", ws, strings.Join(f.Header.Workspaces, ", "))
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
		snap, err := exportCounting(ctx, from, ws, "dump", opts)
		if err != nil {
			return counts, partial(fmt.Errorf("read %s: %w", ws, err), ids, i)
		}
		if err := restoreOne(ctx, to, snap, "restore", opts); err != nil {
			return counts, partial(err, ids, i)
		}
		moved := CountSnapshot(snap)
		back, err := exportCounting(ctx, to, ws, "verify", opts)
		if err != nil {
			return counts, partial(fmt.Errorf("read %s back: %w", ws, err), ids, i)
		}
		if got := CountSnapshot(back); moved.Diff(&got) != "" {
			return counts, partial(fmt.Errorf("verify %s: the copy differs: %s", ws, moved.Diff(&got)), ids, i)
		}
		counts = append(counts, moved)
	}
	return counts, nil
}

// exportCounting exports ws from s, reporting progress as step.
func exportCounting(ctx context.Context, s store.Store, ws, step string, opts Options) (*store.Snapshot, error) {
	snap := &store.Snapshot{}
	n := 0
	err := s.Export(ctx, ws, func(r store.Record) error {
		snap.Add(r)
		if n++; n%1024 == 0 {
			opts.report(Progress{Step: step, Workspace: ws, Done: n})
		}
		return nil
	})
	if err == nil {
		opts.report(Progress{Step: step, Workspace: ws, Done: n, Total: n})
	}
	return snap, err
}

func restoreOne(ctx context.Context, s store.Store, snap *store.Snapshot, step string, opts Options) error {
	ws := snap.Workspace.ID
	err := s.Restore(ctx, snap, store.RestoreOptions{Replace: opts.Replace, Progress: func(n, total int) {
		opts.report(Progress{Step: step, Workspace: ws, Done: n, Total: total})
	}})
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
