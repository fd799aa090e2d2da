package main

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// metrics are the Prometheus series served on /metrics. They live in a
// registry of their own, not the global one.
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	posts       *prometheus.CounterVec
	storeErrors *prometheus.CounterVec
	rejected    prometheus.Counter
	reports     prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "targetbot_requests_total",
			Help: "Commands handled, by platform, command and outcome (ok or an error code).",
		}, []string{"platform", "command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "targetbot_request_duration_seconds",
			Help:    "Time to handle a command, by platform and command.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"platform", "command"}),
		posts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "targetbot_posts_total",
			Help: "Digests and reminders posted, by platform and outcome.",
		}, []string{"platform", "outcome"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "targetbot_store_errors_total",
			Help: "Store failures seen, by where they were seen (command, ping).",
		}, []string{"source"}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "targetbot_http_rejected_total",
			Help: "HTTP requests turned away: 503 because too many were in flight or a webhook route's budget of slow reads was full, or 408 for a body sent too slowly.",
		}),
		reports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "targetbot_report_builds_total",
			Help: "Reports built for report links; identical requests at once share one build.",
		}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.posts, m.storeErrors, m.rejected, m.reports,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// instrumentedHandler counts and times every command and logs it: one
// line per command, at info, at warn when the store was unavailable, or at
// error for an internal error.
type instrumentedHandler struct {
	next   bot.Handler
	m      *metrics
	logger *slog.Logger
	series seriesCache
}

func (m *metrics) instrument(h bot.Handler, logger *slog.Logger) *instrumentedHandler {
	return &instrumentedHandler{next: h, m: m, logger: logger}
}

// Handle implements bot.Handler.
func (h *instrumentedHandler) Handle(ctx context.Context, r bot.Request) bot.Reply {
	start := time.Now()
	reply := h.next.Handle(ctx, r)
	elapsed := time.Since(start)
	platform, command, outcome := r.Platform(), reply.Command, reply.Code
	if command == "" {
		command = "unknown"
	}
	if outcome == "" {
		outcome = "ok"
	}
	s := h.series.get(h.m, seriesKey{platform, command, outcome})
	s.requests.Inc()
	s.latency.Observe(elapsed.Seconds())
	if reply.Code == framework.EUNAVAILABLE {
		h.m.storeErrors.WithLabelValues("command").Inc()
	}
	// An unavailable store (a Redis restart, a Cluster failover's
	// MOVED) is expected now and then, and the user was told to try
	// again: a warning. An internal error is a bug: an error.
	level := slog.LevelInfo
	switch reply.Code {
	case framework.EINTERNAL:
		level = slog.LevelError
	case framework.EUNAVAILABLE:
		level = slog.LevelWarn
	}
	if lh := h.logger.Handler(); lh.Enabled(ctx, level) {
		// The record is made here rather than by LogAttrs, which would
		// also take the caller's stack (runtime.Callers) for a source
		// that is always this line and that no handler here prints.
		rec := slog.NewRecord(start.Add(elapsed), level, "command", 0)
		rec.AddAttrs(slog.String("workspace", r.Workspace), slog.String("user", r.User),
			slog.String("command", command), slog.String("outcome", outcome), slog.Duration("duration", elapsed),
			slog.String("request_id", r.ID))
		_ = lh.Handle(ctx, rec)
	}
	return reply
}

// Complete implements bot.Completer when the wrapped handler does.
func (h *instrumentedHandler) Complete(ctx context.Context, ws, prefix string, limit int) []bot.Choice {
	if c, ok := h.next.(bot.Completer); ok {
		return c.Complete(ctx, ws, prefix, limit)
	}
	return nil
}

var _ bot.Installer = (*instrumentedHandler)(nil)

// Installed implements bot.Installer when the wrapped handler does; when
// it does not, the reply is empty, and adapters post no welcome.
func (h *instrumentedHandler) Installed(ctx context.Context, r bot.Request) bot.Reply {
	if i, ok := h.next.(bot.Installer); ok {
		return i.Installed(ctx, r)
	}
	return bot.Reply{}
}

// instrumentedLanguage is an instrumentedHandler over a handler that
// declares its command language, which it offers through as its own, so
// the adapters it is given still find it (bot.Language).
type instrumentedLanguage struct {
	*instrumentedHandler
	bot.Language
}

// instrumentHandler is h instrumented, offering h's language when h
// declares one.
func (m *metrics) instrumentHandler(h bot.Handler, logger *slog.Logger) bot.Handler {
	ih := m.instrument(h, logger)
	if l, ok := h.(bot.Language); ok {
		return instrumentedLanguage{ih, l}
	}
	return ih
}

// countingPoster counts posts by outcome.
type countingPoster struct {
	next     bot.Poster
	platform string
	m        *metrics
}

func (m *metrics) countPosts(platform string, p bot.Poster) bot.Poster {
	return &countingPoster{next: p, platform: platform, m: m}
}

// Post implements bot.Poster.
func (p *countingPoster) Post(ctx context.Context, msg bot.Message) error {
	err := p.next.Post(ctx, msg)
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	p.m.posts.WithLabelValues(p.platform, outcome).Inc()
	return err
}

// seriesKey names one command series: its labels.
type seriesKey struct{ platform, command, outcome string }

// series are the metrics of one seriesKey, resolved from their vectors.
type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// seriesCache keeps each command series' metrics once resolved:
// WithLabelValues hashes the labels and looks them up under a lock on
// every call, and commands hit a handful of series over and over. Reads
// take no lock: the map is replaced, never changed, when a series is
// added, which happens once per series in the process's life.
type seriesCache struct {
	m  atomic.Pointer[map[seriesKey]series]
	mu sync.Mutex // serialises additions
}

func (c *seriesCache) get(m *metrics, k seriesKey) series {
	if cur := c.m.Load(); cur != nil {
		if s, ok := (*cur)[k]; ok {
			return s
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil {
		if s, ok := (*old)[k]; ok {
			return s
		}
	}
	s := series{
		requests: m.requests.WithLabelValues(k.platform, k.command, k.outcome),
		latency:  m.latency.WithLabelValues(k.platform, k.command),
	}
	next := make(map[seriesKey]series, 1)
	if old != nil {
		next = make(map[seriesKey]series, len(*old)+1)
		for kk, v := range *old {
			next[kk] = v
		}
	}
	next[k] = s
	c.m.Store(&next)
	return s
}
