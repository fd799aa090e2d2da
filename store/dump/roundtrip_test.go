package dump

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
	"github.com/targetbot/targetbot/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

func openBolt(t testing.TB) store.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "targetbot.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return store.Checked(s)
}

func openRedis(t testing.TB) store.Store {
	t.Helper()
	return store.Checked(openRedisAt(t, redistest.Start(t)))
}

func openRedisAt(t testing.TB, url string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(context.Background(), url, &redisstore.Options{
		Prefix: redistest.Prefix(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// dumpText dumps every workspace of s.
func dumpText(t testing.TB, s store.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Dump(context.Background(), s, &buf, Options{Created: created, By: "targetbot test"}); err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return buf.String()
}

// restoreText reads a dump and restores it into s.
func restoreText(t testing.TB, s store.Store, text string, opts Options) []Counts {
	t.Helper()
	f, err := Read(strings.NewReader(text))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	counts, err := Restore(context.Background(), s, f, opts)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	return counts
}

// sameText fails unless two dumps are the same, line for line.
func sameText(t testing.TB, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			t.Fatalf("%s: line %d differs:\n got: %s\nwant: %s", what, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s: %d lines, want %d", what, len(gl), len(wl))
}

// The round-trip property: random workspaces, made through each store's
// own methods, dumped, restored into the other store, dumped again and
// restored back, give the same dump each time, record for record: ids,
// withdrawn updates, events of every kind, grades in several cycles,
// evidence, subscriptions, settings, times to the nanosecond.
func TestRoundTripBetweenStores(t *testing.T) {
	stores := map[string]func(testing.TB) store.Store{"bolt": openBolt, "redis": openRedis}
	for _, path := range [][2]string{{"bolt", "redis"}, {"redis", "bolt"}} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s to %s and back, seed %d", path[0], path[1], seed), func(t *testing.T) {
				src := stores[path[0]](t)
				storetest.Populate(t, src, "slack:T0123", seed, 120)
				storetest.Populate(t, src, "local", seed+100, 60)
				storetest.Populate(t, src, "discord:W}:t:eqs/1.1", seed+200, 20)
				want := dumpText(t, src)

				other := stores[path[1]](t)
				counts := restoreText(t, other, want, Options{})
				if len(counts) != 3 {
					t.Fatalf("Restore counted %d workspaces, want 3", len(counts))
				}
				across := dumpText(t, other)
				sameText(t, path[0]+" dumped, restored into "+path[1]+" and dumped", across, want)

				back := stores[path[0]](t)
				restoreText(t, back, across, Options{})
				sameText(t, "and back in "+path[0], dumpText(t, back), want)
			})
		}
	}
}

// A migrate between the stores verifies what it moved, and moves it
// again the other way to the same dump.
func TestMigrateBetweenStores(t *testing.T) {
	ctx := context.Background()
	bolt := openBolt(t)
	storetest.Populate(t, bolt, "local", 7, 100)
	storetest.Populate(t, bolt, "slack:T1", 8, 40)
	want := dumpText(t, bolt)

	redis := openRedis(t)
	var steps []string
	counts, err := Migrate(ctx, bolt, redis, Options{Progress: func(p Progress) {
		if p.Total > 0 {
			steps = append(steps, fmt.Sprintf("%s %s %d", p.Step, p.Workspace, p.Done))
		}
	}})
	if err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if len(counts) != 2 || counts[0].Workspace != "local" || counts[0].Updates == 0 || counts[0].Events == 0 || counts[0].Grades == 0 {
		t.Fatalf("Migrate counted %+v", counts)
	}
	if !strings.Contains(strings.Join(steps, "\n"), "verify slack:T1") {
		t.Errorf("progress reported %q, want each step's end", steps)
	}
	sameText(t, "redis after a migrate", dumpText(t, redis), want)

	_, err = Migrate(ctx, bolt, redis, Options{})
	if err == nil || !strings.Contains(err.Error(), "workspaces local, slack:T1 hold records already: nothing was written") {
		t.Fatalf("a second Migrate = %v, want a refusal naming both", err)
	}
	if _, err := Migrate(ctx, bolt, redis, Options{Replace: true, Workspaces: []string{"slack:T1"}}); err != nil {
		t.Fatalf("Migrate with Replace: %v", err)
	}
	back := openBolt(t)
	if _, err := Migrate(ctx, redis, back, Options{}); err != nil {
		t.Fatalf("Migrate back: %v", err)
	}
	sameText(t, "bolt after a migrate there and back", dumpText(t, back), want)
}

// lossy is a store that loses a workspace's last update on export.
type lossy struct{ store.Store }

func (l lossy) Export(ctx context.Context, ws string, fn func(store.Record) error) error {
	snap, err := store.ExportSnapshot(ctx, l.Store, ws)
	if err != nil {
		return err
	}
	snap.Updates = snap.Updates[:len(snap.Updates)-1]
	return snap.Each(fn)
}

// A copy that reads back differently fails the migrate, naming what
// differs, and the workspaces not yet tried.
func TestMigrateVerifies(t *testing.T) {
	src := openBolt(t)
	storetest.Populate(t, src, "local", 9, 30)
	storetest.Populate(t, src, "slack:T1", 10, 10)
	_, err := Migrate(context.Background(), src, lossy{openBolt(t)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "verify local: the copy differs: updates: ") || !strings.Contains(err.Error(), "not tried: slack:T1") {
		t.Fatalf("Migrate to a lossy store = %v", err)
	}
}

// A restore refuses workspaces that hold records, naming them and
// writing none, unless told to replace them; a replace leaves exactly
// the dump.
func TestRestoreRefusesAndReplaces(t *testing.T) {
	src := openBolt(t)
	storetest.Populate(t, src, "local", 11, 50)
	storetest.Populate(t, src, "slack:T1", 12, 20)
	text := dumpText(t, src)

	dst := openBolt(t)
	storetest.Populate(t, dst, "slack:T1", 13, 20)
	storetest.Populate(t, dst, "discord:7", 14, 10)
	before := dumpText(t, dst)
	f, err := Read(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(context.Background(), dst, f, Options{}); err == nil || !strings.Contains(err.Error(), "workspace slack:T1 holds records already: nothing was written") {
		t.Fatalf("Restore over a workspace = %v", err)
	}
	sameText(t, "after a refused restore", dumpText(t, dst), before)

	restoreText(t, dst, text, Options{Replace: true})
	got, err := Read(strings.NewReader(dumpText(t, dst)))
	if err != nil {
		t.Fatal(err)
	}
	wantF, _ := Read(strings.NewReader(text))
	otherF, _ := Read(strings.NewReader(before))
	byID := map[string]*store.Snapshot{}
	for _, s := range got.Workspaces {
		byID[s.Workspace.ID] = s
	}
	for _, want := range append(wantF.Workspaces, otherF.Workspaces[0]) { // discord:7 sorts first
		if d := storetest.DiffSnapshots(byID[want.Workspace.ID], want); d != "" {
			t.Errorf("%s after a replace: %s", want.Workspace.ID, d)
		}
	}
}
