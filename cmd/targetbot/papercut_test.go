package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// An error names the setting the user gave: $USER or --user, --addr or
// TARGETBOT_ADDR; and a bad TARGETBOT_ADMINS entry is shown as the
// local: entry it was probably meant to be.
func TestPapercutErrorsBlameWhatWasGiven(t *testing.T) {
	url := "bolt:" + t.TempDir() + "/x.db"
	m, _, _ := testMain(t, url, "")
	m.Config.User = "a b"
	err := m.Run(context.Background(), []string{"console"})
	if err == nil || !strings.Contains(err.Error(), `$USER "a b"`) || strings.Contains(err.Error(), `--user "a b"`) {
		t.Errorf("a bad $USER: %v", err)
	}
	m, _, _ = testMain(t, url, "")
	err = m.Run(context.Background(), []string{"console", "--user", "c d"})
	if err == nil || !strings.Contains(err.Error(), `--user "c d"`) {
		t.Errorf("a bad --user: %v", err)
	}

	m, _, _ = testMain(t, url, "")
	m.Config.Admins = "bob"
	err = m.Run(context.Background(), []string{"console"})
	if err == nil || !strings.Contains(err.Error(), "local:bob") {
		t.Errorf("TARGETBOT_ADMINS=bob: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	m, _, _ = testMain(t, url, "")
	err = m.Run(context.Background(), []string{"serve", "--addr", ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "--addr") || strings.Contains(err.Error(), "TARGETBOT_ADDR") {
		t.Errorf("a busy --addr: %v", err)
	}
	_ = m.Close()
	m, _, _ = testMain(t, url, "")
	m.Config.Addr = ln.Addr().String()
	err = m.Run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "TARGETBOT_ADDR") {
		t.Errorf("a busy TARGETBOT_ADDR: %v", err)
	}
}

// report, run-schedules and dump in a folder with no database refuse
// without creating one, and name no variable the user never set.
func TestPapercutNoDatabaseIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{{"report"}, {"run-schedules"}, {"dump"}} {
		m, _, _ := testMain(t, DefaultStore, "")
		m.Config.StoreFrom = storeFrom(func(string) string { return "" })
		err := m.Run(context.Background(), args)
		if err == nil || !strings.Contains(err.Error(), "there is no targetbot.db in this folder") || strings.Contains(err.Error(), "TARGETBOT_STORE bolt:") {
			t.Errorf("%v: %v", args, err)
		}
		_ = m.Close()
		if _, serr := os.Stat(filepath.Join(dir, "targetbot.db")); serr == nil {
			t.Fatalf("%v created targetbot.db", args)
		}
	}
}

// help SUBCOMMAND shows that subcommand's flags; a bad flag is echoed as
// typed; healthcheck's --url shows one default; make build stamps the
// version from git describe.
func TestPapercutCLISurface(t *testing.T) {
	m, out, _ := testMain(t, "", "")
	if err := m.Run(context.Background(), []string{"help", "serve"}); err != nil && !errors.Is(err, flag.ErrHelp) {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Usage of targetbot serve") || !strings.Contains(out.String(), "-addr") {
		t.Errorf("help serve = %s", out)
	}
	m, _, _ = testMain(t, "", "")
	err := m.Run(context.Background(), []string{"serve", "--bogus"})
	if err == nil || !strings.Contains(err.Error(), "unknown flag --bogus") || strings.Contains(err.Error(), " -bogus") {
		t.Errorf("serve --bogus: %v", err)
	}
	m, out, _ = testMain(t, "", "")
	_ = m.Run(context.Background(), []string{"healthcheck", "--help"})
	if n := strings.Count(out.String(), "default"); n != 2 || strings.Count(out.String(), "(default") != 1 {
		t.Errorf("healthcheck --help shows defaults %d times:\n%s", n, out)
	}
	mk, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil || !strings.Contains(string(mk), "git describe") || !strings.Contains(string(mk), "-X main.Version=$(VERSION)") {
		t.Errorf("make build does not stamp the version: %v", err)
	}
	if !strings.Contains(string(mk), "TARGETBOT_SKIP_NOTES=") {
		t.Errorf("make test does not collect the browser test's skip notice")
	}
}

// report --out into a missing folder says so, without Go's raw error.
func TestPapercutReportOutMissingFolder(t *testing.T) {
	url := "bolt:" + filepath.Join(t.TempDir(), "x.db")
	runConsole(t, url, "import eds\n")
	m, _, _ := testMain(t, url, "")
	missing := filepath.Join(t.TempDir(), "nope", "r.md")
	err := m.Run(context.Background(), []string{"report", "--out", missing})
	if err == nil || !strings.Contains(err.Error(), "the folder "+filepath.Dir(missing)+" does not exist") || strings.Contains(err.Error(), "open ") {
		t.Errorf("report --out %s: %v", missing, err)
	}
}

// An unreachable store stops the console, report and run-schedules with
// one sentence: no log line before it, no driver error chain in it.
func TestPapercutUnreachableStoreIsOneSentence(t *testing.T) {
	for _, sub := range []string{"console", "report", "run-schedules", "dump"} {
		m, _, errOut := testMain(t, "redis://127.0.0.1:1/0", "help\n")
		err := m.Run(context.Background(), []string{sub})
		if err == nil || strings.Contains(err.Error(), "redisstore") || strings.Contains(err.Error(), "dial tcp") || strings.Contains(err.Error(), "(") {
			t.Errorf("%s: err = %v", sub, err)
		}
		if errOut.Len() > 0 {
			t.Errorf("%s printed before its error:\n%s", sub, errOut)
		}
		_ = m.Close()
	}
}

// dump, restore and report do not offer --admins, which would do
// nothing there; the subcommands that run commands do.
func TestPapercutAdminsFlagOnlyWhereItCounts(t *testing.T) {
	for sub, want := range map[string]bool{"dump": false, "restore": false, "report": false, "console": true, "serve": true, "run-schedules": true} {
		m, out, _ := testMain(t, "", "")
		_ = m.Run(context.Background(), []string{sub, "--help"})
		if got := strings.Contains(out.String(), "-admins"); got != want {
			t.Errorf("%s --help lists --admins: %v, want %v", sub, got, want)
		}
	}
}

// --help lists the subcommands, and each subcommand's flags, in two
// aligned columns: no flag or synopsis runs into its description, and
// every description starts at the same column. A synopsis too long for
// the column has its description on the next line, at the column.
func TestPapercutHelpColumns(t *testing.T) {
	flagLine := regexp.MustCompile(`^  (--[a-z0-9-]+(?: [a-z]+)?) {2,}(\S.*)$`)
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"console", "--help"}, {"serve", "--help"}, {"run-schedules", "--help"},
		{"slack", "manifest", "--help"}, {"discord", "register", "--help"}, {"teams", "manifest", "--help"},
		{"report", "--help"}, {"healthcheck", "--help"}, {"dump", "--help"}, {"restore", "--help"},
		{"migrate", "--help"}, {"workspace", "rename", "--help"},
	} {
		m, out, _ := testMain(t, "", "")
		_ = m.Run(context.Background(), args)
		col, rows, wrapped := 0, 0, false
		aligned := func(line string, at int) {
			if col == 0 {
				col = at
			}
			if at != col {
				t.Errorf("%v: the description starts at column %d, not %d like the others:\n%s", args, at, col, line)
			}
		}
		for _, line := range strings.Split(out.String(), "\n") {
			switch {
			case wrapped:
				wrapped = false
				desc := strings.TrimLeft(line, " ")
				if desc == "" || strings.HasPrefix(desc, "targetbot ") {
					t.Errorf("%v: a synopsis with no description after it:\n%s", args, line)
					continue
				}
				aligned(line, len(line)-len(desc))
			case strings.HasPrefix(line, "  -"):
				rows++
				g := flagLine.FindStringSubmatch(line)
				if g == nil {
					t.Errorf("%v: the flag runs into its description, or has none beside it:\n%s", args, line)
					continue
				}
				aligned(line, len(line)-len(g[2]))
			case strings.HasPrefix(line, "  targetbot"):
				rows++
				synopsis, _, ok := strings.Cut(line[2:], "  ")
				if !ok {
					wrapped = true
					continue
				}
				desc := strings.TrimLeft(line[2+len(synopsis):], " ")
				aligned(line, len(line)-len(desc))
			}
		}
		if rows == 0 {
			t.Errorf("%v printed no flags or subcommands:\n%s", args, out)
		}
	}
}
