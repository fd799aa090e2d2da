package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// reportVerb answers `report [<framework-id>] [<cycle>]` with a short
// summary of each framework in the cycle (its score and band, and its
// counts) and a link to the full report that serve hands out; or, in
// the console, with the whole report in Markdown.
func (h *Handler) reportVerb(ctx context.Context, c *call) (bot.Reply, error) {
	fw, cycle, tmpl := c.arg("framework"), c.arg("cycle"), c.arg("template")
	if c.text() {
		// `summary` may come anywhere: framework ids and cycles are
		// never called that.
		words := make([]string, c.args.len())
		for i := range words {
			words[i] = c.args.at(i)
		}
		n := len(words)
		if i := slices.IndexFunc(words, func(w string) bool { return strings.EqualFold(w, string(report.SummaryTemplate)) }); i >= 0 {
			tmpl, n = string(report.SummaryTemplate), n-1
			words = slices.Delete(words, i, i+1)
		}
		switch {
		case n > 2:
			return bot.Reply{}, usageError("report", "", "name at most a framework, a grading cycle and summary")
		case n == 0:
			fw, cycle = "", ""
		case n == 1 && strings.Contains(words[0], "/"):
			// One word like 2025/26 is a cycle: framework ids have no slash.
			fw, cycle = "", words[0]
		case n == 1:
			fw, cycle = words[0], ""
		default:
			fw, cycle = words[0], words[1]
		}
	}
	template, err := report.ParseTemplate(tmpl)
	if err != nil {
		return bot.Reply{}, reportErr(err)
	}
	req := report.Request{Workspace: c.req.Workspace, Cycle: cycle, Summary: !h.inline, Template: template}
	if fw != "" {
		req.Frameworks = []string{fw}
	}
	r, err := report.Build(ctx, h.store, req, report.Options{
		Frameworks: h.frameworks, Location: h.loc, Now: c.now, Generator: "targetbot " + h.version,
	})
	if err != nil {
		return bot.Reply{}, reportErr(err)
	}
	if h.inline {
		var b bytes.Buffer
		if err := r.Render(&b, report.Markdown); err != nil {
			return bot.Reply{}, &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("commands: render report: %w", err)}
		}
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{{Text: bot.Escape(strings.TrimRight(b.String(), "\n"))}}}, nil
	}
	title := "Report for " + r.Cycle + ", as at " + r.AsOf.Format("2006-01-02 15:04")
	if !r.Current {
		title = "Report for " + r.Cycle + ", as it closed on " + r.AsOf.Format("2006-01-02")
	}
	blocks := []bot.Block{{Title: title}}
	for i := range r.Frameworks {
		blocks = append(blocks, summaryBlock(&r.Frameworks[i], r.Previous))
	}
	link, err := h.linkText(c, r)
	if err != nil {
		return bot.Reply{}, err
	}
	blocks = append(blocks, bot.Block{Text: link})
	return bot.Reply{Ephemeral: true, Blocks: blocks}, nil
}

// summaryBlock is one framework's figures: its score and band when it
// has grading, its counts by status and by grade, and its archived
// targets.
func summaryBlock(s *report.Section, previous string) bot.Block {
	t := s.Totals
	var lines []string
	colour := view.StatusColour(framework.Status(t.Status))
	if sc := t.Score; sc != nil {
		if sc.Band != "" {
			colour = view.RatingColour(framework.Rating(sc.Band))
		}
		line := "Score " + view.ScoreWords(sc.Framework(), s.TargetLabel, view.Rating)
		if p := t.PreviousScore; p != nil {
			line += " · in " + previous + ": " + view.ScoreWords(p.Framework(), s.TargetLabel, view.Rating)
		}
		lines = append(lines, line)
	}
	counts := []string{plural(t.Targets, s.TargetLabel), view.ProgressBar(t.Progress)}
	for _, c := range t.ByStatus {
		if c.Count > 0 {
			counts = append(counts, fmt.Sprintf("%s %d %s", view.StatusEmoji(framework.Status(c.Name)), c.Count, c.Name))
		}
	}
	if t.Overdue > 0 {
		counts = append(counts, fmt.Sprintf("⚠️ %d overdue", t.Overdue))
	}
	lines = append(lines, strings.Join(counts, " · "))
	grades := make([]string, len(t.ByGrade))
	for i, g := range t.ByGrade {
		r, _ := framework.ParseRating(g.Name)
		grades[i] = fmt.Sprintf("%s %d", view.Rating(r), g.Count)
	}
	lines = append(lines, "Grades: "+strings.Join(grades, " · "))
	if n := len(s.Archived); n > 0 {
		lines = append(lines, plural(n, "archived "+s.TargetLabel)+", listed apart in the full report")
	}
	return bot.Block{Title: code(s.ID) + " " + bot.Escape(s.Name), Text: strings.Join(lines, "\n"), Colour: colour}
}

