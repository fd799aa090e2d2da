package commands

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// benchHandler is a Handler over a bolt store with both built-in
// frameworks imported.
func benchHandler(b *testing.B) *Handler {
	fws, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "b.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	h := New(Options{Store: st, Frameworks: fws})
	for _, id := range []string{"eds", "nhse-2024-26"} {
		if r := h.Handle(context.Background(), bot.Request{Workspace: testWS, User: adminUser, PlatformAdmin: true, Text: "import " + id}); r.Code != "" {
			b.Fatal(r.Text())
		}
	}
	return h
}

func BenchmarkList(b *testing.B) {
	h := benchHandler(b)
	req := bot.Request{Workspace: testWS, User: amy, Text: "list"}
	for b.Loop() {
		if r := h.Handle(context.Background(), req); r.Code != "" {
			b.Fatal(r.Text())
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	h := benchHandler(b)
	req := bot.Request{Workspace: testWS, User: amy, Text: "update eds/1.1 40% on-track a note"}
	for b.Loop() {
		if r := h.Handle(context.Background(), req); r.Code != "" {
			b.Fatal(r.Text())
		}
	}
}

// BenchmarkRate is a change with its event end to end: the read that
// checks who may rate, and the write, alternating grades.
func BenchmarkRate(b *testing.B) {
	h := benchHandler(b)
	reqs := []bot.Request{
		{Workspace: testWS, User: adminUser, PlatformAdmin: true, Text: "rate eds/1.1 developing no policy yet"},
		{Workspace: testWS, User: adminUser, PlatformAdmin: true, Text: "rate eds/1.1 achieving policy published"},
	}
	i := 0
	for b.Loop() {
		if r := h.Handle(context.Background(), reqs[i%2]); r.Code != "" {
			b.Fatal(r.Text())
		}
		i++
	}
}
