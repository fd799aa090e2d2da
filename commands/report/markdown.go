package report

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// writeMarkdown writes the report as GitHub-flavoured Markdown that also
// reads well as plain text: headings, short paragraphs and tables, in
// the order of a published EDS report (each objective with its targets'
// grades, scores and evidence, then the totals and the band).
func (r *Report) writeMarkdown(b *bufio.Writer) error {
	fmt.Fprintf(b, "# Report for grading cycle %s\n\n", mdHead(r.Cycle))
	fmt.Fprintf(b, "- **Workspace:** %s\n", mdText(r.Workspace))
	fmt.Fprintf(b, "- **Cycle:** %s.", mdText(r.asAt()))
	if r.Previous != "" {
		fmt.Fprintf(b, " Previous cycle: %s.", mdText(r.Previous))
	}
	fmt.Fprintf(b, "\n- **Generated:** %s by %s\n", stamp(r.Generated), mdText(r.Generator))
	for i := range r.Frameworks {
		r.sectionMarkdown(b, &r.Frameworks[i])
	}
	return nil
}

func (r *Report) sectionMarkdown(b *bufio.Writer, s *Section) {
	fmt.Fprintf(b, "\n## %s\n\n", mdHead(s.Name))
	fmt.Fprintf(b, "Framework `%s`: %s and %s.", s.ID, plural(len(s.Objectives), s.ObjectiveLabel), plural(s.Totals.Targets, s.TargetLabel))
	if s.Description != "" {
		fmt.Fprintf(b, " %s", mdText(s.Description))
	}
	b.WriteString("\n")
	graded := s.Totals.Score != nil
	for i := range s.Objectives {
		o := &s.Objectives[i]
		fmt.Fprintf(b, "\n### %s\n\n", mdHead(objectiveName(s, o)))
		if o.Narrative != "" {
			fmt.Fprintf(b, "%s\n\n", mdPara(o.Narrative))
		}
		line := rollupText(o.Rollup, s.TargetLabel)
		if o.Score != nil && o.Rollup.Targets > 0 {
			line += " · score " + subtotalText(o.Score, s.TargetLabel)
			if o.PreviousScore != nil {
				line += " · in " + r.Previous + ": " + subtotalText(o.PreviousScore, s.TargetLabel)
			}
		}
		fmt.Fprintf(b, "%s\n", mdPara(line))
		if len(o.Targets) == 0 {
			continue
		}
		b.WriteString("\n")
		r.targetTable(b, s, o.Targets, graded)
		if quiet := quietCodes(o.Targets); len(quiet) > 0 {
			fmt.Fprintf(b, "\nNo update in %s and no evidence: %s.\n", mdText(r.Cycle), mdText(strings.Join(quiet, ", ")))
		}
		for j := range o.Targets {
			if t := &o.Targets[j]; !quiet(t) {
				fmt.Fprintf(b, "\n#### %s %s\n\n", mdText(t.Code), mdHead(t.Title))
				r.targetDetails(b, t)
			}
		}
	}

	fmt.Fprintf(b, "\n### Totals\n\n%s\n", mdPara(rollupText(s.Totals.Rollup, s.TargetLabel)))
	if sc := s.Totals.Score; sc != nil {
		fmt.Fprintf(b, "\n**Score: %s**\n", mdText(scoreText(sc, s.TargetLabel)))
		if prev := s.Totals.PreviousScore; prev != nil {
			fmt.Fprintf(b, "\nScore in %s: %s\n", mdText(r.Previous), mdText(scoreText(prev, s.TargetLabel)))
		}
	}
	fmt.Fprintf(b, "\n| Status | %s |\n|---|--:|\n", capital(s.TargetLabel)+"s")
	for _, c := range s.Totals.ByStatus {
		fmt.Fprintf(b, "| %s | %d |\n", c.Name, c.Count)
	}
	fmt.Fprintf(b, "\n| Grade in %s | %s |\n|---|--:|\n", md(r.Cycle), capital(s.TargetLabel)+"s")
	for _, c := range s.Totals.ByGrade {
		fmt.Fprintf(b, "| %s | %d |\n", c.Name, c.Count)
	}

	if cols := progressColumns(s); len(cols) > 0 {
		fmt.Fprintf(b, "\n### Progress over time\n\nThe mean progress of each %s's %ss at the end of each month, replayed from the update history; the last month is as at %s.\n\n",
			s.ObjectiveLabel, s.TargetLabel, stamp(r.AsOf))
		b.WriteString("| Month |")
		for _, o := range cols {
			fmt.Fprintf(b, " %s %s |", capital(s.ObjectiveLabel), md(o.Code))
		}
		b.WriteString("\n|---|" + strings.Repeat("--:|", len(cols)) + "\n")
		for m := range cols[0].Progress {
			fmt.Fprintf(b, "| %s |", cols[0].Progress[m].Month)
			for _, o := range cols {
				fmt.Fprintf(b, " %s |", pointText(o.Progress[m]))
			}
			b.WriteString("\n")
		}
	}

	r.metricsMarkdown(b, s)

	if len(s.Archived) > 0 {
		fmt.Fprintf(b, "\n### Archived %ss\n\nArchived %ss are left out of the roll-ups, totals and score above.\n\n", s.TargetLabel, s.TargetLabel)
		r.targetTable(b, s, s.Archived, graded)
	}
	actionsMarkdown(b, s)
}