// linkText is the line that leads to the full report: its link and the
// other formats', or how to enable links when the deployment has none.
func (h *Handler) linkText(c *call, r *report.Report) (string, error) {
	if h.reportLink == nil {
		return "Links to the full report are not enabled here: whoever runs targetbot can set TARGETBOT_PUBLIC_URL and TARGETBOT_LINK_SECRET (see the README's Reports section). Meanwhile " +
			code("targetbot report") + " prints it.", nil
	}
	l := report.Link{Workspace: c.req.Workspace, Cycle: r.Cycle, Template: r.Template, Expires: c.now.Add(report.LinkTTL)}
	for _, s := range r.Frameworks {
		l.Frameworks = append(l.Frameworks, s.ID)
	}
	url, err := h.reportLink(l)
	if err != nil {
		return "", &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: fmt.Errorf("commands: sign report link: %w", err)}
	}
	expires := l.Expires.In(r.AsOf.Location()).Format("2 January 2006")
	return fmt.Sprintf("%s, to publish or print · %s · %s · %s\nAnyone with these links can read the report until %s: share them with care.",
		bot.Link(url, "Open the full report"), bot.Link(url+"?format=csv", "CSV"), bot.Link(url+"?format=md", "Markdown"),
		bot.Link(url+"?format=json", "JSON"), expires), nil
}

// reportErr words why a report cannot be made, for chat. A store error
// goes through storeErr as every other store error does.
func reportErr(err error) error {
	var e *report.Error
	if !errors.As(err, &e) {
		return storeErr("build report", err)
	}
	known := make([]string, len(e.Known))
	for i, k := range e.Known {
		known[i] = code(k)
	}
	s := code(short(e.Subject, 40))
	var msg string
	field, kind := "", framework.ENOTFOUND
	switch e.Problem {
	case report.UnknownWorkspace, report.NothingImported:
		msg = "there is nothing to report yet: an admin can import a framework with `/target import <framework-id>` (see `/target frameworks`)"
	case report.UnknownFramework:
		field, msg = "framework", "unknown framework "+s+": report on one imported here, "+orList(known)
	case report.NotImported:
		field, msg = "framework", "framework "+s+" is not imported here: an admin can run "+code("/target import "+short(e.Subject, 40))+", or report on "+orList(known)
	case report.UnknownCycle:
		field, kind = "cycle", framework.EINVALID
		msg = "there is no grading cycle " + s + " here: choose " + orList(known) + " (see `/target cycle`)"
	case report.NotGraded:
		field = "framework"
		msg = "the summary lays out a graded framework, and " + s + " has no grading"
		if len(known) > 0 {
			msg += ": report on " + orList(known)
		}
	case report.UnknownTemplate:
		field, kind = "template", framework.EINVALID
		msg = "there is no report template " + s + ": choose " + orList(known)
	default:
		return &framework.Error{Code: framework.EINTERNAL, Message: "internal error", Err: err}
	}
	return &framework.Error{Code: kind, Field: field, Message: msg, Err: err}
}
