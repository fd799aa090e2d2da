package report

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
)

// writeSummaryMarkdown draws the summary document in Markdown: a
// heading per section, its paragraphs, its tables with their captions
// in bold above them.
func (r *Report) writeSummaryMarkdown(b *bufio.Writer) error {
	d := r.summaryDoc()
	fmt.Fprintf(b, "# %s\n", mdHead(d.Title))
	for _, p := range d.Intro {
		fmt.Fprintf(b, "\n%s\n", mdPara(p))
	}
	for _, s := range d.Sections {
		fmt.Fprintf(b, "\n## %s\n", mdHead(s.Heading))
		for _, t := range s.Tables {
			fmt.Fprintf(b, "\n**%s**\n\n|", mdText(t.Caption))
			for _, h := range t.Header {
				fmt.Fprintf(b, " %s |", md(h))
			}
			b.WriteString("\n|" + strings.Repeat("---|", len(t.Header)) + "\n")
			for _, row := range t.Rows {
				b.WriteString("|")
				for _, c := range row {
					fmt.Fprintf(b, " %s |", mdCell(c))
				}
				b.WriteString("\n")
			}
		}
		for _, p := range s.Paras {
			fmt.Fprintf(b, "\n%s\n", mdPara(p))
		}
	}
	return nil
}

// mdCell is a cell's text and links, on one line.
func mdCell(c cell) string {
	parts := []string{}
	if c.Text != "" {
		parts = append(parts, md(c.Text))
	}
	for _, ev := range c.Links {
		parts = append(parts, mdLink(ev.URL, ev.Title))
	}
	return strings.Join(parts, " · ")
}

//go:embed summary.html.tmpl
var summarySource string

var summaryTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"css":     func() template.CSS { return template.CSS(cssSource) },
	"oneLine": oneLine,
}).Parse(summarySource))

// writeSummaryHTML draws the summary document as one self-contained,
// accessible page, as the default report is.
func (r *Report) writeSummaryHTML(b *bufio.Writer) error {
	return summaryTemplate.Execute(b, struct {
		*Report
		Doc doc
	}{r, r.summaryDoc()})
}

// writeSummaryXLSX draws the summary document as a workbook: its
// paragraphs on a first sheet, then each table on a sheet of its own
// with its header row frozen.
func (r *Report) writeSummaryXLSX(b *bytes.Buffer) error {
	w, err := newWorkbook()
	if err != nil {
		return fmt.Errorf("report: write xlsx: %w", err)
	}
	d := r.summaryDoc()
	w.newSheet("Summary", []string{"section", "text"})
	w.add(d.Title, "")
	for _, p := range d.Intro {
		w.add("", p)
	}
	for _, s := range d.Sections {
		for _, p := range s.Paras {
			w.add(s.Heading, p)
		}
	}
	for _, s := range d.Sections {
		for _, t := range s.Tables {
			w.newSheet(t.Sheet, t.Header)
			for _, row := range t.Rows {
				cells := make([]any, len(row))
				for i, c := range row {
					switch {
					case c.Num != nil:
						cells[i] = *c.Num
					case c.Date != "" && !strings.Contains(c.Text, " "):
						cells[i] = c.Date
					default:
						v := c.Text
						for _, ev := range c.Links {
							v = strings.TrimPrefix(v+"\n"+ev.URL, "\n")
						}
						cells[i] = v
					}
				}
				w.add(cells...)
			}
		}
	}
	return w.finish(b)
}
