package report

import (
	"fmt"
	"strings"
)

// Problem is why a report cannot be made of what was asked: a known
// situation, which callers word for their own audience (a chat reply, a
// command-line error), as commands words the store's kinds.
type Problem string

// The problems Build reports as an *Error.
const (
	// UnknownWorkspace: the workspace has stored nothing. Subject is its id.
	UnknownWorkspace Problem = "unknown workspace"
	// NothingImported: the workspace exists but has imported no framework.
	NothingImported Problem = "no framework imported"
	// UnknownFramework: no framework has that id. Known lists the
	// workspace's imported ones.
	UnknownFramework Problem = "unknown framework"
	// NotImported: the framework is offered, but not imported in the
	// workspace. Known lists the imported ones.
	NotImported Problem = "framework not imported"
	// UnknownCycle: the workspace has no cycle of that name. Known lists
	// its cycles, the current one first.
	UnknownCycle Problem = "unknown cycle"
	// UnknownFormat: not one of Formats. Known lists them.
	UnknownFormat Problem = "unknown format"
	// UnknownTemplate: not one of Templates. Known lists them.
	UnknownTemplate Problem = "unknown template"
	// NotGraded: the summary template lays out a graded framework, and
	// the one named (or every one asked for) has no grading. Known lists
	// the graded frameworks imported.
	NotGraded Problem = "framework not graded"
)

// Error is a request for a report that cannot be met: the problem, what
// it is about, and what would have worked.
type Error struct {
	Problem Problem
	Subject string
	Known   []string
}

// Error is one neutral line, fit for logs and the command line.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s %q", e.Problem, e.Subject)
	if len(e.Known) > 0 {
		s += " (known: " + strings.Join(e.Known, ", ") + ")"
	}
	return s
}
