package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The xlsx report is a workbook: a summary sheet with a row per
// framework, then a sheet per framework with a row per target (the CSV's
// columns). Cells are typed, so a spreadsheet sorts and sums them:
// numbers are numbers, dates and times are dates, yes/no are booleans.
// Text people typed is neutralised as in the CSV, since a workbook's
// cells are often copied into another.

// xlsxSheetMax is the longest sheet name Excel takes.
const xlsxSheetMax = 31

// day is a YYYY-MM-DD date written as a date cell, "" as an empty one.
type day string

// workbook writes typed rows into an excelize file.
type workbook struct {
	f                 *excelize.File
	date, time, head  int
	sheet             string
	row               int
	err               error
	names             map[string]bool
	firstSheetRenamed bool
}

func newWorkbook() (*workbook, error) {
	w := &workbook{f: excelize.NewFile(), names: map[string]bool{}}
	var err error
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	if w.date, err = w.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	if w.time, err = w.f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return nil, err
	}
	if w.head, err = w.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, err
	}
	return w, nil
}

// newSheet starts a sheet whose first row is header, frozen so that it
// stays in view. The first sheet takes the place of the blank one a new
// file has. Names are made unique and fit for Excel.
func (w *workbook) newSheet(name string, header []string) {
	if w.err != nil {
		return
	}
	name = w.uniqueName(name)
	if !w.firstSheetRenamed {
		w.firstSheetRenamed = true
		w.err = w.f.SetSheetName(w.f.GetSheetName(0), name)
	} else {
		_, w.err = w.f.NewSheet(name)
	}
	w.sheet, w.row = name, 0
	if w.err != nil {
		return
	}
	if len(header) > 0 {
		cells := make([]any, len(header))
		for i, h := range header {
			cells[i] = h
		}
		w.add(cells...)
		last, _ := excelize.CoordinatesToCellName(len(header), 1)
		w.setErr(w.f.SetCellStyle(name, "A1", last, w.head))
		w.setErr(w.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	}
}

// uniqueName is name without the characters Excel refuses, cut to its
// length, and numbered when taken.
func (w *workbook) uniqueName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, name)
	if name == "" {
		name = "Sheet"
	}
	base := []rune(name)
	if len(base) > xlsxSheetMax {
		base = base[:xlsxSheetMax]
	}
	name = string(base)
	for i := 2; w.names[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = string(base[:min(len(base), xlsxSheetMax-len(suffix))]) + suffix
	}
	w.names[strings.ToLower(name)] = true
	return name
}

// add writes the next row: strings (neutralised), ints, *int (nil is
// empty), bools, days and times (in their own zone's wall clock, as the
// other formats give them; the zero time is empty).
func (w *workbook) add(cells ...any) {
	if w.err != nil {
		return
	}
	w.row++
	for i, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(i+1, w.row)
		switch v := c.(type) {
		case string:
			if v != "" {
				w.setErr(w.f.SetCellStr(w.sheet, ref, neutralise(v)))
			}
		case int:
			w.setErr(w.f.SetCellInt(w.sheet, ref, int64(v)))
		case *int:
			if v != nil {
				w.setErr(w.f.SetCellInt(w.sheet, ref, int64(*v)))
			}
		case bool:
			w.setErr(w.f.SetCellBool(w.sheet, ref, v))
		case day:
			if t, err := time.Parse("2006-01-02", string(v)); err == nil {
				w.setErr(w.f.SetCellValue(w.sheet, ref, t))
				w.setErr(w.f.SetCellStyle(w.sheet, ref, ref, w.date))
			} else if v != "" {
				w.setErr(w.f.SetCellStr(w.sheet, ref, neutralise(string(v))))
			}
		case time.Time:
			if !v.IsZero() {
				w.setErr(w.f.SetCellValue(w.sheet, ref, wallClock(v)))
				w.setErr(w.f.SetCellStyle(w.sheet, ref, ref, w.time))
			}
		case *time.Time:
			if v != nil {
				w.setErr(w.f.SetCellValue(w.sheet, ref, wallClock(*v)))
				w.setErr(w.f.SetCellStyle(w.sheet, ref, ref, w.time))
			}
		default:
			w.setErr(fmt.Errorf("report: xlsx cell of type %T", c))
		}
	}
}

func (w *workbook) setErr(err error) {
	if w.err == nil {
		w.err = err
	}
}

