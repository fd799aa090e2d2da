package report_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/targetbot/targetbot/commands/report"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/ with what the code now writes")

// The seeded workspace's report, in every format, is exactly the golden
// file: the JSON's field names are a published contract, and the other
// formats change only on purpose. Review a diff after -update as you
// would a change to the README.
func TestGoldenReports(t *testing.T) {
	s := seeded(t)
	r, err := report.Build(context.Background(), s, report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range report.Formats {
		if f == report.XLSX {
			continue // a zip with its own timestamps: TestXLSX opens it
		}
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := r.Render(&b, f); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+string(f))
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./commands/report -run Golden -update writes it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("the %s report differs from %s; if the change is meant, rerun with -update and review the diff.\ngot:\n%s", f, golden, b.Bytes())
			}
		})
	}
}
