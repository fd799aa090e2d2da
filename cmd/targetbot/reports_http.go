package main

import (
	"net/http"

	"github.com/targetbot/targetbot/commands/report"
)

// reportLinker is the Handler's ReportLink: it signs a link for 30 days
// and puts it under TARGETBOT_PUBLIC_URL. It is nil, and chat's `report`
// says how to enable links, unless both the public URL and the secret
// are set.
func (m *Main) reportLinker() func(report.Link) (string, error) {
	if m.linkSecret == nil {
		return nil
	}
	return report.Linker(m.linkSecret, m.publicURL)
}

// reportHandler serves the links reportLinker makes, at report.Pattern.
// With links off it is still mounted, and refuses every token alike.
func (m *Main) reportHandler() http.Handler {
	return report.NewHandler(report.HandlerOptions{
		Source:      m.Store,
		Secret:      m.linkSecret,
		Frameworks:  m.frameworks,
		Location:    m.loc,
		Generator:   "targetbot " + Version,
		Now:         m.Now,
		Logger:      m.Logger,
		Unavailable: m.metrics.storeErrors.WithLabelValues("report").Inc,
		Built:       m.metrics.reports.Inc,
	})
}
