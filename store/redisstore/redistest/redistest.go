// Package redistest gives tests a real Redis.
//
// Usage, in any package's tests:
//
//	func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }
//
//	func TestX(t *testing.T) {
//		url := redistest.Start(t)
//		s, err := redisstore.Open(ctx, url, &redisstore.Options{Prefix: redistest.Prefix(t)})
//		...
//	}
//
// If TARGETBOT_TEST_REDIS is set (a redis:// URL), Start returns it and
// starts nothing: that server may be shared, so tests isolate themselves
// with a unique Prefix and never flush it. Otherwise Start launches one
// private redis-server per test binary on a unix socket in a temporary
// directory, with persistence off, the first time any test asks. Main
// stops it when the tests end. Without Main, the server is still killed
// when the test binary exits (it gets SIGKILL through the parent-death
// signal), but its temporary directory stays behind.
//
// With redis-server missing, tests that need it skip, except under CI
// (CI set), where they fail.
//
// NewServer starts a further private server that one test owns and may
// stop, for tests of what happens when Redis goes away.
package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/redis/go-redis/v9"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvURL names the environment variable that points tests at an existing Redis.
const EnvURL = "TARGETBOT_TEST_REDIS"

// shared is the one private server of this test binary. Package state
// is the point here: every test in the binary shares the server.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Main runs the tests and then stops the shared server, if one was
// started. Use it as os.Exit(redistest.Main(m)) in TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Stop()
	}
	return code
}

// Start returns the URL of a Redis for tests: TARGETBOT_TEST_REDIS when
// set, else the binary's private redis-server, started on first use. It
// skips the test when redis-server is not installed.
func Start(tb testing.TB) string {
	tb.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	shared.once.Do(func() { shared.srv, shared.err = startServer() })
	if shared.err != nil {
		fail(tb, shared.err)
	}
	return shared.srv.URL()
}

// Server is a private redis-server process.
type Server struct {
	dir  string
	sock string
	cmd  *exec.Cmd
	done chan struct{}
	stop sync.Once

	mu sync.Mutex // guards cmd and done across Pause and Resume
}

// NewServer starts a private redis-server that the calling test owns:
// it is stopped, if the test has not stopped it, when the test ends. It
// skips the test when redis-server is not installed.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	srv, err := startServer()
	if err != nil {
		fail(tb, err)
	}
	tb.Cleanup(srv.Stop)
	return srv
}

// URL is the server's address as a unix:// URL that redis.ParseURL reads.
func (s *Server) URL() string { return "unix://" + s.sock }

// Stop kills the server and removes its directory. It is safe to call twice.
func (s *Server) Stop() {
	s.stop.Do(func() {
		s.Pause()
		_ = os.RemoveAll(s.dir)
	})
}

// Pause kills the server process but keeps its directory, so Resume can
// bring a new server up at the same URL, as when Redis restarts.
func (s *Server) Pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.cmd.Process.Kill()
	<-s.done
	_ = os.Remove(s.sock)
}

// Freeze stops the server process (SIGSTOP) without closing its socket:
// connections open and commands hang, as when Redis is stuck.
func (s *Server) Freeze() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.cmd.Process.Signal(syscall.SIGSTOP)
}

// Thaw lets a frozen server run again (SIGCONT).
func (s *Server) Thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
}

// Resume starts a fresh, empty redis-server at the paused server's URL.
func (s *Server) Resume(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, err := launch(s.cmd.Path, s.dir)
	if err != nil {
		tb.Fatal(err)
	}
	s.cmd, s.done = ns.cmd, ns.done
}

// errNotInstalled marks a missing redis-server, which skips rather than fails.
type errNotInstalled struct{ err error }

func (e errNotInstalled) Error() string {
	return fmt.Sprintf("redis-server is not installed (%v): install it (apt-get install redis-server, brew install redis) or set %s=redis://host:port", e.err, EnvURL)
}

// fail skips a test that needs a missing redis-server on a developer's
// machine, but fails it under CI (CI set), where a skip would hide that
// the Redis store went untested.
func fail(tb testing.TB, err error) {
	tb.Helper()
	if _, ok := err.(errNotInstalled); ok && os.Getenv("CI") == "" {
		tb.Skip(err)
	}
	tb.Fatal(err)
}

func startServer() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errNotInstalled{err}
	}
	// Not t.TempDir: the shared server outlives the test that started
	// it. Unix socket paths are limited to ~100 bytes, so keep it short.
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		return nil, fmt.Errorf("redistest: %w", err)
	}
	s, err := launch(bin, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// launch runs redis-server on dir/redis.sock and waits until it answers.
func launch(bin, dir string) (*Server, error) {
	sock := filepath.Join(dir, "redis.sock")
	s, out, err := spawn(bin, dir, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700")
	if err != nil {
		return nil, err
	}
	s.sock = sock
	if err := waitListening(s, "unix", sock, out); err != nil {
		return nil, err
	}
	return s, nil
}

// spawn starts redis-server in dir, listening as listen says, with
// persistence off. It is killed with the test binary if nobody stops it.
func spawn(bin, dir string, listen ...string) (*Server, *syncBuffer, error) {
	args := append(listen, "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning")
	cmd := exec.Command(bin, args...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("redistest: start redis-server: %w", err)
	}
	s := &Server{dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	return s, out, nil
}

// waitListening waits up to 10s for the server to accept connections on
// addr, and stops it if it does not.
func waitListening(s *Server, network, addr string, out *syncBuffer) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial(network, addr)
		if err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case <-s.done:
			_ = os.RemoveAll(s.dir)
			return fmt.Errorf("redistest: redis-server exited at start: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("redistest: redis-server did not listen on %s within 10s: %s", addr, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Client is a client of its own on url (a server of Start or NewServer),
// closed when the test ends: for a test that reads or writes Redis
// around the store.
func Client(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(o)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a key prefix unique to this test, so tests sharing a
// server never see each other's keys. It has no braces, so workspace hash
// tags stay intact.
func Prefix(tb testing.TB) string {
	tb.Helper()
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		default:
			return '_'
		}
	}, tb.Name())
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	return "tbtest:" + name + ":" + hex.EncodeToString(r[:])
}

// syncBuffer collects the server's output for error messages; the
// process writes it while startServer may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
