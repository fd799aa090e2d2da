package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/dump"
)

// runDump writes the store's workspaces, or one, as a dump (store/dump
// describes the format) to stdout or a file. What it dumped is
// summarised on stderr, since stdout may be the dump.
func (m *Main) runDump(ctx context.Context, args []string) error {
	fs := m.flagSet("dump")
	m.Config.commonFlags(fs)
	ws := fs.String("workspace", "", "dump only this workspace, such as slack:T0123 (default: every workspace)")
	out := fs.String("out", "", "write the dump to this file, made readable by its owner only (default: stdout)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	s, err := m.openTransferStore(ctx, m.Config.Store, m.Config.StoreFrom, true)
	if err != nil {
		return err
	}
	m.Store = s
	opts := dump.Options{Created: m.Now(), By: "targetbot " + Version}
	if *ws != "" {
		opts.Workspaces = []string{*ws}
	}
	pr := m.newProgress()
	opts.Progress = pr.show
	var counts []dump.Counts
	write := func(w io.Writer) error {
		counts, err = dump.Dump(ctx, s, w, opts)
		return err
	}
	dest := "stdout"
	if *out == "" {
		err = write(m.Stdout)
	} else {
		dest = *out
		err = writeFileAtomically(*out, write)
	}
	pr.clear()
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	fmt.Fprintf(m.Stderr, "dumped %s from %s to %s\n", view.Plural(len(counts), "workspace"), redact(m.Config.Store), dest)
	return dump.WriteTable(m.Stderr, counts)
}

// runRestore reads a whole dump, refusing it at its first bad line
// before it opens the store, then restores each workspace in one atomic
// step.
func (m *Main) runRestore(ctx context.Context, args []string) error {
	fs := m.flagSet("restore")
	m.Config.commonFlags(fs)
	in := fs.String("in", "", "read the dump from this file (default: stdin)")
	replace := fs.Bool("replace", false, "replace workspaces that hold records already (without it, restore refuses and writes nothing)")
	ws := fs.String("workspace", "", "restore only this workspace of the dump (default: every one)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	pr := m.newProgress()
	name, r, size := "stdin", m.Stdin, int64(0)
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		name, r = *in, f
	}
	file, err := dump.Read(&countingReader{r: r, progress: func(n int64) { pr.reading(name, n, size) }})
	pr.clear()
	if err != nil {
		return fmt.Errorf("restore: %s: %w (nothing was restored)", name, err)
	}
	s, err := m.openTransferStore(ctx, m.Config.Store, m.Config.StoreFrom, false)
	if err != nil {
		return err
	}
	m.Store = s
	opts := dump.Options{Replace: *replace, Progress: pr.show}
	if *ws != "" {
		opts.Workspaces = []string{*ws}
	}
	counts, err := dump.Restore(ctx, s, file, opts)
	pr.clear()
	if len(counts) > 0 {
		fmt.Fprintf(m.Stdout, "restored %s from %s into %s\n", view.Plural(len(counts), "workspace"), name, redact(m.Config.Store))
		if werr := dump.WriteTable(m.Stdout, counts); err == nil {
			err = werr
		}
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// openTransferStore opens a store for dump, restore or migrate and
// checks it answers. A store read from (existing) must be there already:
// opening a bbolt path makes an empty file, which would dump as nothing.
// Its logger keeps to warnings, on stderr.
func (m *Main) openTransferStore(ctx context.Context, url, from string, existing bool) (store.Store, error) {
	if existing {
		if err := requireExisting(url, from); err != nil {
			return nil, err
		}
	}
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := openStore(ctx, url, from, m.RedisPrefix, slog.New(quietHandler{Handler: m.Logger.Handler(), min: slog.LevelError}))
	if err != nil {
		return nil, err
	}
	if err := checkReachable(ctx, s, url, m.Logger); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// writeFileAtomically writes path through write, by way of a file
// beside it renamed into place, so a dump cut short by a failure or a
// signal never stands where a whole one is expected. The file is made
// readable by its owner only: it holds the whole workspace.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
