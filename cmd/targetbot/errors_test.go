package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/store/boltstore"
)

// A bbolt file another process holds stops every subcommand that opens
// it with one sentence that says so and what to do: no Go error chain,
// and nothing else on stderr.
func TestLockedStoreIsOneSentence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "targetbot.db")
	held, err := boltstore.Open(path, nil) // the other process
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	want := "another targetbot process is using " + path + ": stop it, or give your commands to that one, and try again (to run several at once, keep the store in Redis)"
	for _, sub := range []string{"console", "dump"} {
		m, _, errOut := testMain(t, "bolt:"+path, "list\n")
		err := m.Run(context.Background(), []string{sub})
		if err == nil || err.Error() != want {
			t.Errorf("%s on a held file: err = %v\nwant %s", sub, err, want)
		}
		if errOut.Len() > 0 {
			t.Errorf("%s printed %q before it", sub, errOut)
		}
	}
}

// An unreachable store is one sentence on stderr: the log lines and
// the driver's error chain stay out of it.
func TestUnreachableStoreIsOneSentence(t *testing.T) {
	for _, sub := range []string{"console", "run-schedules", "report", "dump"} {
		m, _, errOut := testMain(t, "redis://127.0.0.1:1/0", "list\n")
		err := m.Run(context.Background(), []string{sub})
		if err == nil || err.Error() != "cannot reach the store at redis://127.0.0.1:1/0: is it running?" {
			t.Errorf("%s: err = %v", sub, err)
		}
		if errOut.Len() > 0 {
			t.Errorf("%s printed %q before it", sub, errOut)
		}
	}
}

// A custom frameworks folder that cannot be read is named with the
// variable or the flag that gave it; a mistake in a file in it, with the
// file, the line and a sentence, never a Go type.
func TestFrameworksFolderErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fw")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "mine.yaml"), []byte("id: mine\nname: Mine\nobjectives:\n  - code: a\n    titel: A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	for _, tt := range []struct {
		name, env string
		args      []string
		want      string
	}{
		{"variable", missing, nil, "TARGETBOT_FRAMEWORKS_DIR names " + missing + ", which does not exist: point TARGETBOT_FRAMEWORKS_DIR at the folder of your framework YAML files, or leave it unset for the built-in frameworks only"},
		{"flag", "", []string{"--frameworks-dir", missing}, "--frameworks-dir names " + missing + ", which does not exist: point --frameworks-dir at"},
		{"flag over the variable", bad, []string{"--frameworks-dir", filepath.Join(bad, "mine.yaml")}, "--frameworks-dir names " + filepath.Join(bad, "mine.yaml") + ", which is not a folder"},
		{"a file's mistake", bad, nil, filepath.Join(bad, "mine.yaml") + ` line 5: unknown field "titel" in an objective; did you mean "title"?`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
			m.Config = ConfigFromEnv(func(k string) string {
				if k == "TARGETBOT_FRAMEWORKS_DIR" {
					return tt.env
				}
				return ""
			})
			m.Config.Store, m.Config.User = "bolt:"+filepath.Join(t.TempDir(), "t.db"), "sam"
			err := m.Run(context.Background(), append([]string{"console"}, tt.args...))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "framework.") || strings.Contains(err.Error(), "catalog:") {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
}
