package report

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Pattern is the route a Handler answers, for http.ServeMux: the token
// is the path's last segment. Linker makes links to it.
const Pattern = "GET " + linkPath + "{token}"

// linkPath is where report links live under the public base URL.
const linkPath = "/reports/"

// csp allows a served report nothing but its own inline styles and
// data: images: no script, font, stylesheet, frame or form, from
// anywhere. The HTML report needs no more, and a link that leaks cannot
// be made to load anything.
const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// defaultTimeout bounds the reads and rendering behind one served
// report, inside a server's usual write timeout.
const defaultTimeout = 10 * time.Second

// notFoundBody is the one answer to every refused report link.
const notFoundBody = "not found\n"

// HandlerOptions configures a Handler.
type HandlerOptions struct {
	// Source is the store reports are built from. Required.
	Source Source
	// Secret verifies links; nil refuses every link, as when report
	// links are off.
	Secret []byte
	// Frameworks, Location and Generator are Build's Options of the
	// same names.
	Frameworks []*framework.Framework
	Location   *time.Location
	Generator  string
	// Now is the clock for link expiry and the report's moment; nil
	// means time.Now.
	Now func() time.Time
	// Logger receives the reports that could not be made; nil discards.
	Logger *slog.Logger
	// Unavailable, when set, is called each time a report cannot be
	// made because the store cannot be read (for a metric).
	Unavailable func()
	// Timeout bounds the reads and rendering behind one report; 0
	// means 10 s.
	Timeout time.Duration
	// MaxBuilds bounds the reports built at once; a request for another
	// while that many are building gets 503 with Retry-After. Requests
	// for the same link share one build, whatever their formats. 0 means 4.
	MaxBuilds int
	// Built, when set, is called for each report built (for a metric).
	Built func()
}

// defaultMaxBuilds is MaxBuilds' default: a few large reports at once
// is all a small instance's memory should hold.
const defaultMaxBuilds = 4

// Handler serves report links, at Pattern: the report the token grants,
// as HTML, or as ?format=md, csv, json or xlsx. A forged, altered or expired
// token, or one for a report that can no longer be made (its workspace,
// framework or cycle is gone), gets 404 with the same body and headers,
// so a refusal says nothing about why. Every response is private,
// uncached, unindexed and forbidden to load anything.
type Handler struct {
	opts    HandlerOptions
	reports *flights[*Report]
	renders *flights[rendered]
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns a Handler.
func NewHandler(opts HandlerOptions) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Unavailable == nil {
		opts.Unavailable = func() {}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.MaxBuilds <= 0 {
		opts.MaxBuilds = defaultMaxBuilds
	}
	if opts.Built == nil {
		opts.Built = func() {}
	}
	return &Handler{opts: opts, reports: newFlights[*Report](opts.MaxBuilds), renders: newFlights[rendered](opts.MaxBuilds)}
}

// ServeHTTP answers one report link; the token is r's path value
// "token", as Pattern names it.
func (hd *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	// The token is in the URL: following an evidence link must not send it.
	h.Set("Referrer-Policy", "no-referrer")
	notFound := func() {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, notFoundBody)
	}
	if hd.opts.Secret == nil {
		notFound()
		return
	}
	now := hd.opts.Now()
	l, err := Verify(hd.opts.Secret, r.PathValue("token"), now)
	if err != nil {
		notFound()
		return
	}
	format := HTML
	if q := r.URL.Query().Get("format"); q != "" {
		if format, err = ParseFormat(q); err != nil {
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "format must be html, md, csv, json or xlsx\n")
			return
		}
	}
	// The build outlives the request that started it: others may be
	// waiting for it. Every format of a link shares one report, and
	// every request for a format one rendering of it.
	token := r.PathValue("token")
	res, err := hd.renders.do(r.Context(), token+"\x00"+string(format), func() (rendered, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), hd.opts.Timeout)
		defer cancel()
		rep, err := hd.reports.do(ctx, token, func() (*Report, error) {
			hd.opts.Built()
			return Build(ctx, hd.opts.Source, Request{Workspace: l.Workspace, Frameworks: l.Frameworks, Cycle: l.Cycle, Template: l.Template},
				Options{Frameworks: hd.opts.Frameworks, Location: hd.opts.Location, Now: now, Generator: hd.opts.Generator})
		})
		if err != nil {
			return rendered{}, err
		}
		var body bytes.Buffer
		if err := rep.Stream(&body, format); err != nil {
			return rendered{}, err
		}
		return rendered{body: body.Bytes(), filename: rep.Filename(format)}, nil
	})
	var rerr *Error
	switch {
	case errors.Is(err, errBusy):
		h.Set("Retry-After", "2")
		http.Error(w, "busy building other reports: try again shortly", http.StatusServiceUnavailable)
		return
	case r.Context().Err() != nil:
		return // the client left while another request's build ran
	case errors.As(err, &rerr):
		notFound()
		return
	case framework.ErrorCode(err) == framework.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded):
		hd.opts.Unavailable()
		hd.opts.Logger.Warn("report unavailable", "workspace", l.Workspace, "err", err)
		h.Set("Retry-After", "5")
		http.Error(w, "the report cannot be read right now: try again shortly", http.StatusServiceUnavailable)
		return
	case err != nil:
		hd.opts.Logger.Error("report failed", "workspace", l.Workspace, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", format.ContentType())
	if format == CSV || format == XLSX {
		// A spreadsheet is a file to open, named for what it holds.
		h.Set("Content-Disposition", `attachment; filename="`+res.filename+`"`)
	}
	_, _ = w.Write(res.body)
}

// rendered is a report rendered in one format, shared by every request
// for it while it is made.
type rendered struct {
	body     []byte
	filename string
}

// Linker returns a function that signs a link to a report and puts it
// under base, the public base URL a Handler is served at (with no
// trailing slash), for Pattern's route. Each call signs with secret, so
// it fails as Sign does.
func Linker(secret []byte, base string) func(Link) (string, error) {
	return func(l Link) (string, error) {
		token, err := Sign(secret, l)
		if err != nil {
			return "", err
		}
		return base + linkPath + token, nil
	}
}
