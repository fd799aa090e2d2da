package report

import (
	"bufio"
	_ "embed"
	"html/template"
	"strings"
)

// The HTML report is one file fit to publish on a trust's website: its
// styles and charts are inline, it runs no script and loads nothing (its
// own Content-Security-Policy says so, for wherever it is opened), and
// it meets WCAG 2.2 AA: a language, headings in order, tables with
// captions and header cells, words wherever there is colour, charts
// with titles, descriptions and the same numbers in tables, and a print
// style. html/template writes every value, so nothing people typed can
// become markup.

//go:embed report.html.tmpl
var htmlSource string

//go:embed report.css
var cssSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"plural":        plural,
	"capital":       capital,
	"gradeWord":     gradeWord,
	"statusWord":    statusWord,
	"person":        person,
	"due":           due,
	"stamp":         stamp,
	"scoreText":     scoreText,
	"subtotalText":  subtotalText,
	"rollupText":    rollupText,
	"updateText":    updateText,
	"objectiveName": func(s Section, o Objective) string { return objectiveName(&s, &o) },
	"asAt":          func(r *Report) string { return r.asAt() },
	"quietCodes":    quietCodes,
	"actionDue":     actionDue,
	"actionStatus":  func(a Action) string { return actionStatus(a, statusWord) },
	"quiet":         func(t Target) bool { return quiet(&t) },
	"join":          strings.Join,
	"deref":         func(n *int) int { return *n },
	"targetTable": func(r *Report, s Section, ts []Target, caption string) targetTable {
		return targetTable{Caption: caption, Section: s, Targets: ts, Graded: s.Totals.Score != nil, Previous: r.Previous, PerService: perService(ts)}
	},
	"oneLine":         oneLine,
	"serviceGrades":   func(t Target) string { return serviceGradesText(&t, gradeWord) },
	"pointText":       pointText,
	"monthName":       monthName,
	"progressColumns": func(s Section) []*Objective { return progressColumns(&s) },
	"progressChart": func(s Section, o Objective, r *Report) chart {
		return progressChart("chart-"+s.ID+"-"+o.Code, objectiveName(&s, &o), o.Progress, r.AsOf)
	},
	"gradeChart":  func(s Section, r *Report) chart { return gradeChart("grades-"+s.ID, &s, r.Cycle) },
	"css":         func() template.CSS { return template.CSS(cssSource) },
	"metricsHTML": func(s Section) template.HTML { return metricsHTML(&s) },
	"date": func(r *Report) string {
		return r.AsOf.Format("2 January 2006")
	},
	"names": func(ss []Section) string {
		n := make([]string, len(ss))
		for i := range ss {
			n[i] = ss[i].Name
		}
		return strings.Join(n, "; ")
	},
}).Parse(htmlSource))

// targetTable is what the "targets" template draws: one table of
// targets, with a score column for a graded framework and a previous
// grade column when there was a previous cycle.
type targetTable struct {
	Caption  string
	Section  Section
	Targets  []Target
	Graded   bool
	Previous string
	// PerService is true when a target of the table has grades per
	// service, which a column gives.
	PerService bool
}

func (r *Report) writeHTML(b *bufio.Writer) error {
	return htmlTemplate.Execute(b, r)
}
