package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// run runs targetbot with args on a Main with the given stdin, and
// returns what it printed and its error.
func run(t *testing.T, prefix, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errOut := testMain(t, "", stdin)
	m.RedisPrefix = prefix
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	err = m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), errOut.String(), err
}

// mustRun is run that fails the test on an error.
func mustRun(t *testing.T, prefix, stdin string, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, err := run(t, prefix, stdin, args...)
	if err != nil {
		t.Fatalf("targetbot %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out, errOut
}

// teamSession is the done-when: both EDS frameworks imported,
// grades in two cycles, evidence, 500 updates (one undone) and a digest
// subscription.
func teamSession() string {
	var b strings.Builder
	b.WriteString("import eds\nimport eds-2022\nassign eds/1.1 @sam\ndue eds/1.1 2026-12-31\n")
	b.WriteString("rate eds-2022/1A developing no policy yet\nrate eds/1.1 undeveloped\ncycle start 2027/28\nrate eds-2022/1A achieving audit done\n")
	b.WriteString("evidence eds/1.1 https://nhs.example/board Board paper\nevidence eds-2022/1A https://nhs.example/policy\n")
	b.WriteString("digest here\nsnooze eds/1.2 2w on leave\nedit eds/1.3 Retitled outcome\n")
	refs := []string{"eds/1.1", "eds/1.2", "eds-2022/1A", "eds-2022/2B", "eds/4.3"}
	for i := range 500 {
		fmt.Fprintf(&b, "update %s %d%% on-track note %d\n", refs[i%len(refs)], i%100, i)
	}
	b.WriteString("undo\n")
	return b.String()
}

// views are the reads the migrated team compares: every target's show
// and history, the lists, and the digest.
const views = "show eds/1.1\nshow eds-2022/1A\nshow eds/1.2\nshow eds/1.3\nhistory eds/1.1 all\nhistory eds-2022/1A all\nhistory eds/1.2 all\n" +
	"list\nlist eds\nlist eds-2022\nlist mine\nshow 1\ncycle\ndigest now\n"

// The done-when, as a test: a team on bbolt moves to Redis with
// `targetbot migrate`, which prints what it moved and verifies it, and
// then show, history and list print the same on both stores, and the
// two stores dump the same records.
func TestMigrateBoltToRedis(t *testing.T) {
	dir := t.TempDir()
	bolt := "bolt:" + filepath.Join(dir, "targetbot.db")
	redisURL, prefix := redistest.Start(t), redistest.Prefix(t)
	mustRun(t, "", teamSession(), "console", "--store", bolt)
	teamsServiceURL(t, filepath.Join(dir, "targetbot.db"), "teams:tenant-1", "https://smba.trafficmanager.net/uk/")

	out, _ := mustRun(t, prefix, "", "migrate", "--from", bolt, "--to", redisURL)
	mustContain(t, out, "migrated 2 workspaces from "+bolt+" to "+redisURL+", each read back and compared",
		"workspace", "updates", "withdrawn", "evidence", "grades", "subscriptions", "and the adapter state (such as Teams service URLs) of 1 workspace")
	local := tableRow(t, out, "local")
	// 29 targets; 500 updates, 1 withdrawn; 9 events (assign, due, 3
	// rates, 2 evidence, snooze, edit); 3 grades (2 closed with 2026/27,
	// 1 since); 1 closed cycle; 1 subscription.
	if want := []string{"local", "29", "0", "500", "1", "9", "2", "3", "1", "1"}; strings.Join(local, " ") != strings.Join(want, " ") {
		t.Errorf("migrate's row for local = %q, want %q\n%s", local, want, out)
	}

	onBolt, _ := mustRun(t, "", views, "console", "--store", bolt)
	onRedis, _ := mustRun(t, prefix, views, "console", "--store", redisURL)
	if onBolt != onRedis {
		t.Errorf("the stores print differently after the migrate:\nbolt:\n%s\nredis:\n%s", onBolt, onRedis)
	}
	mustContain(t, onRedis, "History of eds/1.1", "note 495", "Board paper", "achieving (2027/28)", "developing (2026/27)", "#console")

	dumpBolt, _ := mustRun(t, "", "", "dump", "--store", bolt)
	dumpRedis, _ := mustRun(t, prefix, "", "dump", "--store", redisURL)
	if dumpBolt != dumpRedis {
		t.Errorf("the stores dump differently after the migrate")
	}
	// The earlier release's file beside the bbolt file was imported into
	// the workspace once, and the URL moved with the workspace's records.
	if _, err := os.Stat(filepath.Join(dir, "targetbot.db.teams.json.migrated")); err != nil {
		t.Errorf("the Teams file of an earlier release was not imported: %v", err)
	}
	c := redistest.Client(t, redisURL)
	if got, _ := c.HGet(context.Background(), prefix+":{teams:tenant-1}:adapter", teams.ServiceURLKey).Result(); got != "https://smba.trafficmanager.net/uk/" {
		t.Errorf("the Teams service URL moved as %q", got)
	}

	// Again, without --replace: refused whole, in one line, nothing moved.
	_, _, err := run(t, prefix, "", "migrate", "--from", bolt, "--to", redisURL)
	if err == nil || !strings.Contains(err.Error(), "workspaces local, teams:tenant-1 hold records already: nothing was written; --replace replaces them") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a second migrate: %v", err)
	}
	mustRun(t, prefix, "", "migrate", "--from", bolt, "--to", redisURL, "--replace", "--workspace", "local")
}

// teamsServiceURL gives the bbolt store at path a Teams workspace, and
// keeps its service URL in a file beside the store, as releases before
// adapter state did.
func teamsServiceURL(t *testing.T, path, ws, url string) {
	t.Helper()
	s, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	fw := &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}}}}}
	if _, err := s.Import(context.Background(), ws, fw, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]string{ws: url})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".teams.json", data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// tableRow is the fields of the summary table's row for ws.
func tableRow(t *testing.T, out, ws string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == ws {
			return f
		}
	}
	t.Fatalf("no row for %s in:\n%s", ws, out)
	return nil
}

// Bad migrate flags fail in one line, and a store to copy from that
// does not exist is not made.
func TestMigrateFlags(t *testing.T) {
	dir := t.TempDir()
	bolt, missing := "bolt:"+filepath.Join(dir, "x.db"), "bolt:"+filepath.Join(dir, "missing.db")
	mustRun(t, "", "import eds\n", "console", "--store", bolt)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate"}, "--from and --to are both required"},
		{[]string{"migrate", "--from", bolt}, "--from and --to are both required"},
		{[]string{"migrate", "--from", bolt, "--to", bolt}, "are the same store"},
		{[]string{"migrate", "--from", bolt, "--to", "nope.db"}, `--to "nope.db" has no scheme`},
		{[]string{"migrate", "--from", "redis://u:secret@127.0.0.1:1/0", "--to", bolt}, "cannot reach the store at redis://***@127.0.0.1:1/0"},
		{[]string{"migrate", "--from", missing, "--to", bolt}, "--from " + missing + ": there is no such file"},
		{[]string{"dump", "--store", missing}, "--store " + missing + ": there is no such file"},
		{[]string{"dump", "--store", bolt, "--workspace", "slack:T9"}, `workspace "slack:T9" holds no records: this store holds local`},
	} {
		_, _, err := run(t, "", "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: err = %v, want one line containing %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(strings.TrimPrefix(missing, "bolt:")); err == nil {
		t.Errorf("a refused migrate or dump created %s", missing)
	}
}
