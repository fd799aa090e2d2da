package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// renameSession is a workspace with targets, updates (one undone),
// events, evidence, grades and a digest subscription, made in the console.
const renameSession = "import eds\nassign eds/1.1 @sam\nrate eds/1.1 developing policy\n" +
	"evidence eds/1.1 https://nhs.example/board Board paper\nupdate eds/1.1 40% on-track first\n" +
	"update eds/1.2 10% at-risk second\nundo\ndigest here\n"

// renameViews are what the console shows of a workspace, before and
// after a rename, as the same user.
const renameViews = "show eds/1.1\nhistory eds/1.1\nlist\n"

// TestWorkspaceRename moves a workspace to a new id on both stores:
// what the console shows under the new id is what it showed under the
// old, the old id holds nothing after (on Redis, no key under its hash
// tag but claims), a neighbour is untouched, and every refusal changes
// nothing and says why in one line.
func TestWorkspaceRename(t *testing.T) {
	redisURL, prefix := redistest.Start(t), redistest.Prefix(t)
	for _, tc := range []struct{ name, store, prefix string }{
		{"bolt", "bolt:" + filepath.Join(t.TempDir(), "targetbot.db"), ""},
		{"redis", redisURL, prefix},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const from, to = "local", "teams:tenant-1/team-a"
			// The console works in workspace local: it is renamed away
			// and back, and shows the same after.
			console := func(stdin string) string {
				out, _ := mustRun(t, tc.prefix, stdin, "console", "--store", tc.store, "--user", "amy")
				return out
			}
			records := func(ws string) string {
				out, _ := mustRun(t, tc.prefix, "", "dump", "--store", tc.store, "--workspace", ws)
				lines := strings.Split(out, "\n")
				return strings.ReplaceAll(strings.Join(lines[1:], "\n"), `"workspace":"`+ws+`"`, `"workspace":"WS"`)
			}
			console(renameSession)
			seedWorkspace(t, tc.store, tc.prefix, "teams:tenant-1")
			seedWorkspace(t, tc.store, tc.prefix, from)
			before := console(renameViews)
			held := records(from)
			neighbour := records("teams:tenant-1")

			for _, bad := range []struct {
				args []string
				want string
			}{
				{[]string{"workspace"}, "usage: targetbot workspace rename --from ID --to ID"},
				{[]string{"workspace", "rename", "--from", from}, "--from and --to are both required"},
				{[]string{"workspace", "rename", "--from", from, "--to", from}, "--from and --to are the same workspace, local"},
				{[]string{"workspace", "rename", "--from", from, "--to", "teams:a b"}, `--to "teams:a b" is not a workspace id`},
				{[]string{"workspace", "rename", "--from", "slack:nobody", "--to", to}, "holds no workspace slack:nobody"},
				{[]string{"workspace", "rename", "--from", from, "--to", "teams:tenant-1"}, "workspace teams:tenant-1 already holds records"},
			} {
				_, _, err := run(t, tc.prefix, "", append(bad.args, "--store", tc.store)...)
				if err == nil || !strings.Contains(err.Error(), bad.want) {
					t.Errorf("targetbot %s: %v, want it to say %q", strings.Join(bad.args, " "), err, bad.want)
				}
			}
			if got := console(renameViews); got != before {
				t.Fatalf("a refused rename changed %s:\n%s\nwant\n%s", from, got, before)
			}

			out, _ := mustRun(t, tc.prefix, "", "workspace", "rename", "--store", tc.store, "--from", from, "--to", to)
			mustContain(t, out, "renamed workspace local to teams:tenant-1/team-a", "and its adapter state (0), entries such as admins and people (1) and 1 workspace event")
			row := tableRow(t, out, to)
			if row[3] != "2" || row[4] != "1" {
				t.Errorf("rename's row = %q, want 2 updates, 1 withdrawn\n%s", row, out)
			}
			if got := records(to); got != held {
				t.Errorf("after the rename, %s holds\n%s\nwant what %s held\n%s", to, got, from, held)
			}
			dumped, _ := mustRun(t, tc.prefix, "", "dump", "--store", tc.store)
			if strings.Contains(dumped, `"workspace":"local"`) {
				t.Errorf("the dump after the rename still holds local:\n%s", dumped)
			}
			if got := records("teams:tenant-1"); got != neighbour {
				t.Errorf("the rename changed its neighbour")
			}
			if tc.name == "redis" {
				c := redistest.Client(t, redisURL)
				keys, err := c.Keys(context.Background(), prefix+":{local}:*").Result()
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range keys {
					if !strings.Contains(k, ":claim:") {
						t.Errorf("key %s of the old id is left", k)
					}
				}
			}
			_, _, err := run(t, tc.prefix, "", "workspace", "rename", "--store", tc.store, "--from", from, "--to", "teams:x")
			if err == nil || !strings.Contains(err.Error(), "holds no workspace local") {
				t.Errorf("renaming the old id again: %v", err)
			}
			// And back: the console shows what it showed.
			mustRun(t, tc.prefix, "", "workspace", "rename", "--store", tc.store, "--from", to, "--to", from)
			if got := console(renameViews); got != before {
				t.Errorf("renamed back, local shows\n%s\nwant\n%s", got, before)
			}
		})
	}
}

// seedWorkspace gives the store a workspace ws with an imported framework, an
// admin granted and its event: records the console cannot make in
// another workspace.
func seedWorkspace(t *testing.T, url, prefix, ws string) {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, url, "--store", prefix, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(ctx, ws, &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}}}}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteEntries(ctx, ws, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryAdmin, Key: "bob", Value: `{"user":"bob"}`}},
		Events: []framework.Event{{Kind: framework.EventAdminAdd, User: "bob", Time: time.Now()}}}); err != nil {
		t.Fatal(err)
	}
}
