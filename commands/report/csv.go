package report

import (
	"bufio"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
)

// CSVHeader is the CSV report's header row: one row per target follows,
// live targets then archived ones, then the framework's actions (whose
// action_of names the target they move), framework by framework.
var CSVHeader = []string{
	"framework", "cycle", "objective", "ref", "code", "title", "owner", "owner_name", "status", "progress", "due", "overdue",
	"grade", "score", "previous_grade", "latest_update", "latest_note", "evidence", "archived",
	"grade_reason", "graded_by", "graded_at", "entered_later", "previous_score",
	"objective_score", "objective_previous_score", "framework_score", "framework_band", "framework_previous_score", "framework_previous_band",
	// A metric target's unit, baseline, goal and band, and its values,
	// one period a line (commands/report/metrics_render.go).
	"metric_unit", "metric_baseline", "metric_goal", "metric_band", "metric_values",
	"action_of", "linked_objective",
	// A target's grades per service, "ae: achieving, op: developing",
	// where its objective is graded per service (services.go).
	"service_grades",
}

// bom starts the file so that Excel reads it as UTF-8, not the system's
// code page: names and notes keep their accents and quotes.
const bom = "\ufeff"

// writeCSV writes RFC 4180 CSV (CRLF line ends, fields quoted when they
// hold a comma, quote or line break) in UTF-8 with a byte order mark.
func (r *Report) writeCSV(b *bufio.Writer) error {
	b.WriteString(bom)
	w := csv.NewWriter(b)
	w.UseCRLF = true
	if err := w.Write(CSVHeader); err != nil {
		return err
	}
	for _, s := range r.Frameworks {
		var rows []Target
		objectives := map[string]*Objective{}
		for i, o := range s.Objectives {
			rows = append(rows, o.Targets...)
			objectives[o.Code] = &s.Objectives[i]
		}
		rows = append(rows, s.Archived...)
		for _, t := range rows {
			rec := []string{
				s.ID, r.Cycle, t.Objective, t.Ref, t.Code, t.Title, t.Owner, t.OwnerName, t.Status, strconv.Itoa(t.Progress), t.Due, yesNo(t.Overdue),
				t.Grade, "", t.PreviousGrade, "", "", "", yesNo(t.Archived),
				t.GradeReason, t.GradedBy, "", yesNo(t.EnteredLater), optInt(t.PreviousScore),
				"", "", "", "", "", "",
			}
			if t.GradedAt != nil {
				rec[21] = t.GradedAt.Format("2006-01-02 15:04")
			}
			if o := objectives[t.Objective]; o != nil {
				rec[24], rec[25] = sum(o.Score), sum(o.PreviousScore)
			}
			rec[26], rec[27] = sum(s.Totals.Score), band(s.Totals.Score)
			rec[28], rec[29] = sum(s.Totals.PreviousScore), band(s.Totals.PreviousScore)
			if t.Score != nil {
				rec[13] = strconv.Itoa(*t.Score)
			}
			if u := t.LatestUpdate; u != nil {
				rec[15] = u.Time.Format("2006-01-02 15:04")
				rec[16] = u.Note
			}
			links := make([]string, len(t.Evidence))
			for i, ev := range t.Evidence {
				links[i] = ev.URL
			}
			// One link a line: the cell stays one cell, and each link
			// stays whole for a spreadsheet to follow.
			rec[17] = strings.Join(links, "\n")
			rec = append(rec, s.csvMetricCells(t.Ref)...)
			rec = append(rec, make([]string, len(CSVHeader)-len(rec))...) // a target has no action_of, no linked_objective
			rec[slices.Index(CSVHeader, "service_grades")] = serviceGradesText(&t, asToken)
			for i := range rec {
				rec[i] = neutralise(rec[i])
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		for i := range s.Actions {
			rec := actionCSV(&s, r.Cycle, &s.Actions[i])
			for j := range rec {
				rec[j] = neutralise(rec[j])
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	return w.Error()
}

// optInt is n, or "" for none.
func optInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// sum is a score's sum, "" for none.
func sum(sc *Score) string {
	if sc == nil {
		return ""
	}
	return strconv.Itoa(sc.Sum)
}

// band is a score's band, "" for none or none yet.
func band(sc *Score) string {
	if sc == nil {
		return ""
	}
	return sc.Band
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// neutralise stops a spreadsheet from reading a cell as a formula (CSV
// injection): a cell that starts with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, which spreadsheets show as text.
// Every cell goes through it, since titles, notes and owners are typed
// by people the reader has not met.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
