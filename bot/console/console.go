// Package console is the local chat adapter: it reads commands from an
// io.Reader, one per line, and writes replies to an io.Writer. It is the
// default way to run targetbot, and the harness for end-to-end tests.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// Workspace is the console's workspace id.
const Workspace = "local"

// Options configures a Console.
type Options struct {
	In  io.Reader
	Out io.Writer
	// User is the console user's id.
	User string
	// Channel is the channel commands come from; default "console".
	Channel string
	Handler bot.Handler
	// Prompt, when set, is printed before each line: for terminals.
	Prompt string
	// Editor, when set, reads each line instead of In, showing Prompt
	// itself: a line editor with history and completion, for terminals.
	Editor LineReader
	// Admin makes the user an admin of the workspace, whatever
	// TARGETBOT_ADMINS says.
	Admin bool
	// Styled shows the markup with terminal styles (bold, dim, struck
	// through) instead of as plain text: for terminals.
	Styled bool
}

// Console runs commands read line by line.
type Console struct {
	opts Options
}

// New returns a Console.
func New(opts Options) *Console {
	if opts.Channel == "" {
		opts.Channel = "console"
	}
	return &Console{opts: opts}
}

// maxLine is the longest command line the console reads. Longer lines
// are skipped with a message, not fatal: no command needs anything near
// this (a note is at most 1,000 characters).
const maxLine = 64 * 1024

// Run executes each input line as one command, with or without a leading
// "/target", and prints each reply followed by a blank line. Blank lines
// and lines starting with # are skipped, and so, with a message, are
// lines over 64 KiB. A UTF-8 byte order mark at the start of the input
// (Windows editors write one) is dropped. It returns nil at EOF or on
// "exit" or "quit", or ctx's error as soon as ctx ends, even while it
// waits for a line: Ctrl-C at a prompt must not wait for Enter.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan input)
	next := make(chan struct{})
	stop := make(chan struct{})
	defer close(stop)
	read := c.reader()
	// Reading blocks until the user types, so it runs beside the loop,
	// which also watches ctx. It reads one line each time the loop asks,
	// so a line editor's prompt follows the last reply. The reader may
	// outlive Run, blocked on a terminal nobody types into; the process
	// is ending then anyway.
	go func() {
		for {
			select {
			case <-next:
			case <-stop:
				return
			}
			in := read()
			select {
			case lines <- in:
			case <-stop:
				return
			}
			if in.err != nil {
				return
			}
		}
	}()
	for n := 1; ; n++ {
		if c.opts.Prompt != "" && c.opts.Editor == nil {
			fmt.Fprint(c.opts.Out, c.opts.Prompt)
		}
		select {
		case next <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		var in input
		select {
		case <-ctx.Done():
			if c.opts.Prompt != "" {
				fmt.Fprintln(c.opts.Out)
			}
			return ctx.Err()
		case in = <-lines:
		}
		if in.err != nil && in.line == "" && !in.tooLong {
			if c.opts.Prompt != "" {
				fmt.Fprintln(c.opts.Out)
			}
			if in.err == io.EOF {
				return nil
			}
			return in.err
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if in.tooLong {
			fmt.Fprintf(c.opts.Out, "line %d is too long and was skipped: keep commands under %d characters\n\n", n, maxLine)
			continue
		}
		raw := in.line
		if n == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if isExit(line) {
			return nil
		}
		reply := c.opts.Handler.Handle(ctx, bot.Request{
			Workspace:     Workspace,
			Channel:       c.opts.Channel,
			User:          c.opts.User,
			UserName:      c.opts.User,
			PlatformAdmin: c.opts.Admin,
			Text:          line,
			ID:            "console-" + strconv.Itoa(n),
		})
		fmt.Fprintf(c.opts.Out, "%s\n\n", render(reply, c.opts.Styled))
	}
}

// isExit reports whether line asks to leave the console: exit or quit,
// in any case, with or without the /target a user may type from habit.
func isExit(line string) bool {
	word := strings.TrimSpace(strings.TrimPrefix(line, "/target "))
	return strings.EqualFold(word, "exit") || strings.EqualFold(word, "quit")
}

// LineReader reads a line, showing prompt: a terminal line editor.
// It returns io.EOF when the user is done (Ctrl-D, or Ctrl-C).
type LineReader interface {
	ReadLine(prompt string) (string, error)
}

// reader returns the function that reads the next line: from the
// editor when there is one, else from In.
func (c *Console) reader() func() input {
	if c.opts.Editor != nil {
		return func() input {
			line, err := c.opts.Editor.ReadLine(c.opts.Prompt)
			return input{line: line, tooLong: len(line) > maxLine, err: err}
		}
	}
	rd := bufio.NewReader(c.opts.In)
	return func() input {
		var in input
		in.line, in.tooLong, in.err = readLine(rd)
		return in
	}
}

// input is one line read, or the error that ended the input.
type input struct {
	line    string
	tooLong bool
	err     error
}

// readLine reads one line without its line ending. A line longer than
// maxLine is read to its end and dropped, and tooLong is set. err is
// io.EOF after the last line, which may lack a newline.
func readLine(rd *bufio.Reader) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, isPrefix, err := rd.ReadLine()
		if !tooLong {
			b = append(b, chunk...)
			if len(b) > maxLine {
				tooLong, b = true, nil
			}
		}
		if err != nil || !isPrefix {
			return string(b), tooLong, err
		}
	}
}

// Render formats a reply as plain text: its blocks, then its details,
// then the commands its buttons would run. Markup is dropped: users print
// as @name, links as their URL.
func Render(r bot.Reply) string { return render(r, false) }

// render is Render, with terminal styles when styled.
func render(r bot.Reply, styled bool) string {
	text := func(markup string) string {
		if styled {
			return ansi(markup)
		}
		return inert(bot.PlainText(markup))
	}
	var b strings.Builder
	b.WriteString(text(bot.BlocksText(r.Blocks)))
	if len(r.Details) > 0 {
		b.WriteString("\n\n")
		b.WriteString(text(bot.BlocksText(r.Details)))
	}
	for _, blks := range [][]bot.Block{r.Blocks, r.Details} {
		for _, blk := range blks {
			for _, btn := range blk.Buttons {
				cmd := btn.Command
				if btn.Form {
					cmd += " [<n>%] [status] [note]"
				}
				fmt.Fprintf(&b, "\n  ↳ %s: /target %s", inert(btn.Label), inert(cmd))
			}
		}
	}
	return b.String()
}
