package report_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/targetbot/targetbot/commands/report"
)

// The seeded report's workbook opens with excelize: a summary sheet and
// one sheet per framework, header rows frozen, numbers as numbers,
// dates as dates, booleans as booleans, and formula-like text
// neutralised as in the CSV.
func TestXLSX(t *testing.T) {
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, report.XLSX); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	want := []string{"Summary"}
	for _, s := range r.Frameworks {
		want = append(want, s.ID)
	}
	if !slices.Equal(sheets, want) {
		t.Fatalf("sheets %v, want %v", sheets, want)
	}
	for _, sh := range sheets {
		p, err := f.GetPanes(sh)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("sheet %s: header row not frozen: %+v %v", sh, p, err)
		}
	}
	// col finds a header's column letter on a sheet.
	col := func(sheet, name string) string {
		rows, err := f.GetRows(sheet)
		if err != nil || len(rows) == 0 {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("sheet %s has no column %s: %v", sheet, name, rows[0])
		}
		c, _ := excelize.ColumnNumberToName(i + 1)
		return c
	}
	// typeOf is a cell's type: a number has no type attribute in the
	// file (Unset), so it is Number when its raw value is one.
	typeOf := func(sheet, cell string) excelize.CellType {
		ct, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err == nil && ct == excelize.CellTypeUnset {
			return excelize.CellTypeNumber
		}
		return ct
	}
	// isDate reports whether a cell's number format shows a date.
	isDate := func(sheet, cell string) bool {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.CustomNumFmt != nil && (*st.CustomNumFmt == "yyyy-mm-dd" || *st.CustomNumFmt == "yyyy-mm-dd hh:mm")
	}

	eds := "eds-2022"
	rows, _ := f.GetRows(eds)
	refCol := col(eds, "ref")
	row := func(ref string) string {
		for i := range rows {
			if v, _ := f.GetCellValue(eds, refCol+strconv.Itoa(i+1)); v == ref {
				return strconv.Itoa(i + 1)
			}
		}
		t.Fatalf("no row for %s", ref)
		return ""
	}
	a := row("eds-2022/1A")
	for _, tc := range []struct {
		column string
		typ    excelize.CellType
		date   bool
	}{
		{"progress", excelize.CellTypeNumber, false},
		{"score", excelize.CellTypeNumber, false},
		{"due", excelize.CellTypeNumber, true},
		{"latest_update", excelize.CellTypeNumber, true},
		{"graded_at", excelize.CellTypeNumber, true},
		{"overdue", excelize.CellTypeBool, false},
		{"framework_score", excelize.CellTypeNumber, false},
	} {
		cell := col(eds, tc.column) + a
		if got := typeOf(eds, cell); got != tc.typ {
			t.Errorf("%s (%s) has type %v, want %v", tc.column, cell, got, tc.typ)
		}
		if tc.date && !isDate(eds, cell) {
			t.Errorf("%s (%s) is not formatted as a date", tc.column, cell)
		}
	}
	if v, _ := f.GetCellValue(eds, col(eds, "due")+a); v == "" {
		t.Error("1A's due date is empty")
	}
	note, _ := f.GetCellValue(eds, col(eds, "latest_note")+a)
	if len(note) == 0 || note[0] != '\'' {
		t.Errorf("a note starting with = is not neutralised: %q", note)
	}
	for _, c := range []string{"score", "max", "previous_score", "targets"} {
		if got := typeOf("Summary", col("Summary", c)+"2"); got != excelize.CellTypeNumber {
			t.Errorf("summary %s has type %v, want a number", c, got)
		}
	}
	if got := typeOf("Summary", col("Summary", "generated_at")+"2"); got != excelize.CellTypeNumber || !isDate("Summary", col("Summary", "generated_at")+"2") {
		t.Errorf("generated_at is not a date")
	}
}
