package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// TCPServer is a private redis-server on loopback TCP, as a deployment
// reaches Redis, for benchmarks that measure the network path.
type TCPServer struct {
	*Server
	addr string
}

// NewTCPServer starts a private redis-server on 127.0.0.1 that the
// calling test owns; it stops when the test ends. It skips the test
// when redis-server is not installed.
func NewTCPServer(tb testing.TB) *TCPServer {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		fail(tb, errNotInstalled{err})
	}
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s, out, err := spawn(bin, dir, "--port", strconv.Itoa(port), "--bind", "127.0.0.1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := waitListening(s, "tcp", addr, out); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return &TCPServer{Server: s, addr: addr}
}

// URL is the server's redis:// URL.
func (s *TCPServer) URL() string { return fmt.Sprintf("redis://%s/0", s.addr) }

// PID is the server's process id, for reading the CPU time it spends.
func (s *TCPServer) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd.Process.Pid
}
