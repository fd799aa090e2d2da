package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/storetest"
)

func open(t testing.TB, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := open(t, filepath.Join(t.TempDir(), "targetbot.db"))
		t.Cleanup(func() { _ = s.Close() })
		return store.Checked(s)
	})
}

func TestPersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "targetbot.db")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fw := &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{
		{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}}},
	}}

	s := open(t, path)
	if _, err := s.Import(ctx, "local", fw, now); err != nil {
		t.Fatalf("Import: %v", err)
	}
	due := framework.Date("2026-04-01")
	if _, _, err := s.ChangeTarget(ctx, "local", "eqs/1.1", framework.Change{Kind: framework.EventDue, Due: due, Author: "U1", Time: now}); err != nil {
		t.Fatalf("ChangeTarget: %v", err)
	}
	u, _, err := s.AppendUpdate(ctx, "local", framework.Update{Target: "eqs/1.1", Author: "U1", Time: now, Progress: 35, Status: framework.AtRisk}, store.Once{})
	if err != nil {
		t.Fatalf("AppendUpdate: %v", err)
	}
	if err := s.SetTimezone(ctx, "local", "Europe/London"); err != nil {
		t.Fatalf("SetTimezone: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, path)
	defer s.Close()
	tg, err := s.Target(ctx, "local", "eqs/1.1")
	if err != nil {
		t.Fatalf("Target after reopen: %v", err)
	}
	if tg.Progress != 35 || tg.Status != framework.AtRisk || tg.LastUpdate != u.ID || tg.Due != due {
		t.Fatalf("target after reopen = %+v", tg)
	}
	if w, _ := s.Workspace(ctx, "local"); w.Timezone != "Europe/London" || len(w.Frameworks) != 1 {
		t.Fatalf("workspace after reopen = %+v", w)
	}
	if ds, _ := s.Due(ctx, "local", "", "2026-12-31"); len(ds) != 1 {
		t.Fatalf("due index after reopen = %+v", ds)
	}
	// The sequence survives too: a new update must not reuse an old id.
	u2, _, err := s.AppendUpdate(ctx, "local", framework.Update{Target: "eqs/1.1", Author: "U1", Time: now.Add(time.Minute), Progress: 40}, store.Once{})
	if err != nil || u2.ID == u.ID {
		t.Fatalf("AppendUpdate after reopen = %+v, %v; want a fresh id (old %s)", u2, err, u.ID)
	}
}

func TestOpenGarbageFile(t *testing.T) {
	for name, content := range map[string][]byte{
		"text":        []byte(strings.Repeat("not a database\n", 1000)),
		"short text":  []byte("hello"),
		"zero blocks": make([]byte, 5000),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "notes.txt")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := boltstore.Open(path, nil)
			if err == nil || !strings.Contains(err.Error(), "not a bbolt database") || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open: %v; want an error naming the file as not a bbolt database", err)
			}
		})
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "targetbot.db")
	_, err := boltstore.Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "not a bbolt database") {
		t.Fatalf("Open in a missing directory: %v; want an error naming the path, not calling it corrupt", err)
	}
}

func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "targetbot.db")
	s := open(t, path)
	defer s.Close()
	start := time.Now()
	_, err := boltstore.Open(path, &boltstore.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, boltstore.ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Open: %v; want ErrLocked about the path", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("second Open took %v, want about the 100ms timeout", time.Since(start))
	}
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "targetbot.db")
	open(t, path).Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, want 0600: the file holds a team's data", fi.Mode().Perm())
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "targetbot.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Ping":        s.Ping(ctx),
		"SetTimezone": s.SetTimezone(ctx, "local", "UTC"),
		"Targets":     func() error { _, err := s.Targets(ctx, "local"); return err }(),
	} {
		if framework.ErrorCode(err) != framework.EUNAVAILABLE || !errors.Is(err, framework.ErrUnavailable) {
			t.Errorf("%s on a closed store: %v; want ErrUnavailable", name, err)
		}
	}
}

func TestClaimUsesInjectedClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "targetbot.db"), &boltstore.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	claim := func() bool {
		ok, err := s.Claim(ctx, "local", "digest", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim() || claim() {
		t.Fatal("want first claim to win and the second to lose")
	}
	now = now.Add(59 * time.Minute)
	if claim() {
		t.Fatal("claim won before its hour passed")
	}
	now = now.Add(2 * time.Minute)
	if !claim() {
		t.Fatal("claim lost after its hour passed")
	}
}

// Index keys are unix nanoseconds, which end in 2262: a far-future bound
// must still mean "everything", not wrap around.
func TestStaleFarFuture(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "targetbot.db"))
	defer s.Close()
	fw := &framework.Framework{ID: "eqs", Name: "Sample", Objectives: []framework.Objective{
		{Code: "1", Title: "One", Targets: []framework.TargetSpec{{Code: "1.1", Title: "First"}, {Code: "1.2", Title: "Second"}}},
	}}
	if _, err := s.Import(ctx, "local", fw, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"eqs/1.1", "eqs/1.2"} {
		if _, _, err := s.ChangeTarget(ctx, "local", ref, framework.Change{Kind: framework.EventAssign, Owner: "U1"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, year := range []int{2100, 3000, 9999} {
		ts, err := s.Stale(ctx, "local", time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(ts) != 2 {
			t.Errorf("Stale(before %d) = %d targets, %v; want both", year, len(ts), err)
		}
	}
}
