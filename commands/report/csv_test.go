package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
)

// The CSV is RFC 4180 in UTF-8 with a byte order mark (so Excel reads it
// as UTF-8), and no cell can run as a formula.
func TestCSV(t *testing.T) {
	hostile := []string{"=1+1", "+44 20 7946 0000", "-5% on plan", "@SUM(A1:A9)", "\tindented", "\rreturn", "plain, with a comma", "a \"quoted\" word", "two\nlines"}
	var ts []report.Target
	for i, s := range hostile {
		ts = append(ts, report.Target{Ref: "x/" + string(rune('a'+i)), Code: string(rune('a' + i)), Title: s, Owner: s,
			Status: "on-track", Grade: "unrated", Evidence: []report.Evidence{},
			LatestUpdate: &report.Update{Note: s}})
	}
	r := &report.Report{Cycle: "2026/27", Frameworks: []report.Section{{ID: "x", Objectives: []report.Objective{{Code: "1", Targets: ts}}}}}
	var b bytes.Buffer
	if err := r.Render(&b, report.CSV); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if !bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 byte order mark: %q", out[:10])
	}
	if bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) || !bytes.Contains(out, []byte(`"two`+"\r\n"+`lines"`)) {
		t.Errorf("every line must end CRLF, and a line break in a cell stay quoted inside it:\n%q", out)
	}
	for _, quoted := range []string{`"plain, with a comma"`, `"a ""quoted"" word"`} {
		if !bytes.Contains(out, []byte(quoted)) {
			t.Errorf("the CSV lacks %s, quoted as RFC 4180 says", quoted)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v", err)
	}
	if len(rows) != len(hostile)+1 || strings.Join(rows[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	for _, name := range []string{"ref", "title", "owner", "status", "progress", "due", "grade", "previous_grade", "evidence"} {
		col(name)
	}
	for i, s := range hostile {
		// A lone carriage return cannot survive CRLF line ends (commands
		// drop control characters before storing text anyway).
		want := strings.ReplaceAll(s, "\r", "")
		if strings.ContainsAny(s[:1], "=+-@\t\r") {
			want = "'" + want
		}
		for _, c := range []string{"title", "owner", "latest_note"} {
			if got := rows[i+1][col(c)]; got != want {
				t.Errorf("%s %q came out %q, want %q", c, s, got, want)
			}
		}
	}
}

// The seeded report's CSV holds every target, live and archived, with
// its evidence links one a line in one cell.
func TestCSVOfSeededReport(t *testing.T) {
	r, err := report.Build(t.Context(), seeded(t), report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, report.CSV); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+12+1+11 {
		t.Errorf("%d rows, want a header and 24 targets (12 + 1 archived + 11)", len(rows))
	}
	for _, row := range rows {
		if row[3] == "eds-2022/1A" {
			if got := strings.Split(row[17], "\n"); len(got) != 3 || got[1] != "https://example.org/eds/listening-events.pdf" {
				t.Errorf("1A evidence cell = %q", row[17])
			}
			if !strings.HasPrefix(row[16], "'=HYPERLINK(") {
				t.Errorf("1A note not neutralised: %q", row[16])
			}
			// The owner by id and by name, with their role.
			if row[6] != "amy" || row[7] != "Amy Khan, EDI lead" {
				t.Errorf("1A owner, owner_name = %q, %q", row[6], row[7])
			}
		}
	}
}
