package slack

import (
	"net/http"
	"testing"
)

func TestEventsURLVerification(t *testing.T) {
	f := newFakeSlack(t)
	a := newTestAdapter(t, f, &recorder{}, nil)
	w := serve(a, signed("/slack/events", readFile(t, "event_url_verification.json")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if m := decode(t, w.Body.Bytes()); m["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("answer %v", m)
	}
}

func TestEventsAppHomeOpenedOverHTTP(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	body := readFile(t, "event_app_home_opened.json")
	if w := serve(a, signed("/slack/events", body)); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	waitCalls(t, f, "views.publish", 1)
	// Slack's retry of the same event is acknowledged and not run again.
	r := signed("/slack/events", body)
	r.Header.Set("X-Slack-Retry-Num", "1")
	r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	if w := serve(a, r); w.Code != http.StatusOK {
		t.Fatalf("retry status %d", w.Code)
	}
	// And a duplicate without the header is caught by its event id.
	serve(a, signed("/slack/events", body))
	if err := a.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}