// targetTable is one row per target: the figures, without the notes and
// evidence, which follow it.
func (r *Report) targetTable(b *bufio.Writer, s *Section, ts []Target, graded bool) {
	fmt.Fprintf(b, "| %s | Title | Owner | Status | Progress | Due | Grade |", capital(s.TargetLabel))
	align := "|---|---|---|---|--:|---|---|"
	if graded {
		b.WriteString(" Score |")
		align += "--:|"
	}
	if r.Previous != "" {
		fmt.Fprintf(b, " %s grade |", md(r.Previous))
		align += "---|"
	}
	services := perService(ts)
	if services {
		b.WriteString(" Grades per service |")
		align += "---|"
	}
	b.WriteString("\n" + align + "\n")
	for i := range ts {
		t := &ts[i]
		fmt.Fprintf(b, "| %s | %s | %s | %s | %d%% | %s | %s |", md(t.Code), md(oneLine(t.Title)), md(person(t.Owner, t.OwnerName)), t.Status, t.Progress, due(t), t.Grade)
		if graded {
			switch {
			case t.Score != nil:
				fmt.Fprintf(b, " %d |", *t.Score)
			case t.Local:
				b.WriteString(" not scored (local) |")
			default:
				b.WriteString(" – |")
			}
		}
		if r.Previous != "" {
			fmt.Fprintf(b, " %s |", t.PreviousGrade)
		}
		if services {
			fmt.Fprintf(b, " %s |", md(serviceGradesText(t, asToken)))
		}
		b.WriteString("\n")
	}
}

// targetDetails are a target's latest update and its evidence.
func (r *Report) targetDetails(b *bufio.Writer, t *Target) {
	if t.GradedBy != "" {
		fmt.Fprintf(b, "- Grade: %s\n", mdText(gradeNote(t)))
	}
	if u := t.LatestUpdate; u != nil {
		fmt.Fprintf(b, "- Latest update: %s", mdText(updateText(u)))
		if n := oneLine(u.Note); n != "" {
			fmt.Fprintf(b, ", “%s”", mdText(n))
		}
		b.WriteString("\n")
	} else {
		fmt.Fprintf(b, "- Latest update: none in %s\n", mdText(r.Cycle))
	}
	if len(t.Evidence) == 0 {
		b.WriteString("- Evidence: none\n")
		return
	}
	b.WriteString("- Evidence:\n")
	for _, ev := range t.Evidence {
		fmt.Fprintf(b, "  - %s (%s, %s)\n", mdLink(ev.URL, ev.Title), mdText(person(ev.Author, ev.AuthorName)), ev.Time.Format("2006-01-02"))
	}
}

// quiet reports whether a target has nothing to show beyond its row:
// no update in the cycle, no evidence and no graded note.
func quiet(t *Target) bool { return t.LatestUpdate == nil && len(t.Evidence) == 0 && t.GradedBy == "" }

// quietCodes are the codes of the quiet targets, which a report names
// together rather than giving each a section that says "none" twice.
func quietCodes(ts []Target) []string {
	var out []string
	for i := range ts {
		if quiet(&ts[i]) {
			out = append(out, ts[i].Code)
		}
	}
	return out
}

// progressColumns are the objectives with progress over time to show.
func progressColumns(s *Section) []*Objective {
	var cols []*Objective
	for i := range s.Objectives {
		if len(s.Objectives[i].Progress) > 0 {
			cols = append(cols, &s.Objectives[i])
		}
	}
	return cols
}

// pointText is a point's progress, or a dash when no target existed.
func pointText(p Point) string {
	if p.Targets == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", p.Progress)
}

// mdURL percent-encodes the characters that would end a link's
// destination early. Evidence URLs have no spaces or controls.
var mdURL = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", " ", "%20")

// mdLink is a link labelled with its title, or with its URL when it has
// none. A URL that is not http or https (javascript:, data:, say, from
// an edited dump) is never a link: it is shown as inert text.
func mdLink(url, title string) string {
	label := oneLine(title)
	if !framework.ValidURL(url) {
		if label == "" {
			return md(url)
		}
		return md(label) + " (" + md(url) + ")"
	}
	if label == "" {
		label = url
	}
	return "[" + escapeMD(label, placeLabel) + "](" + mdURL.Replace(url) + ")"
}
