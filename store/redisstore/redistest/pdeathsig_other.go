//go:build !linux

package redistest

import "syscall"

// dieWithParent is a no-op where there is no parent-death signal: use
// redistest.Main so the server is stopped when the tests end.
func dieWithParent() *syscall.SysProcAttr { return nil }
