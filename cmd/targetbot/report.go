package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/targetbot/targetbot/bot/console"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

// runReport is `targetbot report`: one workspace's report on its
// frameworks for a grading cycle, in a format to publish, on stdout or
// in a file. Anything it cannot report on is one line, and exit 1.
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.flagSet("report")
	m.Config.commonFlags(fs)
	ws := fs.String("workspace", console.Workspace, "the workspace to report on: local (the console's), or slack:T…, discord:…, teams:…")
	fw := fs.String("framework", "", "report on this framework only (default: every framework the workspace has imported)")
	cycle := fs.String("cycle", "", "the grading cycle, such as 2025/26 (default: the current one)")
	formatName := fs.String("format", string(report.Markdown), "md, html, csv, json or xlsx")
	tmplName := fs.String("template", "default", "default, or summary: the EDS 2022 summary report (md, html or xlsx)")
	out := fs.String("out", "", "write the report to this file instead of stdout")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	format, err := report.ParseFormat(*formatName)
	if err != nil {
		return fmt.Errorf("report: --format %q is not a format: use md, html, csv, json or xlsx", *formatName)
	}
	tmpl, err := report.ParseTemplate(*tmplName)
	if err != nil {
		return fmt.Errorf("report: --template %q is not a template: use default or summary", *tmplName)
	}
	if m.Logger == nil {
		// Stdout is the report: keep logs to warnings, on stderr.
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	m.quietStore, m.existingStore = true, true
	if err := m.setup(ctx, false); err != nil {
		return err
	}
	if err := checkReachable(ctx, m.Store, m.Config.Store, m.Logger); err != nil {
		return err
	}
	req := report.Request{Workspace: *ws, Cycle: *cycle, Template: tmpl}
	if *fw != "" {
		req.Frameworks = []string{*fw}
	}
	rep, err := report.Build(ctx, m.Store, req, report.Options{Frameworks: m.frameworks, Location: m.loc, Now: m.Now(), Generator: "targetbot " + Version})
	if err != nil {
		return m.reportError(ctx, req, err)
	}
	var b bytes.Buffer
	if err := rep.Render(&b, format); err != nil {
		return fmt.Errorf("report: %v", err)
	}
	if *out == "" {
		_, err := m.Stdout.Write(b.Bytes())
		return err
	}
	// Written whole or not at all: the report is rendered before the
	// file is touched.
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", &outFileError{path: *out, err: err})
	}
	names := make([]string, len(rep.Frameworks))
	for i, s := range rep.Frameworks {
		names[i] = s.ID
	}
	kind := string(format) + " report"
	if tmpl == report.SummaryTemplate {
		kind = string(format) + " EDS summary"
	}
	fmt.Fprintf(m.Stdout, "wrote %s: %s of %s for %s\n", *out, kind, strings.Join(names, ", "), rep.Cycle)
	return nil
}

// reportError words Build's refusal as the one line main prints, saying
// what the store has instead.
func (m *Main) reportError(ctx context.Context, req report.Request, err error) error {
	var e *report.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("report: %s", framework.ErrorMessage(err))
	}
	known := strings.Join(e.Known, ", ")
	switch e.Problem {
	case report.UnknownWorkspace:
		msg := fmt.Sprintf("report: workspace %q has stored nothing in %s", e.Subject, redact(m.Config.Store))
		if wss, werr := m.Store.Workspaces(ctx); werr == nil && len(wss) > 0 {
			ids := make([]string, 0, len(wss))
			for _, w := range wss {
				ids = append(ids, w.ID)
			}
			if len(ids) > 10 {
				ids = append(ids[:10], fmt.Sprintf("and %d more", len(ids)-10))
			}
			msg += ": its workspaces are " + strings.Join(ids, ", ")
		}
		return errors.New(msg)
	case report.NothingImported:
		return fmt.Errorf("report: workspace %q has imported no framework yet: import one first (in chat, /target import <framework-id>)", e.Subject)
	case report.UnknownFramework:
		return fmt.Errorf("report: --framework %q is not a framework: workspace %s has imported %s", e.Subject, req.Workspace, known)
	case report.NotImported:
		return fmt.Errorf("report: framework %q is not imported in workspace %s, which has imported %s", e.Subject, req.Workspace, known)
	case report.NotGraded:
		return fmt.Errorf("report: the summary lays out a graded framework, and %q has no grading: workspace %s has these graded frameworks: %s", e.Subject, req.Workspace, known)
	case report.UnknownCycle:
		cycles := append([]string{e.Known[0] + " (current)"}, e.Known[1:]...)
		return fmt.Errorf("report: --cycle %q is not a grading cycle of workspace %s: its cycles are %s", e.Subject, req.Workspace, strings.Join(cycles, ", "))
	}
	return fmt.Errorf("report: %v", err)
}
