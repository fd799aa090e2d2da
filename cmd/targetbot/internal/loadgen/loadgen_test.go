package loadgen_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/cmd/targetbot/internal/loadgen"
)

// The generator sends correctly signed, distinct commands and reads
// answers of either framing (Content-Length, chunked) on one connection.
func TestRun(t *testing.T) {
	const secret = "s3cr3t"
	var mu sync.Mutex
	seen := map[string]bool{}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := slack.Verify(r.Header, body, secret, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		dup := seen[string(body)]
		seen[string(body)] = true
		n++
		chunked := n%2 == 0
		mu.Unlock()
		if dup || !strings.Contains(string(body), "text=update+eds%2F1.") {
			http.Error(w, "repeated or malformed", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"ok":true}`))
		if chunked {
			w.(http.Flusher).Flush() // forces chunked encoding
		}
	}))
	defer srv.Close()
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		Addr: strings.TrimPrefix(srv.URL, "http://"), Secret: secret, Team: "T1", User: "U1", Conns: 3, Total: 60,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 60 || res.Errors != 0 {
		t.Fatalf("sent %d, errors %d: %s", res.Sent, res.Errors, res.FirstError)
	}
	if res.Sample != `{"ok":true}` || res.P99 <= 0 || res.P50 > res.P99 {
		t.Fatalf("result %+v", res)
	}

	// Paced: 40 commands at 400/s take about 0.1 s.
	res, err = loadgen.Run(context.Background(), loadgen.Config{
		Addr: strings.TrimPrefix(srv.URL, "http://"), Secret: secret, Team: "T1", User: "U1", Conns: 2, Total: 40, Rate: 400,
	})
	if err != nil || res.Sent != 40 {
		t.Fatalf("paced: %+v %v", res, err)
	}
	if res.Elapsed < 90*time.Millisecond {
		t.Errorf("paced run took %s, want about 100ms", res.Elapsed)
	}
}
