package report

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// Format is a way to write a report.
type Format string

// The formats.
const (
	Markdown Format = "md"   // readable as it is; pastes into a board paper
	HTML     Format = "html" // one self-contained, accessible page
	CSV      Format = "csv"  // one row per target, for spreadsheets
	JSON     Format = "json" // the Report itself, with stable field names
	XLSX     Format = "xlsx" // a workbook: a summary sheet and a sheet per framework, typed cells
)

// Formats lists every format, the default first.
var Formats = []Format{Markdown, HTML, CSV, JSON, XLSX}

// ParseFormat reads a format name, ignoring case; "markdown" is md. It
// returns an *Error (UnknownFormat) for any other name.
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "markdown" {
		s = "md"
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	known := make([]string, len(Formats))
	for i, f := range Formats {
		known[i] = string(f)
	}
	return "", &Error{Problem: UnknownFormat, Subject: s, Known: known}
}

// ContentType is the format's media type, for HTTP.
func (f Format) ContentType() string {
	switch f {
	case HTML:
		return "text/html; charset=utf-8"
	case CSV:
		return "text/csv; charset=utf-8; header=present"
	case JSON:
		return "application/json; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return "text/markdown; charset=utf-8"
	}
}

// Filename is a name to save the report as: workspace, cycle and
// format, in characters every file system takes.
func (r *Report) Filename(f Format) string {
	clean := func(s string) string {
		return strings.Map(func(c rune) rune {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
				return c
			}
			return '-'
		}, s)
	}
	return "targetbot-report-" + clean(r.Workspace) + "-" + clean(r.Cycle) + "." + string(f)
}

// Render writes the report in format f. It writes nothing on error:
// the whole report is rendered first.
func (r *Report) Render(w io.Writer, f Format) error {
	var b bytes.Buffer
	var err error
	switch summary := r.Template == SummaryTemplate; {
	case summary && f == Markdown:
		err = r.writeSummaryMarkdown(&b)
	case summary && f == HTML:
		err = r.writeSummaryHTML(&b)
	case summary && f == XLSX:
		err = r.writeSummaryXLSX(&b)
	case f == HTML:
		err = r.writeHTML(&b)
	case f == CSV:
		err = r.writeCSV(&b)
	case f == XLSX:
		err = r.writeXLSX(&b)
	case f == JSON:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		// Notes and titles keep their characters: < > & are safe in a
		// file that is never parsed as HTML.
		enc.SetEscapeHTML(false)
		err = enc.Encode(r)
	case f == Markdown:
		err = r.writeMarkdown(&b)
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}
