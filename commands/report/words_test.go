package report_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
)

// The HTML report words every grade and status the same way wherever it
// shows one on its own (a cell, a row's header, a badge, a chart's bar,
// the previous cycle's grade): capitalised, as "Developing" and "On
// track", never as the record's lower-case token beside a capitalised one.
func TestHTMLGradeAndStatusWording(t *testing.T) {
	s := seeded(t)
	r, err := report.Build(context.Background(), s, report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, r, report.HTML)
	token := `(undeveloped|developing|achieving|excelling|unrated|not-started|on-track|at-risk|off-track|done)`
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`>` + token + `<`),
		regexp.MustCompile(`in \d{4}/\d{2}: ` + token + `\b`),
	} {
		if m := re.FindAllString(html, 3); len(m) > 0 {
			t.Errorf("the HTML report shows a grade or status as its lower-case token: %q", m)
		}
	}
	for _, want := range []string{">Developing<", ">On track<", ">Not started<", "in 2025/26: Undeveloped", "<td>Unrated</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
}
