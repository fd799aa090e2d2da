// Package limit is the yardstick of the end-to-end benchmark: the least
// a Slack slash-command server can do and still be one. It checks the
// request's signature, parses the form, makes one Redis call (a script,
// loaded once, that writes a hash and appends to a stream) and answers
// with a small JSON message. targetbot's `serve` is measured against it
// in the same run, on the same machine, with the same load (see
// docs/PERFORMANCE.md): what targetbot spends beyond it is the price of
// being a bot rather than a form handler.
//
// It is written as a competent Go programmer would write it with the
// standard library and go-redis, not tuned: that is the bar.
package limit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// script writes the command into a hash per user and a stream per team,
// capped so a long benchmark does not fill memory.
// KEYS: the user's hash, the team's stream. ARGV: text, time.
var script = redis.NewScript(`
redis.call('HSET', KEYS[1], 'text', ARGV[1], 'at', ARGV[2])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '100000', '*', 'text', ARGV[1], 'at', ARGV[2])
`)

// Handler answers POST /slack/commands.
type Handler struct {
	rdb    redis.UniversalClient
	secret []byte
	prefix string
}

// New returns a Handler that verifies with secret and writes keys under
// prefix. It loads the script into Redis once, so each command sends
// EVALSHA.
func New(ctx context.Context, rdb redis.UniversalClient, secret, prefix string) (*Handler, error) {
	if err := script.Load(ctx, rdb).Err(); err != nil {
		return nil, err
	}
	return &Handler{rdb: rdb, secret: []byte(secret), prefix: prefix}, nil
}

type reply struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" || time.Since(time.Unix(secs, 0)).Abs() > 5*time.Minute {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	team, user, text := form.Get("team_id"), form.Get("user_id"), form.Get("text")
	keys := []string{h.prefix + ":{" + team + "}:u:" + user, h.prefix + ":{" + team + "}:log"}
	if err := script.EvalSha(r.Context(), h.rdb, keys, text, ts).Err(); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	out, err := json.Marshal(reply{ResponseType: "in_channel", Text: "<@" + user + "> logged: " + text})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}
