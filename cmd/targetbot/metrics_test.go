package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework"
)

// Each command is counted in its series and logged once, on one line
// with the fields operators search by; cached series handles count the
// same under concurrency as looking them up each time would.
func TestInstrumentedHandlerCountsAndLogsOnce(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	m := newMetrics()
	h := m.instrument(bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
		switch r.Text {
		case "bad":
			return bot.Reply{Command: "update", Code: framework.EINVALID}
		case "down":
			return bot.Reply{Command: "update", Code: framework.EUNAVAILABLE}
		case "???":
			return bot.Reply{}
		}
		return bot.Reply{Command: "update"}
	}), logger)

	texts := []string{"ok", "bad", "down", "???"}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			h.Handle(context.Background(), bot.Request{Workspace: "slack:T1", User: "U1", Text: texts[i%4], ID: "trig"})
		})
	}
	wg.Wait()

	for _, c := range []struct{ command, outcome string }{
		{"update", "ok"}, {"update", framework.EINVALID}, {"update", framework.EUNAVAILABLE}, {"unknown", "ok"},
	} {
		if n := testutil.ToFloat64(m.requests.WithLabelValues("slack", c.command, c.outcome)); n != 10 {
			t.Errorf("%s %s counted %v, want 10", c.command, c.outcome, n)
		}
	}
	if n := testutil.ToFloat64(m.storeErrors.WithLabelValues("command")); n != 10 {
		t.Errorf("store errors %v, want 10", n)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d log lines for 40 commands:\n%s", len(lines), logs.String())
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"workspace", "user", "command", "outcome", "duration", "request_id"} {
			if _, ok := rec[f]; !ok {
				t.Errorf("log line lacks %s: %s", f, l)
			}
		}
		if rec["outcome"] == framework.EUNAVAILABLE && rec["level"] != "WARN" {
			t.Errorf("a store failure is logged at %v: %s", rec["level"], l)
		}
	}
}

// BenchmarkInstrumentedHandler is what every command pays for its
// metrics and its log line, around a handler that does nothing.
func BenchmarkInstrumentedHandler(b *testing.B) {
	h := newMetrics().instrument(bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply {
		return bot.Reply{Command: "update"}
	}), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	r := bot.Request{Workspace: "slack:T1", User: "U1", Text: "update eds/1.1 40%", ID: "trig"}
	b.ReportAllocs()
	for b.Loop() {
		h.Handle(context.Background(), r)
	}
}

// The instrumented handler offers the adapters what the command layer's
// handler does: its command language and its completion. A handler that
// declares no language is not made to seem to.
func TestInstrumentedHandlerKeepsTheLanguage(t *testing.T) {
	h := newMetrics().instrumentHandler(commands.New(commands.Options{}), slog.New(slog.DiscardHandler))
	lang, ok := h.(bot.Language)
	if !ok {
		t.Fatal("the instrumented command handler declares no language")
	}
	if _, ok := lang.Form("update eds/1.1"); !ok || len(lang.Commands()) != len(commands.Verbs()) {
		t.Errorf("language %d commands, update form %v", len(lang.Commands()), ok)
	}
	if _, ok := h.(bot.Completer); !ok {
		t.Error("the instrumented command handler does not complete")
	}
	plain := newMetrics().instrumentHandler(bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} }), slog.New(slog.DiscardHandler))
	if _, ok := plain.(bot.Language); ok {
		t.Error("an instrumented handler without a language offers one")
	}
}
