package worstcase_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/targetbot/targetbot/reminders/worstcase"
	"github.com/targetbot/targetbot/store/boltstore"
)

func TestSeed(t *testing.T) {
	if err := worstcase.Framework().Validate(); err != nil {
		t.Fatalf("the worst-case framework is not valid: %v", err)
	}
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "w.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	overdue, err := worstcase.Seed(ctx, s, "slack:TWORST", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(overdue) != worstcase.HeavyOverdue {
		t.Errorf("%d overdue, want %d", len(overdue), worstcase.HeavyOverdue)
	}
	ts, _ := s.Targets(ctx, "slack:TWORST")
	if len(ts) != worstcase.Targets {
		t.Errorf("%d targets, want %d", len(ts), worstcase.Targets)
	}
	if n := len([]rune(worstcase.Note(3))); n != worstcase.NoteLen {
		t.Errorf("note is %d characters, want %d", n, worstcase.NoteLen)
	}
}
