package slack

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

func TestPostRetriesAfter429(t *testing.T) {
	f := newFakeSlack(t)
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "chat.postMessage" && n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	a := newTestAdapter(t, f, &recorder{}, nil)
	start := time.Now()
	err := a.Post(context.Background(), bot.Message{Workspace: "slack:T1", Channel: "C1", Key: "digest/C1/2026-11-23", Reply: say("Weekly digest", false)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, before Retry-After", d)
	}
	if n := len(f.calls("chat.postMessage")); n != 2 {
		t.Fatalf("chat.postMessage called %d times, want 2", n)
	}
}

func TestPostCancelledWhileRateLimited(t *testing.T) {
	f := newFakeSlack(t)
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	}
	a := newTestAdapter(t, f, &recorder{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := a.Post(ctx, bot.Message{Channel: "C1", Reply: say("x", false)}); err == nil {
		t.Fatal("Post succeeded while rate limited")
	}
}

func TestPostSameKeyOnce(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	m := bot.Message{Channel: "C1", Key: "k1", Reply: bot.Reply{Blocks: []bot.Block{{Text: "digest"}}, Details: []bot.Block{{Title: "Updates", Text: "eds/1.1 40%"}}}}
	for range 3 {
		if err := a.Post(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	posts := f.calls("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posted %d messages, want 2 (top + thread)", len(posts))
	}
	if posts[1].Form.Get("thread_ts") == "" || posts[1].Form.Get("thread_ts") != "1700000000.100001" {
		t.Errorf("details not threaded under the first message: thread_ts %q", posts[1].Form.Get("thread_ts"))
	}
	// A different key posts again.
	m.Key = "k2"
	if err := a.Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if n := len(f.calls("chat.postMessage")); n != 4 {
		t.Errorf("posted %d, want 4", n)
	}
}

func TestPostResumesAfterPartialFailure(t *testing.T) {
	f := newFakeSlack(t)
	fail := true
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "chat.postMessage" && c.Form.Get("thread_ts") != "" && fail {
			_, _ = w.Write([]byte(`{"ok":false,"error":"internal_error"}`))
			return true
		}
		return false
	}
	a := newTestAdapter(t, f, &recorder{}, nil)
	m := bot.Message{Channel: "C1", Key: "k", Reply: bot.Reply{Blocks: []bot.Block{{Text: "digest"}}, Details: []bot.Block{{Text: "details"}}}}
	if err := a.Post(context.Background(), m); err == nil {
		t.Fatal("want an error from the thread post")
	}
	fail = false
	if err := a.Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var tops, threads int
	for _, p := range f.calls("chat.postMessage") {
		if p.Form.Get("thread_ts") == "" {
			tops++
		} else {
			threads++
		}
	}
	if tops != 1 || threads != 2 {
		t.Errorf("top messages %d (want 1, never twice), thread attempts %d (want 2)", tops, threads)
	}
}

func TestPostDM(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	err := a.Post(context.Background(), bot.Message{User: "U9", Reply: bot.Reply{Notify: []string{"U9"},
		Blocks: []bot.Block{{Text: "eds/1.1 is overdue", Buttons: []bot.Button{{Label: "Log update", Command: "update eds/1.1", Form: true}, {Label: "Mark done", Command: "update eds/1.1 done", Style: "primary"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if open := f.calls("conversations.open"); len(open) != 1 || open[0].Form.Get("users") != "U9" {
		t.Fatalf("conversations.open %+v", open)
	}
	posts := f.calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("channel") != "DU9" {
		t.Fatalf("posts %+v", posts)
	}
	blocks := posts[0].Form.Get("blocks")
	for _, want := range []string{`"action_id":"form-0"`, `"value":"update eds/1.1"`, `"action_id":"cmd-1"`, `"style":"primary"`} {
		if !contains(blocks, want) {
			t.Errorf("blocks lack %s: %s", want, blocks)
		}
	}
}

func TestPostNeedsExactlyOneTarget(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	if a.Post(context.Background(), bot.Message{Reply: say("x", false)}) == nil {
		t.Error("no channel or user accepted")
	}
	if a.Post(context.Background(), bot.Message{Channel: "C", User: "U", Reply: say("x", false)}) == nil {
		t.Error("both channel and user accepted")
	}
}

func TestPacerSpacesOneChannel(t *testing.T) {
	p := pacer{next: map[string]time.Time{}}
	start := time.Now()
	for range 3 {
		if err := p.wait(context.Background(), "C1", 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("3 posts in %v; want them 50ms apart", d)
	}
	start = time.Now()
	_ = p.wait(context.Background(), "C2", 50*time.Millisecond)
	if d := time.Since(start); d > 40*time.Millisecond {
		t.Errorf("another channel waited %v", d)
	}
}

func TestConcurrentPostsOfOneKeyPostOnce(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	m := bot.Message{Channel: "C1", Key: "reminder/U1/2026-11-23", Reply: say("eds/1.1 is overdue", false)}
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- a.Post(context.Background(), m) }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.calls("chat.postMessage")); n != 1 {
		t.Fatalf("posted %d times, want 1", n)
	}
}

// Issue 27: a post cut part way in one process is resumed in another
// from the progress the first reported through Reached: the parts
// posted are not posted again, and the thread hangs from the same
// message.
func TestPostResumesInAnotherProcess(t *testing.T) {
	f := newFakeSlack(t)
	fail := true
	f.handle = func(w http.ResponseWriter, c apiCall, n int) bool {
		if c.Method == "chat.postMessage" && c.Form.Get("thread_ts") != "" && fail {
			_, _ = w.Write([]byte(`{"ok":false,"error":"internal_error"}`))
			return true
		}
		return false
	}
	progress := ""
	m := bot.Message{Channel: "C1", Key: "k", Reply: bot.Reply{Blocks: []bot.Block{{Text: "digest"}}, Details: []bot.Block{{Text: "details"}}},
		Reached: func(p string) { progress = p }}
	if err := newTestAdapter(t, f, &recorder{}, nil).Post(context.Background(), m); err == nil {
		t.Fatal("want an error from the thread post")
	}
	if progress == "" {
		t.Fatal("no progress reported after the top message was posted")
	}
	fail = false
	m.Resume = progress // a new process: no memory of the first
	if err := newTestAdapter(t, f, &recorder{}, nil).Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var tops int
	var threads []string
	for _, p := range f.calls("chat.postMessage") {
		if p.Form.Get("thread_ts") == "" {
			tops++
		} else {
			threads = append(threads, p.Form.Get("thread_ts"))
		}
	}
	if tops != 1 || len(threads) != 2 || threads[1] == "" || threads[0] != threads[1] {
		t.Errorf("top messages %d (want 1, never twice), thread posts under %v (want 2 under one message)", tops, threads)
	}
}
