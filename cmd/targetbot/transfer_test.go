package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/dump"
)

// dump, then restore into a new store, prints the same everywhere;
// a second restore is refused unless --replace; and each kind of bad
// file is refused in one line naming its line, leaving the store as it
// was, even with --replace.
func TestDumpAndRestore(t *testing.T) {
	dir := t.TempDir()
	src, dst := "bolt:"+filepath.Join(dir, "a.db"), "bolt:"+filepath.Join(dir, "b.db")
	mustRun(t, "", recordSession+"update eds-2022/2B 40% on-track first\nupdate eds-2022/2B 50%\nundo\n", "console", "--store", src)

	file := filepath.Join(dir, "team.jsonl")
	out, errOut := mustRun(t, "", "", "dump", "--store", src, "--out", file)
	if out != "" || !strings.HasPrefix(errOut, "dumped 1 workspace from "+src+" to "+file+"\n") {
		t.Errorf("dump --out printed %q to stdout and %q to stderr", out, errOut)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the dump file: %v, %v; want mode 0600", fi, err)
	}
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if stdout, _ := mustRun(t, "", "", "dump", "--store", src); stdout != string(text) {
		t.Errorf("dump to stdout differs from dump --out")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.partial")); len(leftovers) != 0 {
		t.Errorf("dump left %q", leftovers)
	}

	out, _ = mustRun(t, "", "", "restore", "--store", dst, "--in", file)
	mustContain(t, out, "restored 1 workspace from "+file+" into "+dst, "local")
	const views = "show eds-2022/2B\nhistory eds-2022/2B all\nhistory eds-2022/2E\nlist eds-2022\ncycle\n"
	before, _ := mustRun(t, "", views, "console", "--store", src)
	after, _ := mustRun(t, "", views, "console", "--store", dst)
	if before != after {
		t.Errorf("the restored store prints differently:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	one := "bolt:" + filepath.Join(dir, "one.db")
	mustRun(t, "", "", "restore", "--store", one, "--in", file, "--workspace", "local")
	_, _, err = run(t, "", "", "restore", "--store", one, "--in", file, "--workspace", "slack:T9")
	if err == nil || err.Error() != `restore: the dump has no workspace "slack:T9": it has local` {
		t.Errorf("restore --workspace of a workspace not in the dump: %v", err)
	}

	_, _, err = run(t, "", "", "restore", "--store", dst, "--in", file)
	if err == nil || err.Error() != "restore: workspace local holds records already: nothing was written; --replace replaces it" {
		t.Errorf("a second restore: %v", err)
	}
	mustRun(t, "", string(text), "restore", "--store", dst, "--replace")
	unchanged := func(what string) {
		t.Helper()
		if got, _ := mustRun(t, "", "", "dump", "--store", dst); got != string(text) {
			t.Errorf("%s changed the store", what)
		}
	}
	unchanged("a restore with --replace of the same dump")

	lines := strings.SplitAfter(string(text), "\n")
	update := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `{"type":"update"`) {
			update = i
		}
	}
	bad := map[string]struct {
		text string
		want string
	}{
		"cut short":             {string(text[:len(text)-10]), "line " + strconv.Itoa(len(lines)-1) + ": the line does not end"},
		"a newer version":       {strings.Replace(string(text), `"targetbot_dump":1`, `"targetbot_dump":2`, 1), "line 1: a dump of version 2, from a newer targetbot"},
		"not JSON":              {strings.Replace(string(text), lines[update], "update eds/1.1 40%\n", 1), "line " + strconv.Itoa(update+1) + ": not one JSON object"},
		"an unknown type":       {strings.Replace(string(text), lines[update], `{"type":"claim","workspace":"local"}`+"\n", 1), "line " + strconv.Itoa(update+1) + `: unknown record type "claim"`},
		"another workspace":     {strings.Replace(string(text), lines[update], strings.Replace(lines[update], `"workspace":"local"`, `"workspace":"slack:T9"`, 1), 1), "line " + strconv.Itoa(update+1) + `: a update record of workspace "slack:T9", which the header does not list`},
		"a target not in it":    {strings.Replace(string(text), lines[update], strings.Replace(lines[update], `"target":"eds-2022/2B"`, `"target":"eds-2022/9Z"`, 1), 1), "line " + strconv.Itoa(update+1) + ": "},
		"no end line":           {strings.Join(lines[:len(lines)-2], ""), "line " + strconv.Itoa(len(lines)-1) + ": the dump ends without its end line"},
		"a line after the end":  {string(text) + "{}\n", "line " + strconv.Itoa(len(lines)) + ": a line after the end line"},
		"an empty file":         {"", "line 1: the file is empty"},
		"not a dump at all":     {"hello\n", "line 1: not a targetbot dump"},
		"an update id twice":    {strings.Replace(string(text), lines[update], lines[update]+lines[update], 1), "line " + strconv.Itoa(update+2) + `: id "`},
		"a field it lacks":      {strings.Replace(string(text), lines[update], strings.Replace(lines[update], `"author"`, `"writer"`, 1), 1), "line " + strconv.Itoa(update+1) + `: update record: unknown field "writer"`},
		"a bad date in a field": {strings.Replace(string(text), `"cycle":"2027/28"`, `"cycle":"2027-28"`, 1), "line 2: current cycle"},
	}
	for name, tt := range bad {
		path := filepath.Join(dir, "bad.jsonl")
		if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := run(t, "", "", "restore", "--store", dst, "--in", path, "--replace")
		if err == nil || !strings.HasPrefix(err.Error(), "restore: "+path+": "+tt.want) || !strings.HasSuffix(err.Error(), "(nothing was restored)") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line starting %q", name, err, "restore: "+path+": "+tt.want)
		}
		unchanged("a restore of a dump with " + name)
	}
}

// On a terminal, progress is one line redrawn in place at most ten
// times a second, and cleared before the summary; elsewhere, nothing.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	pr := &progress{w: &buf, on: true, now: func() time.Time { return now }}
	pr.show(dump.Progress{Step: "restore", Workspace: "local", Done: 1024, Total: 101001})
	pr.show(dump.Progress{Step: "restore", Workspace: "local", Done: 2048, Total: 101001}) // too soon: not drawn
	now = now.Add(150 * time.Millisecond)
	pr.show(dump.Progress{Step: "dump", Workspace: "slack:T1", Done: 12345})
	pr.show(dump.Progress{Step: "restore", Workspace: "local", Done: 101001, Total: 101001}) // a step's end: always drawn
	pr.reading("team.jsonl", 2_500_000, 10_000_000)                                          // too soon
	pr.clear()
	want := "\r\033[Krestore local: 1,024 of 101,001 records (1%)" +
		"\r\033[Kdump slack:T1: 12,345 records" +
		"\r\033[Krestore local: 101,001 of 101,001 records (100%)" +
		"\r\033[K"
	if buf.String() != want {
		t.Errorf("progress drew %q, want %q", buf.String(), want)
	}

	buf.Reset()
	off := &progress{w: &buf, now: time.Now}
	off.show(dump.Progress{Step: "dump", Workspace: "local", Done: 1, Total: 1})
	off.reading("x", 1, 2)
	off.clear()
	if buf.Len() != 0 {
		t.Errorf("progress off a terminal drew %q", buf.String())
	}
	// A Main whose stderr is not a terminal (a test's buffer) draws none.
	m, _, _ := testMain(t, "", "")
	if m.newProgress().on {
		t.Error("progress is on for a buffer")
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 101001: "101,001", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
