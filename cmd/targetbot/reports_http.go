package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

// reportCSP allows a served report nothing but its own inline styles and
// data: images: no script, font, stylesheet, frame or form, from
// anywhere. The HTML report needs no more, and a link that leaks cannot
// be made to load anything.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// reportTimeout bounds the reads and rendering behind one served report,
// inside the server's write timeout.
const reportTimeout = 10 * time.Second

// notFoundBody is the one answer to every refused report link.
const notFoundBody = "not found\n"

// reportLinker is the Handler's ReportLink: it signs a link for 30 days
// and puts it under TARGETBOT_PUBLIC_URL. It is nil, and chat's `report`
// says how to enable links, unless both the public URL and the secret
// are set.
func (m *Main) reportLinker() func(report.Link) (string, error) {
	if m.linkSecret == nil {
		return nil
	}
	secret, base := m.linkSecret, m.publicURL
	return func(l report.Link) (string, error) {
		token, err := report.Sign(secret, l)
		if err != nil {
			return "", err
		}
		return base + "/reports/" + token, nil
	}
}

// serveReport is GET /reports/{token}: the report the token grants, as
// HTML, or as ?format=md, csv or json. A forged, altered or expired
// token, or one for a report that can no longer be made (its workspace,
// framework or cycle is gone), gets 404 with the same body and headers,
// so a refusal says nothing about why. Every response is private,
// uncached, unindexed and forbidden to load anything.
func (m *Main) serveReport(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Security-Policy", reportCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	// The token is in the URL: following an evidence link must not send it.
	h.Set("Referrer-Policy", "no-referrer")
	notFound := func() {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, notFoundBody)
	}
	if m.linkSecret == nil {
		notFound()
		return
	}
	l, err := report.Verify(m.linkSecret, r.PathValue("token"), m.Now())
	if err != nil {
		notFound()
		return
	}
	format := report.HTML
	if q := r.URL.Query().Get("format"); q != "" {
		if format, err = report.ParseFormat(q); err != nil {
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "format must be html, md, csv or json\n")
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), reportTimeout)
	defer cancel()
	rep, err := report.Build(ctx, m.Store, report.Request{Workspace: l.Workspace, Frameworks: l.Frameworks, Cycle: l.Cycle},
		report.Options{Frameworks: m.frameworks, Location: m.loc, Now: m.Now(), Generator: "targetbot " + Version})
	var body bytes.Buffer
	if err == nil {
		err = rep.Render(&body, format)
	}
	var rerr *report.Error
	switch {
	case errors.As(err, &rerr):
		notFound()
		return
	case framework.ErrorCode(err) == framework.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded):
		m.metrics.storeErrors.WithLabelValues("report").Inc()
		m.Logger.Warn("report unavailable", "workspace", l.Workspace, "err", err)
		h.Set("Retry-After", "5")
		http.Error(w, "the report cannot be read right now: try again shortly", http.StatusServiceUnavailable)
		return
	case err != nil:
		m.Logger.Error("report failed", "workspace", l.Workspace, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", format.ContentType())
	if format == report.CSV {
		// A spreadsheet is a file to open, named for what it holds.
		h.Set("Content-Disposition", `attachment; filename="`+rep.Filename(format)+`"`)
	}
	_, _ = w.Write(body.Bytes())
}
