package limit_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/cmd/targetbot/internal/limit"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// The limit server is only a yardstick if it does the work it claims:
// it refuses a bad signature, and for a good one writes to Redis and
// answers with JSON.
func TestLimitServer(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t, redistest.Start(t))
	prefix := redistest.Prefix(t)
	h, err := limit.New(ctx, rdb, secret, prefix)
	if err != nil {
		t.Fatal(err)
	}
	body := url.Values{"team_id": {"T1"}, "user_id": {"U1"}, "text": {"update eds/1.1 40% on-track note"}}.Encode()
	post := func(sig string) *httptest.ResponseRecorder {
		ts := time.Now().Unix()
		r := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		if sig == "" {
			sig = slack.Sign(secret, ts, []byte(body))
		}
		r.Header.Set("X-Slack-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := post("v0=00"); w.Code != http.StatusUnauthorized {
		t.Fatalf("a bad signature got %d, want 401", w.Code)
	}
	w := post("")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var got map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["response_type"] != "in_channel" || !strings.Contains(got["text"], "40%") {
		t.Fatalf("answer %s (%v)", w.Body, err)
	}
	if n := rdb.XLen(ctx, prefix+":{T1}:log").Val(); n != 1 {
		t.Errorf("stream holds %d entries, want 1", n)
	}
	if v := rdb.HGet(ctx, prefix+":{T1}:u:U1", "text").Val(); v != "update eds/1.1 40% on-track note" {
		t.Errorf("hash holds %q", v)
	}
}

// NewWithWrite's server makes the write it is given, with the form's
// fields, and answers 503 when the write fails.
func TestLimitServerWithWrite(t *testing.T) {
	var got []string
	fail := false
	h := limit.NewWithWrite(secret, func(_ context.Context, team, user, text, trigger, ts string) error {
		got = []string{team, user, text, trigger, ts}
		if fail {
			return errors.New("down")
		}
		return nil
	})
	body := url.Values{"team_id": {"T1"}, "user_id": {"U1"}, "text": {"update eds/1.1 40% on-track"}, "trigger_id": {"9.9.abc"}}.Encode()
	post := func() int {
		ts := time.Now().Unix()
		r := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		r.Header.Set("X-Slack-Signature", slack.Sign(secret, ts, []byte(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(); code != 200 {
		t.Fatalf("status %d", code)
	}
	if len(got) != 5 || got[0] != "T1" || got[1] != "U1" || got[2] != "update eds/1.1 40% on-track" || got[3] != "9.9.abc" || got[4] == "" {
		t.Fatalf("write got %q", got)
	}
	fail = true
	if code := post(); code != http.StatusServiceUnavailable {
		t.Fatalf("a failed write answered %d, want 503", code)
	}
}
