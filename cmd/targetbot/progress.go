package main

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/targetbot/targetbot/store/dump"
)

// progress shows how far a long dump, restore or migrate has got: one
// line on a terminal's stderr, redrawn in place at most ten times a
// second. Off a terminal (a log, a pipe, a cron job's mail) it shows
// nothing, so the output stays the plain summary printed at the end.
type progress struct {
	w   io.Writer
	on  bool
	now func() time.Time

	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// newProgress draws on m's stderr when that is a terminal.
func (m *Main) newProgress() *progress {
	return &progress{w: m.Stderr, on: stdoutIsTerminal(m.Stderr), now: time.Now}
}

// show redraws the line with p, unless it was drawn less than a tenth
// of a second ago and p is not a step's end.
func (pr *progress) show(p dump.Progress) {
	if !pr.on {
		return
	}
	pr.draw(p.Total > 0 && p.Done == p.Total, progressLine(p))
}

// reading redraws the line with how much of a file has been read.
func (pr *progress) reading(name string, read, size int64) {
	if !pr.on {
		return
	}
	line := fmt.Sprintf("reading %s: %s", name, megabytes(read))
	if size > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", megabytes(size), read*100/size)
	}
	pr.draw(false, line)
}

func (pr *progress) draw(force bool, line string) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if now := pr.now(); force || now.Sub(pr.last) >= 100*time.Millisecond {
		pr.last = now
		// \r returns to the line's start; \033[K clears what a longer
		// line drawn before left.
		fmt.Fprintf(pr.w, "\r\033[K%s", line)
		pr.drawn = true
	}
}

// clear removes the line, before the summary is printed.
func (pr *progress) clear() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.drawn {
		fmt.Fprint(pr.w, "\r\033[K")
		pr.drawn = false
	}
}

// progressLine is p in words: "restore local: 12,000 of 101,001 records (11%)".
func progressLine(p dump.Progress) string {
	if p.Total == 0 {
		return fmt.Sprintf("%s %s: %s records", p.Step, p.Workspace, thousands(p.Done))
	}
	return fmt.Sprintf("%s %s: %s of %s records (%d%%)", p.Step, p.Workspace, thousands(p.Done), thousands(p.Total), p.Done*100/p.Total)
}

// thousands writes n with commas: 101,001.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// countingReader reports, through progress, how much of r has been read.
type countingReader struct {
	r        io.Reader
	read     int64
	progress func(read int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	c.progress(c.read)
	return n, err
}
