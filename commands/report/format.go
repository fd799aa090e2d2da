package report

import (
	"bufio"
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
	if err := r.Stream(&b, f); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// streamBuffer is how much of a streamed report is held before it is
// written on.
const streamBuffer = 32 << 10

// Stream writes the report in format f as it renders it, a few KB at a
// time. On error, part of the report may have been written. serve's
// report link does not stream to its responses: it renders each format
// once into memory and shares that among the requests for it (see
// flights, and Handler.ServeHTTP).
// The xlsx workbook is the exception: it is put together in memory (a
// zip of the sheets, bounded by the report's own size, not its span)
// and then written.
func (r *Report) Stream(w io.Writer, f Format) error {
	bw := bufio.NewWriterSize(w, streamBuffer)
	var err error
	switch summary := r.Template == SummaryTemplate; {
	case f == XLSX:
		var b bytes.Buffer
		if summary {
			err = r.writeSummaryXLSX(&b)
		} else {
			err = r.writeXLSX(&b)
		}
		if err == nil {
			_, err = bw.Write(b.Bytes())
		}
	case summary && f == Markdown:
		err = r.writeSummaryMarkdown(bw)
	case summary && f == HTML:
		err = r.writeSummaryHTML(bw)
	case f == HTML:
		err = r.writeHTML(bw)
	case f == CSV:
		err = r.writeCSV(bw)
	case f == JSON:
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		// Notes and titles keep their characters: < > & are safe in a
		// file that is never parsed as HTML.
		enc.SetEscapeHTML(false)
		err = enc.Encode(r)
	case f == Markdown:
		err = r.writeMarkdown(bw)
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}
