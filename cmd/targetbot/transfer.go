package main

import (
	"context"
	"errors"
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

// runRestore checks a whole dump, refusing it at its first bad line
// before it opens the store, then reads it again to restore each
// workspace in one atomic step. It holds one workspace at a time, not
// the file: a dump on stdin is spooled to a temporary file, which the
// second read reads (restoreSource).
func (m *Main) runRestore(ctx context.Context, args []string) error {
	fs := m.flagSet("restore")
	m.Config.commonFlags(fs)
	in := fs.String("in", "", "read the dump from this file (default: stdin)")
	replace := fs.Bool("replace", false, "replace workspaces that hold records already (without it, restore refuses and writes nothing)")
	ws := fs.String("workspace", "", "restore only this workspace of the dump (default: every one)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	var only []string
	if *ws != "" {
		only = []string{*ws}
	}
	pr := m.newProgress()
	name := "stdin"
	if *in != "" {
		name = *in
	}
	src, err := m.restoreSource(*in, pr)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer src.close()
	checked, err := dump.Check(ctx, src.open, only)
	pr.clear()
	var missing *dump.MissingError
	switch {
	case errors.As(err, &missing):
		return fmt.Errorf("restore: %w", err)
	case err != nil:
		return fmt.Errorf("restore: %s: %w (nothing was restored)", name, err)
	}
	src.progress = nil // the second read is shown as records restored
	s, err := m.openTransferStore(ctx, m.Config.Store, m.Config.StoreFrom, false)
	if err != nil {
		return err
	}
	m.Store = s
	counts, err := checked.Restore(ctx, s, dump.Options{Replace: *replace, Progress: pr.show})
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

// restoreFile is a dump that can be read from its start more than once:
// the file named, or stdin spooled to a temporary file as the first
// read goes.
type restoreFile struct {
	path     string
	spool    *os.File // stdin's copy, removed by close; nil for a file
	stdin    io.Reader
	size     int64
	progress func(read int64) // shows the reading; nil once checked
}

// restoreSource is the dump at path, or on stdin when path is "".
func (m *Main) restoreSource(path string, pr *progress) (*restoreFile, error) {
	name := path
	src := &restoreFile{path: path}
	if path == "" {
		name = "stdin"
		spool, err := os.CreateTemp("", "targetbot-restore-*.jsonl")
		if err != nil {
			return nil, fmt.Errorf("spool stdin: %w", err)
		}
		src.spool, src.stdin = spool, m.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil {
			src.size = fi.Size()
		}
		_ = f.Close()
	}
	src.progress = func(n int64) { pr.reading(name, n, src.size) }
	return src, nil
}

// open opens the dump from its start: the first open of stdin copies it
// into the spool as it is read, later ones read the spool.
func (f *restoreFile) open() (io.ReadCloser, error) {
	var r io.Reader
	switch {
	case f.spool != nil && f.stdin != nil:
		r, f.stdin = io.TeeReader(f.stdin, f.spool), nil
	case f.spool != nil:
		if _, err := f.spool.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("read the spooled stdin again: %w", err)
		}
		r = f.spool
	default:
		file, err := os.Open(f.path)
		if err != nil {
			return nil, err
		}
		if f.progress == nil {
			return file, nil
		}
		return readCloser{&countingReader{r: file, progress: f.progress}, file}, nil
	}
	if f.progress != nil {
		r = &countingReader{r: r, progress: f.progress}
	}
	return io.NopCloser(r), nil
}

// close removes stdin's spool.
func (f *restoreFile) close() {
	if f.spool != nil {
		_ = f.spool.Close()
		_ = os.Remove(f.spool.Name())
	}
}

// readCloser reads through one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
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
//
// Errors of the file itself are *outFileError about path; write's own
// come back as they are.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return &outFileError{path: path, err: err}
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
		return &outFileError{path: path, err: err}
	}
	if err := tmp.Close(); err != nil {
		return &outFileError{path: path, err: err}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return &outFileError{path: path, err: err}
	}
	return nil
}
