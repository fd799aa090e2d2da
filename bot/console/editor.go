package console

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/peterh/liner"

	"github.com/targetbot/targetbot/bot"
)

// Editor is a terminal line editor: arrow keys, history kept between
// sessions, and Tab completion of verbs and target references.
type Editor struct {
	state   *liner.State
	history string // file the history is kept in; "" keeps none
}

// EditorOptions configures an Editor.
type EditorOptions struct {
	// History is the file to load history from and save it to.
	History string
	// Verbs are the command names Tab completes as the first word.
	Verbs []string
	// Completer, when set, completes target references after the verb.
	Completer bot.Completer
}

// NewEditor takes over the terminal for line editing. Close gives it
// back and saves the history.
func NewEditor(opts EditorOptions) *Editor {
	e := &Editor{state: liner.NewLiner(), history: opts.History}
	e.state.SetCtrlCAborts(true)
	e.state.SetTabCompletionStyle(liner.TabPrints)
	e.state.SetWordCompleter(func(line string, pos int) (string, []string, string) {
		return complete(line, pos, opts.Verbs, opts.Completer)
	})
	if f, err := os.Open(e.history); err == nil {
		_, _ = e.state.ReadHistory(f)
		_ = f.Close()
	}
	return e
}

// ReadLine implements LineReader. Ctrl-C and Ctrl-D end the session.
func (e *Editor) ReadLine(prompt string) (string, error) {
	line, err := e.state.Prompt(prompt)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", io.EOF
	}
	if strings.TrimSpace(line) != "" {
		e.state.AppendHistory(line)
	}
	return line, err
}

// Close restores the terminal and saves the history.
func (e *Editor) Close() error {
	if e.history != "" {
		if err := os.MkdirAll(filepath.Dir(e.history), 0o700); err == nil {
			if f, err := os.OpenFile(e.history, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
				_, _ = e.state.WriteHistory(f)
				_ = f.Close()
			}
		}
	}
	return e.state.Close()
}

// HistoryFile is where the console keeps its history: the user's state
// folder ($XDG_STATE_HOME, else ~/.local/state), under targetbot.
func HistoryFile() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "targetbot", "history")
}

// maxCompletions is how many references Tab offers at once.
const maxCompletions = 25

// complete completes the word before pos: a verb when it is the first
// word (after an optional /target), else a target reference.
func complete(line string, pos int, verbs []string, c bot.Completer) (head string, completions []string, tail string) {
	pos = min(max(pos, 0), len(line))
	head, tail = line[:pos], line[pos:]
	start := strings.LastIndexAny(head, " \t") + 1
	word := head[start:]
	before := strings.Fields(head[:start])
	if len(before) > 0 && strings.EqualFold(before[0], "/target") {
		before = before[1:]
	}
	var out []string
	switch {
	case len(before) == 0:
		for _, v := range verbs {
			if strings.HasPrefix(v, strings.ToLower(word)) {
				out = append(out, v+" ")
			}
		}
	case c != nil:
		for _, ch := range c.Complete(context.Background(), Workspace, word, maxCompletions) {
			out = append(out, ch.Value+" ")
		}
	}
	sort.Strings(out)
	return head[:start], out, tail
}
