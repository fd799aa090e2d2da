package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
)

// server is the HTTP side of serve.
type server struct {
	http *http.Server
	ln   net.Listener
}

// shutdownGrace bounds how long serve waits for requests in flight.
const shutdownGrace = 20 * time.Second

// postGrace is how long, of shutdownGrace, a digest or reminder being
// posted at SIGTERM has to finish before it is cut and left for the next
// run: the rest is for recording how far it got and closing the store.
const postGrace = shutdownGrace - 3*time.Second

// maxInFlight is how many requests serve handles at once, their bodies
// read (bot.Unverified reads them first, on budgets of its own); more
// get 503 and Slack, Discord and Teams retry.
const maxInFlight = 256

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := m.flagSet("serve")
	m.Config.commonFlags(fs)
	m.Config.adminsFlag(fs)
	fs.StringVar(&m.Config.Addr, "addr", m.Config.Addr, "HTTP listen address (TARGETBOT_ADDR)")
	fs.StringVar(&m.Config.DebugAddr, "debug-addr", m.Config.DebugAddr, "where to serve Go's profiler, apart from --addr; off when empty (TARGETBOT_DEBUG_ADDR)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := m.setup(ctx, true); err != nil {
		return err
	}
	tuneGC(os.Getenv)
	if m.Config.DebugAddr != "" {
		d, err := startDebug(m.Config.DebugAddr, m.Logger)
		if err != nil {
			return err
		}
		defer d.Close()
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s %q: %w", source(fs, "addr", "--addr", "TARGETBOT_ADDR"), m.Config.Addr, err)
	}
	m.server = &server{ln: ln, http: &http.Server{
		Handler:           m.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}}
	m.Logger.Info("serving", "addr", ln.Addr().String(), "store", redact(m.Config.Store), "version", Version,
		"platforms", m.platformNames())
	if len(m.Platforms) == 0 {
		m.Logger.Warn("no chat platform is configured, so only /healthz, /readyz and /metrics answer: " + noPlatformHint)
	}

	// The platforms' long-lived connections stop when bg is cancelled,
	// after the HTTP server has drained. The scheduler claims nothing
	// new from SIGTERM on, but finishes what it is posting (Drain).
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wg sync.WaitGroup
	m.runPlatforms(bg, &wg)
	sched, stopSched := context.WithCancel(ctx)
	defer stopSched()
	wg.Go(func() {
		if err := m.Scheduler.Run(sched); err != nil && !errors.Is(err, context.Canceled) {
			m.Logger.Error("scheduler stopped", "err", err)
		}
	})

	serveErr := make(chan error, 1)
	go func() { serveErr <- m.server.http.Serve(ln) }()
	if m.OnListen != nil {
		m.OnListen(ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		stopSched()
		pctx, pcancel := context.WithTimeout(context.Background(), postGrace)
		defer pcancel()
		_ = m.Scheduler.Drain(pctx) // cut posts are logged and left for the next run
		cancel()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	m.Logger.Info("shutting down: draining requests in flight")
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer scancel()
	pctx, pcancel := context.WithTimeout(sctx, postGrace)
	defer pcancel()
	drained := make(chan error, 1)
	go func() { drained <- m.Scheduler.Drain(pctx) }()
	err = m.server.http.Shutdown(sctx)
	m.drainPlatforms(sctx)
	if derr := <-drained; derr != nil {
		m.Logger.Warn("scheduler posts cut at shutdown", "err", derr)
	}
	cancel()
	wg.Wait()
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	m.Logger.Info("stopped")
	return err
}

// routes is every HTTP route serve answers.
func (m *Main) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 800*time.Millisecond)
		defer cancel()
		if err := m.Store.Ping(ctx); err != nil {
			m.metrics.storeErrors.WithLabelValues("ping").Inc()
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		if down := m.platformsDown(); down != "" {
			http.Error(w, "platform connection down:\n"+down, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.metrics.registry, promhttp.HandlerOpts{}))
	mux.Handle(report.Pattern, m.reportHandler())
	m.platformRoutes(mux)
	// Bodies are read before the in-flight limit is taken: a request is
	// unverified until its body is in, and its slow reads draw on its
	// route's own budget, never on the slots of verified work.
	unverified := &bot.Unverified{
		Route: func(r *http.Request) string {
			if r.Method != http.MethodPost {
				return ""
			}
			_, pattern := mux.Handler(r)
			return pattern
		},
		Refused: func(*http.Request, int) { m.metrics.rejected.Inc() },
	}
	return withRequestID(unverified.Wrap(m.limitInFlight(mux, maxInFlight)), m.Logger)
}

// limitInFlight answers 503, with Retry-After, to requests beyond limit
// at once, and counts them. /healthz and /readyz are never turned away,
// so an orchestrator does not restart a busy process.
func (m *Main) limitInFlight(next http.Handler, limit int) http.Handler {
	slots := make(chan struct{}, limit)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			m.metrics.rejected.Inc()
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		}
	})
}

// withRequestID gives every request an id (the caller's X-Request-Id, or
// a new one), echoes it, puts it in the context, and logs the request.
func withRequestID(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !safeRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(bot.WithRequestID(r.Context(), id)))
		level := slog.LevelDebug
		if rec.status >= 400 {
			level = slog.LevelWarn
		}
		// Checked first, and attributes rather than pairs: most requests
		// log at debug, which serve does not write, and every command
		// passes here.
		if logger.Enabled(r.Context(), level) {
			logger.LogAttrs(r.Context(), level, "http", slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)))
		}
	})
}

// safeRequestID reports whether a caller's request id is fit to echo in
// a header and write in logs: 1 to 64 letters, digits and "-_.:". The
// HTTP server lets spaces, tabs and non-ASCII bytes through; an id with
// them is replaced, not trusted.
func safeRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// redact hides a password in a store URL for logs.
func redact(url string) string {
	at := -1
	for i := len(url) - 1; i >= 0; i-- {
		if url[i] == '@' {
			at = i
			break
		}
	}
	scheme := 0
	for i := 0; i+2 < len(url); i++ {
		if url[i:i+3] == "://" {
			scheme = i + 3
			break
		}
	}
	if at < 0 || scheme == 0 || at < scheme {
		return url
	}
	return url[:scheme] + "***" + url[at:]
}
