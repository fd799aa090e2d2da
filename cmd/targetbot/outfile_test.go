package main

import (
	"context"
	"path/filepath"
	"testing"
)

// --out into a folder that does not exist is one sentence that names the
// folder, for every subcommand that writes a file: not os's "open …: no
// such file or directory", nor the name of a temporary file.
func TestOutIntoMissingFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	for _, tt := range []struct {
		args []string
		file string
		sub  string
	}{
		{[]string{"report"}, "r.md", "report"},
		{[]string{"dump"}, "d.jsonl", "dump"},
		{[]string{"teams", "manifest", "--app-id", teamsAppID}, "app.zip", "teams manifest"},
	} {
		store := "bolt:" + filepath.Join(t.TempDir(), "t.db")
		seed, _, _ := testMain(t, store, "import eds\n")
		if err := seed.Run(context.Background(), []string{"console"}); err != nil {
			t.Fatal(err)
		}
		_ = seed.Close()
		m, _, _ := testMain(t, store, "")
		out := filepath.Join(missing, tt.file)
		err := m.Run(context.Background(), append(tt.args, "--out", out))
		want := tt.sub + ": --out " + out + ": the folder " + missing + " does not exist: create it, or choose another path"
		if err == nil || err.Error() != want {
			t.Errorf("%v --out %s: err = %v\nwant %s", tt.args, out, err, want)
		}
	}
}
