package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
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
