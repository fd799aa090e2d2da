package redistest

import "syscall"

// dieWithParent has the kernel SIGKILL the server when the test binary
// exits, so a test binary that never calls Stop leaves no server behind.
// (The signal follows the OS thread that started the server; the Go
// runtime keeps threads alive, so in practice that is the process.)
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
