package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
)

// A report written to a file is meant to be published: the HTML asks no
// search engine to stay away (served links say so in a header instead).
func TestHTMLFileIsIndexable(t *testing.T) {
	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, report.HTML); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "noindex") {
		t.Error("the HTML report carries noindex")
	}
}
