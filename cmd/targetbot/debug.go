package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugServer serves Go's profiler (net/http/pprof) on TARGETBOT_DEBUG_ADDR.
// It is off unless that is set, and it listens apart from TARGETBOT_ADDR:
// profiles show request data in memory and cost CPU to take, so they must
// never be reachable through the routes the platforms call. Bind it to
// loopback or a private interface.
type debugServer struct {
	http *http.Server
	ln   net.Listener
}

// startDebug listens on addr and serves /debug/pprof/ there.
func startDebug(addr string, logger *slog.Logger) (*debugServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on TARGETBOT_DEBUG_ADDR %q: %w", addr, err)
	}
	mux := http.NewServeMux()
	// The handlers are named one by one, rather than the package's
	// registrations on http.DefaultServeMux, which nothing here serves.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	d := &debugServer{ln: ln, http: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		// A CPU profile or trace holds its response for ?seconds=N.
		WriteTimeout: 5 * time.Minute,
		ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}}
	go func() {
		if err := d.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("debug server stopped", "err", err)
		}
	}()
	logger.Warn("serving Go's profiler on TARGETBOT_DEBUG_ADDR: keep it off public networks", "addr", ln.Addr().String())
	return d, nil
}

// Addr is where the debug server listens.
func (d *debugServer) Addr() string { return d.ln.Addr().String() }

// Close stops it at once: a profile being taken is cut short.
func (d *debugServer) Close() error { return d.http.Close() }
