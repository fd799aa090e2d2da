//go:build !linux

package main

import "os"

// isTerminal reports whether f is a character device: a terminal, on the
// platforms where targetbot does not ask the terminal driver itself.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
