package bot_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// slowPost sends a POST's headers and the first byte of its body, and
// returns the connection and a reader of the answer.
func slowPost(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	fmt.Fprintf(c, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx")
	return c, bufio.NewReader(c)
}

func status(t *testing.T, r *bufio.Reader) (int, string) {
	t.Helper()
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, res.Header.Get("Retry-After")
}

// A body that arrives at once needs no slot; a slow one takes its
// route's one slot, and is cut off by the rate floor; another slow one
// while the slot is taken gets 503 with Retry-After, and the handler
// never sees either.
func TestUnverifiedBudgetAndRateFloor(t *testing.T) {
	handled := make(chan string, 10)
	u := &bot.Unverified{Slots: 1, FastWindow: 50 * time.Millisecond, SlowGrace: 300 * time.Millisecond, MinRate: 1 << 20,
		Route: func(r *http.Request) string { return r.URL.Path }}
	srv := httptest.NewServer(u.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		handled <- string(body)
	})))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	_, first := slowPost(t, addr)
	time.Sleep(150 * time.Millisecond) // past the fast window: it holds the slot
	_, second := slowPost(t, addr)
	if code, retry := status(t, second); code != http.StatusServiceUnavailable || retry == "" {
		t.Errorf("a second slow body = %d (Retry-After %q), want 503 with Retry-After", code, retry)
	}
	res, err := http.Post(srv.URL+"/hook", "text/plain", strings.NewReader("whole"))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("a whole body while the slot is taken = %v, %v", res, err)
	}
	_ = res.Body.Close()
	if got := <-handled; got != "whole" {
		t.Errorf("handler read %q, want the whole body", got)
	}
	start := time.Now()
	if code, _ := status(t, first); code != http.StatusRequestTimeout {
		t.Errorf("the slow body = %d, want 408", code)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the slow body was cut after %v, want within its floor", took)
	}
	select {
	case got := <-handled:
		t.Errorf("the handler ran for a slow body: %q", got)
	default:
	}
}
