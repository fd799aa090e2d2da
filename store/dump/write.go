package dump

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/store"
)

// Progress says how far a dump, restore or migrate has got.
type Progress struct {
	Step      string // "dump", "restore" or "verify"
	Workspace string
	Done      int // records so far
	Total     int // records in all, or 0 while unknown
}

// Options tune Dump, Restore and Migrate.
type Options struct {
	// Workspaces names the workspaces to move; none means every one.
	Workspaces []string
	// Replace lets Restore and Migrate replace workspaces that hold
	// records already; without it they refuse, and move nothing.
	Replace bool
	// Created and By fill Dump's header; Created defaults to now.
	Created time.Time
	By      string
	// Progress, when set, is told how far the work has got, often.
	Progress func(Progress)
}

func (o *Options) report(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

// Writer writes a dump: the header when made, records one line each,
// and the end line on Close.
type Writer struct {
	w       *bufio.Writer
	enc     *json.Encoder
	records int
}

// NewWriter writes the header h to w and returns a Writer for the
// records. It sets h's Version.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	// Notes and titles stay readable: <, > and & need no escaping in a
	// file, and a dump is never embedded in HTML.
	enc.SetEscapeHTML(false)
	h.Version = Version
	if h.Workspaces == nil {
		h.Workspaces = []string{}
	}
	if err := enc.Encode(h); err != nil {
		return nil, fmt.Errorf("write the header: %w", err)
	}
	return &Writer{w: bw, enc: enc}, nil
}

// Write writes r, a record of the workspace ws, as one line.
func (w *Writer) Write(ws string, r *store.Record) error {
	w.records++
	return w.enc.Encode(toLine(ws, r))
}

// Close writes the end line and flushes. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if err := w.enc.Encode(endLine{Type: recordEnd, Records: w.records}); err != nil {
		return err
	}
	return w.w.Flush()
}

// Dump writes the workspaces opts names (every one s holds, by default)
// to w as a dump, and returns what each held. Each workspace is one
// consistent export (store.Transfer.Export). A workspace named that has
// stored nothing is an error, before anything is written.
func Dump(ctx context.Context, s store.Store, w io.Writer, opts Options) ([]Counts, error) {
	ids, err := workspaceIDs(ctx, s, opts.Workspaces)
	if err != nil {
		return nil, err
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	dw, err := NewWriter(w, Header{Created: opts.Created, By: opts.By, Workspaces: ids})
	if err != nil {
		return nil, err
	}
	var counts []Counts
	for _, ws := range ids {
		c := Counts{Workspace: ws}
		err := s.Export(ctx, ws, func(r store.Record) error {
			c.Add(&r)
			if n := c.records(); n%1024 == 0 {
				opts.report(Progress{Step: "dump", Workspace: ws, Done: n})
			}
			return dw.Write(ws, &r)
		})
		if err != nil {
			return counts, fmt.Errorf("dump %s: %w", ws, err)
		}
		opts.report(Progress{Step: "dump", Workspace: ws, Done: c.records(), Total: c.records()})
		counts = append(counts, c)
	}
	if err := dw.Close(); err != nil {
		return counts, fmt.Errorf("dump: %w", err)
	}
	return counts, nil
}

// records is how many records c counted, the settings record included.
func (c *Counts) records() int {
	return 1 + c.Targets + c.Updates + c.Events + c.Subscriptions
}

// workspaceIDs is named, checked to be workspaces s holds, or every
// workspace s holds when named is empty.
func workspaceIDs(ctx context.Context, s store.Store, named []string) ([]string, error) {
	all, err := s.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, w := range all {
		ids = append(ids, w.ID)
	}
	if len(named) == 0 {
		return ids, nil
	}
	for _, ws := range named {
		if !slices.Contains(ids, ws) {
			if len(ids) == 0 {
				return nil, fmt.Errorf("workspace %q holds no records: this store holds none", ws)
			}
			return nil, fmt.Errorf("workspace %q holds no records: this store holds %s", ws, strings.Join(ids, ", "))
		}
	}
	return named, nil
}
