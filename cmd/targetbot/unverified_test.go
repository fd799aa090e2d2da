package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowSender is a forged slash command sent slowly, again and again
// until stop: a well-formed signature header over a body it trickles,
// 1 KiB every 150 ms, as issue 27's attack did.
func slowSender(addr string, stop <-chan struct{}, cut *atomic.Int64) {
	sig := "v0=" + strings.Repeat("ab", 32)
	chunk := []byte("text=" + strings.Repeat("x", 1019))
	for {
		select {
		case <-stop:
			return
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		// The server's answer (503 or 408) ends this attempt.
		answered := make(chan struct{})
		go func() {
			_, _ = bufio.NewReader(c).ReadString('\n')
			close(answered)
		}()
		fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"X-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: %s\r\nContent-Length: 61440\r\n\r\n", time.Now().Unix(), sig)
	trickle:
		for range 60 {
			if _, err := c.Write(chunk); err != nil {
				break
			}
			select {
			case <-stop:
				break trickle
			case <-answered:
				cut.Add(1)
				break trickle
			case <-time.After(150 * time.Millisecond):
			}
		}
		_ = c.Close()
	}
}

// peakRSS is the process's peak resident set, in MB, from /proc.
func peakRSS(t *testing.T, pid int) float64 {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// DESIGN section 20: with 300 forged slow senders running, genuine
// signed commands are still answered within 3 s, and memory stays
// bounded. The senders' bodies are read on a budget of their own, and
// cut off by the byte-rate floor.
func TestServeAnswersGenuineCommandsUnderForgedSlowSenders(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a targetbot process")
	}
	db := filepath.Join(t.TempDir(), "targetbot.db")
	p := startServe(t, "TARGETBOT_STORE=bolt:"+db, "SLACK_SIGNING_SECRET="+slackSecret, "TARGETBOT_ADMINS=slack:UADMIN")
	if res, err := http.DefaultClient.Do(signedSlack(context.Background(), p.base, "UADMIN", "import eds")); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v: %s", res, err, p.stderr)
	}
	const senders, genuine = 300, 40
	stop := make(chan struct{})
	var cut atomic.Int64
	var wg sync.WaitGroup
	addr := strings.TrimPrefix(p.base, "http://")
	for range senders {
		wg.Go(func() { slowSender(addr, stop, &cut) })
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	time.Sleep(1500 * time.Millisecond) // every sender is trickling

	client := &http.Client{Timeout: 3 * time.Second}
	answered := 0
	var slowest time.Duration
	for range genuine {
		start := time.Now()
		res, err := client.Do(signedSlack(context.Background(), p.base, "U1", "help"))
		took := time.Since(start)
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == 200 && took <= 3*time.Second {
				answered++
			}
		}
		slowest = max(slowest, took)
		time.Sleep(75 * time.Millisecond)
	}
	rss := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("%d of %d genuine commands answered within 3 s (slowest %v); %d forged reads cut; peak RSS %.0f MB",
		answered, genuine, slowest, cut.Load(), rss)
	if answered*100 < genuine*95 {
		t.Errorf("%d of %d genuine commands answered within 3 s, want at least 95%%", answered, genuine)
	}
	if cut.Load() == 0 {
		t.Error("no forged slow read was cut off")
	}
	if rss >= 100 {
		t.Errorf("peak RSS %.0f MB, want under 100 MB", rss)
	}
}