// wallClock is t's clock in its own zone, as UTC: a spreadsheet's dates
// have no zone, and the report gives every time in the workspace's.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// finish writes the workbook to b.
func (w *workbook) finish(b *bytes.Buffer) error {
	if w.err != nil {
		return fmt.Errorf("report: write xlsx: %w", w.err)
	}
	defer w.f.Close()
	if _, err := w.f.WriteTo(b); err != nil {
		return fmt.Errorf("report: write xlsx: %w", err)
	}
	return nil
}

// XLSXSummaryHeader is the header row of the workbook's summary sheet:
// one row per framework follows.
var XLSXSummaryHeader = []string{
	"framework", "name", "workspace", "cycle", "as_of", "targets", "progress", "status", "overdue",
	"score", "max", "graded", "ungraded", "provisional", "band",
	"previous_cycle", "previous_score", "previous_band", "archived", "generated_at",
}

// writeXLSX writes the report as a workbook.
func (r *Report) writeXLSX(b *bytes.Buffer) error {
	w, err := newWorkbook()
	if err != nil {
		return fmt.Errorf("report: write xlsx: %w", err)
	}
	w.newSheet("Summary", XLSXSummaryHeader)
	for i := range r.Frameworks {
		s := &r.Frameworks[i]
		t := s.Totals
		var score, max, graded, ungraded, prevScore *int
		var provisional any = ""
		band, prevBand := "", ""
		if sc := t.Score; sc != nil {
			score, max, graded, ungraded = &sc.Sum, &sc.Max, &sc.Graded, &sc.Ungraded
			provisional, band = sc.Provisional, sc.Band
		}
		if p := t.PreviousScore; p != nil {
			prevScore, prevBand = &p.Sum, p.Band
		}
		w.add(s.ID, s.Name, r.Workspace, r.Cycle, r.AsOf, t.Targets, t.Progress, t.Status, t.Overdue,
			score, max, graded, ungraded, provisional, band, r.Previous, prevScore, prevBand, len(s.Archived), r.Generated)
	}
	for i := range r.Frameworks {
		s := &r.Frameworks[i]
		w.newSheet(s.ID, CSVHeader)
		objectives := map[string]*Objective{}
		var rows []Target
		for j := range s.Objectives {
			objectives[s.Objectives[j].Code] = &s.Objectives[j]
			rows = append(rows, s.Objectives[j].Targets...)
		}
		rows = append(rows, s.Archived...)
		for _, t := range rows {
			var latest time.Time
			note := ""
			if u := t.LatestUpdate; u != nil {
				latest, note = u.Time, u.Note
			}
			links := make([]string, len(t.Evidence))
			for k, ev := range t.Evidence {
				links[k] = ev.URL
			}
			var oScore, oPrev *int
			if o := objectives[t.Objective]; o != nil {
				oScore, oPrev = scoreSum(o.Score), scoreSum(o.PreviousScore)
			}
			cells := []any{s.ID, r.Cycle, t.Objective, t.Ref, t.Code, t.Title, t.Owner, t.OwnerName, t.Status, t.Progress, day(t.Due), t.Overdue,
				t.Grade, t.Score, t.PreviousGrade, latest, note, strings.Join(links, "\n"), t.Archived,
				t.GradeReason, t.GradedBy, t.GradedAt, t.EnteredLater, t.PreviousScore,
				oScore, oPrev, scoreSum(s.Totals.Score), band(s.Totals.Score), scoreSum(s.Totals.PreviousScore), band(s.Totals.PreviousScore)}
			for _, c := range s.csvMetricCells(t.Ref) {
				cells = append(cells, c)
			}
			// No action_of or linked_objective; then the grades per
			// service, in CSVHeader's column.
			for len(cells) < slices.Index(CSVHeader, "service_grades") {
				cells = append(cells, "")
			}
			cells = append(cells, serviceGradesText(&t, asToken))
			w.add(cells...)
		}
		// The action plan follows, as in the CSV: an action a row.
		for j := range s.Actions {
			rec := actionCSV(s, r.Cycle, &s.Actions[j])
			cells := make([]any, len(rec))
			for k, c := range rec {
				cells[k] = c
			}
			w.add(cells...)
		}
	}
	return w.finish(b)
}

// scoreSum is a score's sum, nil for none.
func scoreSum(sc *Score) *int {
	if sc == nil {
		return nil
	}
	return &sc.Sum
}
