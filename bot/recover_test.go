package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// A panic becomes Failed() and one log line naming the request and
// carrying the stack; a reply that does not panic passes through.
func TestSafeHandle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		h      HandlerFunc
		want   string
		logged bool
	}{
		{name: "fine", h: func(context.Context, Request) Reply { return Say("ok", false) }, want: "ok"},
		{name: "panics", h: func(context.Context, Request) Reply { panic("boom") }, want: Failed().Text(), logged: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, nil))
			got := SafeHandle(context.Background(), log, "test", tc.h, Request{ID: "r1", Workspace: "local", User: "u1"})
			if got.Text() != tc.want {
				t.Errorf("reply %q, want %q", got.Text(), tc.want)
			}
			line := buf.String()
			if !tc.logged {
				if line != "" {
					t.Errorf("logged %q", line)
				}
				return
			}
			for _, w := range []string{"test: handler panicked", "panic=boom", "id=r1", "workspace=local", "user=u1", "stack="} {
				if !strings.Contains(line, w) {
					t.Errorf("log %q lacks %q", line, w)
				}
			}
		})
	}
}

// Recover reports a panic, so a goroutine can answer in its place.
func TestRecover(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if Recover(context.Background(), log, "x", func() {}) {
		t.Error("no panic reported as one")
	}
	if !Recover(context.Background(), log, "x", func() { panic(42) }) {
		t.Error("panic not reported")
	}
}
