package discord

import (
	"net/http"
	"testing"
)

// A 5xx or a dropped connection after a POST reached Discord may mean the
// message was posted: retrying a POST that Discord cannot deduplicate (a
// webhook follow-up has no nonce) would post it twice. A 429 certainly
// did nothing, and a POST with an enforced nonce, a PATCH or a DELETE is
// safe to repeat.
func TestRetriesNeverDoublePost(t *testing.T) {
	fail502 := func(w http.ResponseWriter, r recorded, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}
	drop := func(w http.ResponseWriter, r recorded, n int) {
		if n == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}
	keyed := messageBody{Content: "x", Nonce: nonce("k", 0), EnforceNonce: true}
	plain := messageBody{Content: "x"}
	for _, c := range []struct {
		name     string
		answer   func(http.ResponseWriter, recorded, int)
		method   string
		path     string
		body     any
		requests int
	}{
		{"webhook POST after 502", fail502, "POST", "webhooks/1/tok", plain, 1},
		{"webhook POST after dropped connection", drop, "POST", "webhooks/1/tok", plain, 1},
		{"channel POST without nonce after 502", fail502, "POST", "channels/9/messages", plain, 1},
		{"channel POST with nonce after 502", fail502, "POST", "channels/9/messages", keyed, 2},
		{"channel POST with nonce after dropped connection", drop, "POST", "channels/9/messages", keyed, 2},
		{"PATCH after 502", fail502, "PATCH", "webhooks/1/tok/messages/@original", plain, 2},
		{"DELETE after dropped connection", drop, "DELETE", "webhooks/1/tok/messages/@original", nil, 2},
		{"open DM after 502", fail502, "POST", "users/@me/channels", map[string]string{"recipient_id": "5"}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := newFakeDiscord(t, c.answer)
			a := newAdapter(t, &fakeHandler{}, api, nil)
			err := a.rest.do(t.Context(), c.method, c.path, c.body, nil, true)
			for range c.requests {
				api.next(t)
			}
			api.none(t)
			if (err == nil) != (c.requests == 2) {
				t.Errorf("err = %v after %d requests", err, c.requests)
			}
		})
	}
}
