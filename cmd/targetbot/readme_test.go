package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's console examples with what they print")

// The README's console examples are run as written: each ```console
// block's `printf '…' | USER=sam go run ./cmd/targetbot` line is run
// through Main, one block after another on one store in an empty folder,
// and must print exactly the block's output. Times in the README are
// written for the test clock (fixedNow, in Europe/London).
func TestREADMEConsoleExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```console\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("the README has no console examples")
	}
	cmdLine := regexp.MustCompile(`^\$ printf '([^']*)' \| USER=sam go run ./cmd/targetbot\n`)
	url := "bolt:" + filepath.Join(t.TempDir(), "targetbot.db")
	text := string(readme)
	for i, b := range blocks {
		m := cmdLine.FindStringSubmatch(b[1])
		if m == nil {
			t.Fatalf("console example %d does not start with a `$ printf '…' | USER=sam go run ./cmd/targetbot` line:\n%s", i+1, b[1])
		}
		script := strings.NewReplacer(`\n`, "\n", "%%", "%").Replace(m[1])
		want := b[1][len(m[0]):]
		// The session's output ends with a blank line; the block does not.
		got := strings.TrimRight(runConsole(t, url, script), "\n") + "\n"
		if *updateREADME {
			text = strings.Replace(text, b[0], "```console\n"+m[0]+got+"```", 1)
			continue
		}
		if got != want {
			t.Errorf("console example %d prints:\n%s\nthe README says:\n%s\n(go test ./cmd/targetbot -run README -update-readme rewrites it)", i+1, got, want)
		}
	}
	if *updateREADME {
		if err := os.WriteFile(filepath.Join("..", "..", "README.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
