package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether f is a terminal. A mode check alone is not
// enough: /dev/null is a character device too, and `targetbot </dev/null`
// must run as a script, without a banner or prompts.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
