package dump

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store"
)

// peakHeap runs f and returns the most heap in use while it ran, above
// what was in use before it, sampled every 2 ms.
func peakHeap(t testing.TB, f func() error) uint64 {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	err := f()
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return peak - min(base, peak)
}

// dumpFile writes a dump of n workspaces of 100 targets and per
// updates each to a file, without holding more than one.
func dumpFile(t testing.TB, n, per int) (path string, ids []string) {
	return dumpFileOf(t, n, 100, per)
}

// dumpFileOf writes a dump of n workspaces of targets targets and per
// updates each to a file, without holding more than one.
func dumpFileOf(t testing.TB, n, targets, per int) (path string, ids []string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "dump.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := range n {
		ids = append(ids, fmt.Sprintf("slack:T%d", i))
	}
	w, err := NewWriter(f, Header{Created: created, By: "targetbot test", Workspaces: ids})
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range ids {
		snap := sizedWorkspace(ws, targets, per)
		if err := snap.Each(func(r store.Record) error { return w.Write(ws, &r) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ids
}

func opener(path string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// Issue 28: a restore holds one workspace at a time, not the file: four
// times the workspaces (100,000 updates against 400,000, in workspaces
// of 25,000) take about the same memory.
func TestRestoreMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 400,000 updates")
	}
	ctx := context.Background()
	peaks := map[int]uint64{}
	for _, n := range []int{4, 16} {
		path, _ := dumpFile(t, n, 25_000)
		s := openRedis(t)
		peaks[n] = peakHeap(t, func() error {
			_, err := RestoreFrom(ctx, s, opener(path), Options{})
			return err
		})
		fi, _ := os.Stat(path)
		t.Logf("restore of %d workspaces, %d updates, %d MB of dump: peak heap %d MB", n, n*25_000, fi.Size()>>20, peaks[n]>>20)
	}
	if ratio := float64(peaks[16]) / float64(peaks[4]); ratio > 1.5 {
		t.Errorf("restore's peak heap grew %.2f times for 4 times the workspaces: %d MB, %d MB", ratio, peaks[4]>>20, peaks[16]>>20)
	}
}

// --workspace decodes only the lines of the workspace named: the
// others' bodies are not read (here, each has a field no record has,
// which would refuse it), but their place and count still are.
func TestRestoreOnlyReadsItsWorkspace(t *testing.T) {
	ctx := context.Background()
	path, ids := dumpFile(t, 3, 50)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.Contains(l, `"workspace":"slack:T1"`) && strings.HasPrefix(l, `{"type":"update"`) {
			l = strings.Replace(l, `"author"`, `"undecoded":1,"author"`, 1)
		}
		out = append(out, l)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte(strings.Join(out, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(ctx, opener(bad), nil); err == nil || !strings.Contains(err.Error(), `unknown field "undecoded"`) {
		t.Fatalf("Check of every workspace: %v; want the unknown field refused", err)
	}
	s := openBolt(t)
	counts, err := RestoreFrom(ctx, s, opener(bad), Options{Workspaces: []string{ids[1]}})
	if err != nil || len(counts) != 1 || counts[0].Workspace != ids[1] || counts[0].Updates != 50 {
		t.Fatalf("RestoreFrom --workspace %s = %+v, %v", ids[1], counts, err)
	}
	// The shape of the whole file is still checked.
	cut := []byte(strings.Join(out[:len(out)-2], ""))
	if err := os.WriteFile(bad, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(ctx, opener(bad), []string{ids[1]}); err == nil || !strings.Contains(err.Error(), "without its end line") {
		t.Fatalf("Check --workspace of a cut dump: %v", err)
	}
	if _, err := Check(ctx, opener(path), []string{"slack:T9"}); err == nil || err.Error() != `the dump has no workspace "slack:T9": it has slack:T0, slack:T1, slack:T2` {
		t.Fatalf("Check --workspace of a workspace not in the dump: %v", err)
	}
}

// Dumps of earlier releases restore through the streaming restore as
// they read whole.
func TestOldDumpsRestoreStreaming(t *testing.T) {
	ctx := context.Background()
	paths, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("testdata: %v, %v", paths, err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want, err := Restore(ctx, openBolt(t), f, Options{})
		if err != nil {
			t.Fatalf("%s: Restore: %v", path, err)
		}
		got, err := RestoreFrom(ctx, openBolt(t), opener(path), Options{})
		if err != nil {
			t.Fatalf("%s: RestoreFrom: %v", path, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: RestoreFrom restored %d workspaces, Restore %d", path, len(got), len(want))
		}
		for i := range want {
			if d := want[i].Diff(&got[i]); d != "" {
				t.Errorf("%s: workspace %s: %s", path, want[i].Workspace, d)
			}
		}
	}
}

// Issue 28: a dump from Redis streams the workspace: four times the
// updates (100,000 against 400,000, in one workspace of 1,000 targets)
// take about the same memory.
func TestDumpMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 400,000 updates")
	}
	ctx := context.Background()
	peaks := map[int]uint64{}
	for _, n := range []int{100_000, 400_000} {
		s := openRedis(t)
		if err := s.Restore(ctx, sizedWorkspace("slack:T1", 1000, n), store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		var size int64
		peaks[n] = peakHeap(t, func() error {
			w := &countWriter{}
			_, err := Dump(ctx, s, w, Options{})
			size = w.n
			return err
		})
		t.Logf("dump from Redis of %d updates, %d MB: peak heap %d MB", n, size>>20, peaks[n]>>20)
	}
	if ratio := float64(peaks[400_000]) / float64(peaks[100_000]); ratio > 1.5 {
		t.Errorf("dump's peak heap grew %.2f times for 4 times the updates: %d MB, %d MB", ratio, peaks[100_000]>>20, peaks[400_000]>>20)
	}
}

// countWriter counts what is written to it, and keeps none of it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// Issue 28: migrate streams both ways: the export read in pages, the
// restore checking and writing the records as they come (RestoreRecords)
// rather than holding the workspace. Four times the updates (25,000
// against 100,000, in one workspace of 1,000 targets) take about the
// same memory, bbolt to Redis and back.
func TestMigrateMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 250,000 updates")
	}
	ctx := context.Background()
	type way struct{ toRedis, toBolt uint64 }
	peaks := map[int]way{}
	for _, n := range []int{25_000, 100_000} {
		src := openBolt(t)
		if err := src.Restore(ctx, sizedWorkspace("slack:T1", 1000, n), store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		red, back := openRedis(t), openBolt(t)
		var w way
		w.toRedis = peakHeap(t, func() error { _, err := Migrate(ctx, src, red, Options{}); return err })
		w.toBolt = peakHeap(t, func() error { _, err := Migrate(ctx, red, back, Options{}); return err })
		peaks[n] = w
		t.Logf("migrate of %d updates: bbolt to Redis peak heap %d MB, Redis to bbolt %d MB", n, w.toRedis>>20, w.toBolt>>20)
	}
	small, large := peaks[25_000], peaks[100_000]
	// Into bbolt, each transaction of a restore puts index entries
	// (a target's updates) all across the index, and bbolt holds every
	// page it touches as a node until the commit: some growth, at about
	// 0.2 KB per update (docs/PERFORMANCE.md), where a snapshot cost 0.9.
	for name, r := range map[string]struct {
		small, large uint64
		most         float64
	}{"bbolt to Redis": {small.toRedis, large.toRedis, 1.5}, "Redis to bbolt": {small.toBolt, large.toBolt, 2}} {
		// A floor of 16 MB: below it, the garbage collector's pacing
		// and the sampling are noise.
		if ratio := float64(r.large) / float64(max(r.small, 16<<20)); ratio > r.most {
			t.Errorf("migrate %s: peak heap grew %.2f times for 4 times the updates: %d MB, %d MB", name, ratio, r.small>>20, r.large>>20)
		}
	}
}
