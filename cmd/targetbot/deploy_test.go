package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// copyFile copies a bolt file, so two runs can start from one seed.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// slackPosts is what a fake Slack received: each chat.postMessage as
// its channel, thread and text.
func slackPosts(api *fakeAPI) []string {
	var posts []string
	for _, c := range api.recorded() {
		if strings.HasSuffix(c.path, "chat.postMessage") {
			posts = append(posts, c.form.Get("channel")+" "+c.form.Get("thread_ts")+" "+c.form.Get("text")+c.form.Get("blocks"))
		}
	}
	return posts
}

// DESIGN section 20: a deploy loses no post. serve gets SIGTERM while it
// posts a digest of several parts and five reminder DMs; the post
// finishes within the grace, and a run after the restart posts nothing
// more: every part and every DM exactly once.
func TestServeSIGTERMWhilePostingLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs targetbot processes")
	}
	if time.Now().Before(fixedNow) {
		t.Skip("seed stamps the subscription at fixedNow, after this clock: it would not fire yet")
	}
	dir := t.TempDir()
	seeded := filepath.Join(dir, "seed.db")
	var lines []string
	lines = append(lines, "import eds")
	for i, ref := range []string{"eds/1.1", "eds/1.2", "eds/1.3", "eds/1.4", "eds/2.1"} {
		lines = append(lines, fmt.Sprintf("assign %s <@U%d>", ref, 700+i), "due "+ref+" 2026-11-01")
	}
	lines = append(lines, "digest here 0 * * * *")
	seed(t, seeded, "slack:T1", "C1", lines...)
	bin := targetbotBinary(t)
	reply := func(path string, n int) string {
		if strings.HasSuffix(path, "conversations.open") {
			return `{"ok":true,"channel":{"id":"D` + strings.Repeat("7", n%5+1) + `"}}`
		}
		return fmt.Sprintf(`{"ok":true,"channel":"C1","ts":"1700000000.%06d"}`, n)
	}
	env := func(db, api string) []string {
		return []string{"TARGETBOT_STORE=bolt:" + db, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_API_URL=" + api + "/api/"}
	}

	// What one uninterrupted run posts.
	whole := filepath.Join(dir, "whole.db")
	copyFile(t, seeded, whole)
	wholeAPI := &fakeAPI{}
	srv := wholeAPI.server(t, reply)
	c := exec.Command(bin, "run-schedules")
	c.Env = append(os.Environ(), env(whole, srv.URL)...)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("run-schedules: %v\n%s", err, out)
	}
	want := slackPosts(wholeAPI)
	if len(want) < 7 {
		t.Fatalf("an uninterrupted run posted %d messages, want a digest in parts and five DMs", len(want))
	}

	// serve, signalled at the third post.
	db := filepath.Join(dir, "targetbot.db")
	copyFile(t, seeded, db)
	api := &fakeAPI{}
	third := make(chan struct{})
	posted := 0 // under api.mu, where reply is called
	srv = api.server(t, func(path string, n int) string {
		if strings.HasSuffix(path, "chat.postMessage") {
			if posted++; posted == 3 {
				close(third)
			}
		}
		return reply(path, n)
	})
	p := startServe(t, env(db, srv.URL)...)
	select {
	case <-third:
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start posting: %s", p.stderr)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v: %s", err, p.stderr)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop within its grace")
	}
	p.done <- nil
	// The next run, after the restart, finds nothing left to post.
	c = exec.Command(bin, "run-schedules")
	c.Env = append(os.Environ(), env(db, srv.URL)...)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("run-schedules after the restart: %v\n%s", err, out)
	}
	got := slackPosts(api)
	if len(got) != len(want) {
		t.Errorf("%d messages posted across the deploy, want %d, as one uninterrupted run posts\n%s", len(got), len(want), p.stderr)
	}
	seen := map[string]int{}
	for _, m := range got {
		if seen[m]++; seen[m] == 2 {
			t.Errorf("posted twice: %.120s", m)
		}
	}
}
